from django.urls import path, re_path

from archive.views import (
    alerts,
    alignment,
    annotations,
    asof,
    audit,
    claims,
    discussion,
    exports,
    findings,
    imports,
    jobs,
    outlets,
    prov_ids,
    provenance,
    questions,
    reanchored,
    review,
    search,
    sources,
    texts,
    versions,
    workspaces,
)

app_name = "archive"

urlpatterns = [
    path("", workspaces.home, name="home"),
    # Search across the archive.
    path("search/", search.search_page, name="search"),
    # Alerts of the signed-in member, across their workspaces.
    path("alerts/", alerts.inbox, name="alerts"),
    # Background jobs: the user's own, and (for admins) their workspaces'.
    path("jobs/", jobs.job_list, name="jobs"),
    path("jobs/<int64:job_id>/", jobs.job_detail, name="job"),
    path("w/<slug:slug>/schedules/", jobs.schedules, name="schedules"),
    path("w/<slug:slug>/schedules/<int64:schedule_id>/", jobs.schedule_edit, name="schedule_edit"),
    # Managing a workspace (admins): its name and description, who is in it.
    path("w/<slug:slug>/edit/", workspaces.workspace_edit, name="workspace_edit"),
    path("w/<slug:slug>/members/", workspaces.members, name="members"),
    path(
        "w/<slug:slug>/members/<int64:membership_id>/remove/", workspaces.member_remove, name="member_remove"
    ),
    path("w/<slug:slug>/members/<int64:membership_id>/role/", workspaces.member_role, name="member_role"),
    # The whole workspace as one ZIP (admins), made by a job; what import_archive restores.
    path("w/<slug:slug>/export/", exports.workspace_export, name="workspace_export"),
    path(
        "w/<slug:slug>/export/<int64:job_id>/archive.zip",
        exports.workspace_export_download,
        name="workspace_export_download",
    ),
    path("w/<slug:slug>/", workspaces.workspace_detail, name="workspace"),
    path("w/<slug:slug>/sources.csv", workspaces.sources_csv, name="sources_csv"),
    path("w/<slug:slug>/alerts/email/", alerts.alert_email, name="alert_email"),
    path("w/<slug:slug>/sources/<int64:source_id>/", sources.source_detail, name="source"),
    path("w/<slug:slug>/sources/<int64:source_id>/edit/", sources.source_edit, name="source_edit"),
    path("w/<slug:slug>/sources/<int64:source_id>/delete/", sources.source_delete, name="source_delete"),
    # A source over time: its versions, one as captured, two compared, recapture now.
    path(
        "w/<slug:slug>/sources/<int64:source_id>/versions/", versions.source_versions, name="source_versions"
    ),
    path(
        "w/<slug:slug>/sources/<int64:source_id>/versions/<int64:number>/",
        versions.source_version,
        name="source_version",
    ),
    path(
        "w/<slug:slug>/sources/<int64:source_id>/versions/compare/",
        versions.source_compare,
        name="source_compare",
    ),
    path(
        "w/<slug:slug>/sources/<int64:source_id>/recapture/",
        versions.source_recapture,
        name="source_recapture",
    ),
    # After re-anchoring, analysts confirm, select anew or orphan the passages it moved or guessed.
    path("w/<slug:slug>/sources/<int64:source_id>/reanchored/", reanchored.reanchored, name="reanchored"),
    path(
        "w/<slug:slug>/sources/<int64:source_id>/reanchored/<int64:passage_id>/",
        reanchored.decide,
        name="reanchored_decide",
    ),
    # Correcting a source's text re-anchors its passages, so it has its own page.
    path("w/<slug:slug>/sources/<int64:source_id>/text/", texts.correct_text, name="source_text"),
    # A translation or republication beside what it derives from; explaining a divergence.
    path("w/<slug:slug>/sources/<int64:source_id>/aligned/", alignment.source_aligned, name="source_aligned"),
    path(
        "w/<slug:slug>/sources/<int64:source_id>/divergences/explain/",
        alignment.divergence_explain,
        name="divergence_explain",
    ),
    # Reading page: highlight a selection, annotate it or cite it as evidence.
    path(
        "w/<slug:slug>/sources/<int64:source_id>/annotations/",
        annotations.annotation_create,
        name="annotation_create",
    ),
    path(
        "w/<slug:slug>/sources/<int64:source_id>/evidence/",
        annotations.evidence_create,
        name="evidence_create",
    ),
    path(
        "w/<slug:slug>/annotations/<int64:annotation_id>/", annotations.annotation_change, name="annotation"
    ),
    path("w/<slug:slug>/evidence/<int64:evidence_id>/", annotations.evidence_change, name="evidence"),
    path("w/<slug:slug>/claims/", claims.claim_list, name="claims"),
    path("w/<slug:slug>/claims.csv", claims.claims_csv, name="claims_csv"),
    path("w/<slug:slug>/claims/new/", claims.claim_create, name="claim_create"),
    path("w/<slug:slug>/claims/search/", claims.claim_search, name="claim_search"),
    path("w/<slug:slug>/claims/<int64:claim_id>/", claims.claim_detail, name="claim"),
    path("w/<slug:slug>/claims/<int64:claim_id>/edit/", claims.claim_edit, name="claim_edit"),
    path("w/<slug:slug>/claims/<int64:claim_id>/delete/", claims.claim_delete, name="claim_delete"),
    path("w/<slug:slug>/claims/<int64:claim_id>/passages/", claims.claim_passages, name="claim_passages"),
    path("w/<slug:slug>/claims/<int64:claim_id>/cite/", claims.claim_cite, name="claim_cite"),
    path(
        "w/<slug:slug>/claims/<int64:claim_id>/credibility/",
        claims.claim_credibility,
        name="claim_credibility",
    ),
    # Sources with provenance: import and capture, derivations, grades, PROV export.
    path("w/<slug:slug>/import/", imports.import_source, name="import"),
    path("w/<slug:slug>/import/confirm/", imports.import_confirm, name="import_confirm"),
    path(
        "w/<slug:slug>/sources/<int64:source_id>/provenance/",
        provenance.source_provenance,
        name="source_provenance",
    ),
    path(
        "w/<slug:slug>/sources/<int64:source_id>/original/",
        provenance.source_original,
        name="source_original",
    ),
    path(
        "w/<slug:slug>/sources/<int64:source_id>/capture.warc.gz", provenance.source_warc, name="source_warc"
    ),
    path(
        "w/<slug:slug>/sources/<int64:source_id>/versions/<int64:number>/original/",
        provenance.source_version_original,
        name="source_version_original",
    ),
    path(
        "w/<slug:slug>/sources/<int64:source_id>/versions/<int64:number>/capture.warc.gz",
        provenance.source_version_warc,
        name="source_version_warc",
    ),
    path(
        "w/<slug:slug>/sources/<int64:source_id>/derivation/",
        provenance.source_derivation,
        name="source_derivation",
    ),
    path(
        "w/<slug:slug>/sources/<int64:source_id>/provenance.prov.json",
        provenance.source_prov,
        {"fmt": "json"},
        name="source_prov_json",
    ),
    path(
        "w/<slug:slug>/sources/<int64:source_id>/provenance.provn",
        provenance.source_prov,
        {"fmt": "provn"},
        name="source_prov_n",
    ),
    path(
        "w/<slug:slug>/claims/<int64:claim_id>/evidence-trail.prov.json",
        provenance.claim_prov,
        {"fmt": "json"},
        name="claim_prov_json",
    ),
    path(
        "w/<slug:slug>/claims/<int64:claim_id>/evidence-trail.provn",
        provenance.claim_prov,
        {"fmt": "provn"},
        name="claim_prov_n",
    ),
    # The identifiers in those exports (/w/<slug>/claim-12, ...): to the page of what each names.
    re_path(
        rf"^w/(?P<slug>[-a-zA-Z0-9_]+)/(?P<identifier>{prov_ids.IDENTIFIER})$",
        prov_ids.prov_identifier,
        name="prov_identifier",
    ),
    path(
        "w/<slug:slug>/claims/<int64:claim_id>/evidence-package.zip",
        findings.claim_evidence_package,
        name="claim_evidence_package",
    ),
    # The packages' verifier, for recipients to trust rather than the copy inside a package:
    # public, as it holds no data (one file for every workspace) and recipients have no account.
    path("verify.py", findings.verifier, name="verifier"),
    # Analysis of Competing Hypotheses.
    path("w/<slug:slug>/questions/", questions.question_list, name="questions"),
    path("w/<slug:slug>/questions/<int64:question_id>/", questions.question_detail, name="question"),
    path(
        "w/<slug:slug>/questions/<int64:question_id>/delete/",
        questions.question_delete,
        name="question_delete",
    ),
    path(
        "w/<slug:slug>/questions/<int64:question_id>/hypotheses/",
        questions.question_hypothesis,
        name="question_hypothesis",
    ),
    path(
        "w/<slug:slug>/questions/<int64:question_id>/passages/",
        questions.question_passages,
        name="question_passages",
    ),
    path(
        "w/<slug:slug>/questions/<int64:question_id>/evidence/",
        questions.question_evidence,
        name="question_evidence",
    ),
    path(
        "w/<slug:slug>/questions/<int64:question_id>/take-out/",
        questions.question_take_out,
        name="question_take_out",
    ),
    path(
        "w/<slug:slug>/questions/<int64:question_id>/ratings/",
        questions.question_ratings,
        name="question_ratings",
    ),
    path(
        "w/<slug:slug>/questions/<int64:question_id>/matrix.csv", questions.question_csv, name="question_csv"
    ),
    path("w/<slug:slug>/outlets/", outlets.outlet_list, name="outlets"),
    path("w/<slug:slug>/outlets/new/", outlets.outlet_create, name="outlet_create"),
    path("w/<slug:slug>/outlets/<int64:outlet_id>/edit/", outlets.outlet_edit, name="outlet_edit"),
    path("w/<slug:slug>/outlets/<int64:outlet_id>/delete/", outlets.outlet_delete, name="outlet_delete"),
    path("w/<slug:slug>/outlets/<int64:outlet_id>/grade/", outlets.outlet_grade, name="outlet_grade"),
    # Reviewer audit: activity feed and exports, object history and revert,
    # review workflow, time travel, the history chain's status.
    path("w/<slug:slug>/activity/", audit.activity, name="activity"),
    path("w/<slug:slug>/activity.csv", audit.activity_csv, name="activity_csv"),
    path("w/<slug:slug>/activity.json", audit.activity_json, name="activity_json"),
    path(
        "w/<slug:slug>/history/<slug:model>/<int64:object_id>/", audit.object_history, name="object_history"
    ),
    path("w/<slug:slug>/history/<slug:model>/<int64:object_id>/revert/", audit.revert, name="revert"),
    path("w/<slug:slug>/audit/", audit.audit_status, name="audit_status"),
    path("w/<slug:slug>/audit/verify/", audit.audit_verify, name="audit_verify"),
    path("w/<slug:slug>/review/", review.review_queue, name="review_queue"),
    path(
        "w/<slug:slug>/review/<slug:model>/<int64:object_id>/submit/",
        review.submit_for_review,
        name="submit_for_review",
    ),
    path(
        "w/<slug:slug>/sources/<int64:source_id>/submit-drafts/",
        review.submit_drafts,
        name="submit_drafts",
    ),
    path("w/<slug:slug>/review/<slug:model>/<int64:object_id>/flag/", review.flag, name="flag"),
    path(
        "w/<slug:slug>/review/<slug:model>/<int64:object_id>/decide/",
        review.review_decision,
        name="review_decision",
    ),
    path(
        "w/<slug:slug>/discussion/<slug:model>/<int64:object_id>/reply/",
        discussion.discussion_reply,
        name="discussion_reply",
    ),
    path(
        "w/<slug:slug>/discussion/<slug:model>/<int64:object_id>/resolve/",
        discussion.discussion_resolve,
        name="discussion_resolve",
    ),
    path(
        "w/<slug:slug>/discussion/replies/<int64:reply_id>/edit/",
        discussion.discussion_reply_edit,
        name="discussion_reply_edit",
    ),
    path(
        "w/<slug:slug>/discussion/replies/<int64:reply_id>/delete/",
        discussion.discussion_reply_delete,
        name="discussion_reply_delete",
    ),
    path("w/<slug:slug>/sources/<int64:source_id>/as-of/", asof.source_as_of_view, name="source_as_of"),
    path("w/<slug:slug>/claims/<int64:claim_id>/as-of/", asof.claim_as_of_view, name="claim_as_of"),
]
