"""The reading page's JSON endpoints: every action and every refusal."""

import json

import pytest
from django.urls import reverse

from archive.audit.history import human_time
from archive.audit.review import approve, submit_for_review
from archive.claims import delete_annotation, edit_item
from archive.models import Annotation, Claim, Evidence, Passage, Stance
from archive.passages.correction import correct_source_text
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    EvidenceFactory,
    PassageFactory,
    SourceFactory,
    WorkspaceFactory,
)
from tests.support import field_errors


def target(text: str, quote: str, *, occurrence: int = 0, **overrides) -> dict:
    """A W3C target for `quote` in `text`, as the browser sends it (code points)."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(quote, start + 1)
    position = {"type": "TextPositionSelector", "start": start, "end": start + len(quote)}
    return {"selector": [position, {"type": "TextQuoteSelector", "exact": quote}], **overrides}


def send(client, user, method: str, url: str, payload) -> tuple[int, dict]:
    client.force_login(user)
    body = payload if isinstance(payload, str) else json.dumps(payload)
    response = client.generic(method, url, body, content_type="application/json")
    return response.status_code, (response.json() if response["Content-Type"] == "application/json" else {})


def annotate_url(source) -> str:
    return reverse("archive:annotation_create", args=[source.workspace.slug, source.pk])


def evidence_url(source) -> str:
    return reverse("archive:evidence_create", args=[source.workspace.slug, source.pk])


def annotation_url(annotation) -> str:
    return reverse("archive:annotation", args=[annotation.workspace.slug, annotation.pk])


def one_evidence_url(evidence) -> str:
    return reverse("archive:evidence", args=[evidence.workspace.slug, evidence.pk])


def nothing_written() -> bool:
    return not (Passage.objects.exists() or Annotation.objects.exists() or Evidence.objects.exists())


# --- Creating an annotation ------------------------------------------------------


def test_annotating_a_selection_creates_passage_and_annotation(client, analyst, source):
    payload = {"target": target(source.text, "120 a week"), "body": "Check", "tags": ["figures", " figures "]}
    status, data = send(client, analyst, "POST", annotate_url(source), payload)
    assert status == 201
    annotation = Annotation.objects.get()
    passage = annotation.passages.get()
    assert (passage.exact, annotation.body, annotation.tags) == ("120 a week", "Check", ["figures"])
    assert passage.prefix.endswith("were increased, reaching ")
    assert data["passage"] == {"id": passage.pk, "start": passage.start, "end": passage.end, "role": "note"}
    assert data["item"]["id"] == f"annotation-{annotation.pk}" and "Check" in data["item"]["html"]


def test_annotation_records_its_author_in_history(client, analyst, source):
    send(
        client, analyst, "POST", annotate_url(source), {"target": target(source.text, "Aleppo"), "body": "x"}
    )
    assert {row.history_user for row in Annotation.history.all()} == {analyst}


def test_annotating_after_an_emoji_counts_code_points(client, analyst, workspace):
    source = SourceFactory(workspace=workspace, text="Witness 😀🇸🇾: the pump building was hit.")
    status, _ = send(client, analyst, "POST", annotate_url(source), {"target": target(source.text, "pump")})
    assert status == 201
    assert Passage.objects.get().start == source.text.index("pump") == 17


def test_annotating_the_same_span_twice_reuses_its_passage(client, analyst, source):
    payload = {"target": target(source.text, "Aleppo"), "body": "one"}
    send(client, analyst, "POST", annotate_url(source), payload)
    send(client, analyst, "POST", annotate_url(source), {**payload, "body": "two"})
    assert Passage.objects.count() == 1 and Annotation.objects.count() == 2


def test_annotating_with_an_unknown_motivation_is_refused_and_writes_nothing(client, analyst, source):
    payload = {"target": target(source.text, "Aleppo"), "motivation": "gossiping"}
    status, data = send(client, analyst, "POST", annotate_url(source), payload)
    assert status == 400 and "Motivation" in data["error"]
    assert nothing_written()


@pytest.mark.parametrize(
    ("make_target", "message"),
    [
        (
            lambda text: target(text, "Aleppo") | {"selector": []},
            "TextPositionSelector or a TextQuoteSelector",
        ),
        (
            lambda text: {
                "selector": [
                    {"type": "TextPositionSelector", "start": len(text) - 2, "end": len(text) + 5},
                    {"type": "TextQuoteSelector", "exact": text[-2:]},
                ]
            },
            "past the end",
        ),
        (
            lambda text: {
                "selector": [
                    {"type": "TextPositionSelector", "start": 0, "end": 6},
                    {"type": "TextQuoteSelector", "exact": "Moscow"},
                ]
            },
            "does not match",
        ),
        (
            lambda text: {
                "selector": [
                    {"type": "TextPositionSelector", "start": 4, "end": 4},
                    {"type": "TextQuoteSelector", "exact": ""},
                ]
            },
            "empty",
        ),
    ],
    ids=["no selectors", "outside the text", "exact does not match", "empty selection"],
)
def test_bad_selector_is_refused_with_a_clear_message_and_writes_nothing(
    client, analyst, source, make_target, message
):
    status, data = send(client, analyst, "POST", annotate_url(source), {"target": make_target(source.text)})
    assert status == 400 and message in data["error"]
    assert nothing_written()


@pytest.mark.parametrize("body", ["{not json", "[1, 2]", '"text"'], ids=["syntax", "array", "string"])
def test_malformed_json_is_refused_with_400(client, analyst, source, body):
    status, data = send(client, analyst, "POST", annotate_url(source), body)
    assert status == 400 and "JSON" in data["error"]
    assert nothing_written()


def test_body_that_is_not_text_is_refused(client, analyst, source):
    payload = {"target": target(source.text, "Aleppo"), "body": ["a"]}
    status, data = send(client, analyst, "POST", annotate_url(source), payload)
    assert status == 400 and data["error"] == "Body: This must be text."


def test_tags_that_are_not_a_list_are_refused(client, analyst, source):
    payload = {"target": target(source.text, "Aleppo"), "tags": "a, b"}
    status, _ = send(client, analyst, "POST", annotate_url(source), payload)
    assert status == 400 and nothing_written()


def test_annotating_is_refused_for_a_reviewer_with_403(client, reviewer, source):
    status, _ = send(
        client, reviewer, "POST", annotate_url(source), {"target": target(source.text, "Aleppo")}
    )
    assert status == 403 and nothing_written()


def test_annotating_is_refused_for_a_non_member_with_404(client, outsider, source):
    status, _ = send(
        client, outsider, "POST", annotate_url(source), {"target": target(source.text, "Aleppo")}
    )
    assert status == 404 and nothing_written()


def test_annotating_a_source_of_another_workspace_is_404(client, analyst):
    foreign = SourceFactory(workspace=WorkspaceFactory())
    url = reverse("archive:annotation_create", args=["southern-syria-2017", foreign.pk])
    status, _ = send(client, analyst, "POST", url, {"target": target(foreign.text, "Aleppo")})
    assert status == 404 and nothing_written()


def test_annotating_with_get_is_not_allowed(client, analyst, source):
    client.force_login(analyst)
    assert client.get(annotate_url(source)).status_code == 405


def test_annotating_without_a_csrf_token_is_refused(analyst, source):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    status, _ = send(client, analyst, "POST", annotate_url(source), {"target": target(source.text, "Aleppo")})
    assert status == 403 and nothing_written()


@pytest.mark.parametrize(
    ("url", "fields"),
    [(annotate_url, {"body": "Check"}), (evidence_url, {"new_claim": "Water was rationed."})],
    ids=["annotation", "evidence"],
)
def test_a_selection_in_a_text_corrected_since_the_page_opened_is_refused_as_such(
    client, analyst, ws_admin, source, url, fields
):
    shown, selected = source.text_sha256, target(source.text, "120 a week")
    correct_source_text(
        source=source, user=ws_admin, new_text=f"Correction: {source.text}", reason="dateline"
    )
    payload = {"target": selected, "text_sha256": shown, **fields}
    status, data = send(client, analyst, "POST", url(source), payload)
    assert status == 409
    assert data["error"] == (
        "The source's text changed since you opened this page: reload it to annotate the new text."
    )
    assert nothing_written()


# --- Creating evidence -------------------------------------------------------------


def test_citing_a_selection_for_an_existing_claim(client, analyst, workspace, source):
    claim = ClaimFactory(workspace=workspace)
    payload = {"target": target(source.text, "400 airstrikes"), "claim": claim.pk, "stance": "supports"}
    status, data = send(client, analyst, "POST", evidence_url(source), payload)
    assert status == 201
    evidence = Evidence.objects.get()
    assert (evidence.claim, evidence.stance, evidence.passage.exact) == (claim, "supports", "400 airstrikes")
    assert data["passage"]["role"] == "supports"


def test_citing_a_selection_for_a_new_claim_creates_the_claim(client, analyst, source):
    payload = {
        "target": target(source.text, "surrounded"),
        "new_claim": "  Aleppo was besieged in 2012. ",
        "stance": "contextualizes",
        "note": "Date is disputed.",
    }
    status, _ = send(client, analyst, "POST", evidence_url(source), payload)
    assert status == 201
    evidence = Evidence.objects.select_related("claim").get()
    assert (evidence.claim.statement, evidence.claim.created_by, evidence.note) == (
        "Aleppo was besieged in 2012.",
        analyst,
        "Date is disputed.",
    )


def test_citing_without_a_claim_is_refused_and_writes_nothing(client, analyst, source):
    payload = {"target": target(source.text, "surrounded"), "stance": "supports"}
    status, data = send(client, analyst, "POST", evidence_url(source), payload)
    assert status == 400 and "claim" in data["error"]
    assert nothing_written() and not Claim.objects.exists()


def test_citing_with_a_bad_stance_creates_neither_passage_nor_new_claim(client, analyst, source):
    payload = {"target": target(source.text, "surrounded"), "new_claim": "New", "stance": "proves"}
    status, data = send(client, analyst, "POST", evidence_url(source), payload)
    assert status == 400 and "Stance" in data["error"]
    assert nothing_written() and not Claim.objects.exists()


def test_citing_the_same_passage_twice_for_one_claim_is_a_409_naming_the_evidence(
    client, analyst, workspace, source
):
    claim = ClaimFactory(workspace=workspace)
    payload = {"target": target(source.text, "Aleppo"), "claim": claim.pk, "stance": "supports"}
    send(client, analyst, "POST", evidence_url(source), payload)
    status, data = send(client, analyst, "POST", evidence_url(source), payload)
    assert status == 409 and "already evidence" in data["error"]
    assert data["existing"] == {"type": "evidence", "id": Evidence.objects.get().pk}


def test_citing_for_a_claim_of_another_workspace_is_400_as_in_the_api(client, analyst, source):
    foreign_claim = ClaimFactory(workspace=WorkspaceFactory())
    payload = {"target": target(source.text, "Aleppo"), "claim": foreign_claim.pk, "stance": "supports"}
    status, data = send(client, analyst, "POST", evidence_url(source), payload)
    assert status == 400 and nothing_written()
    assert data["claim"] == [f"Claim {foreign_claim.pk} is not in this workspace."]


def test_citing_with_a_claim_id_that_is_not_a_number_is_refused(client, analyst, source):
    payload = {"target": target(source.text, "Aleppo"), "claim": "7", "stance": "supports"}
    status, _ = send(client, analyst, "POST", evidence_url(source), payload)
    assert status == 400 and nothing_written()


def test_citing_is_refused_for_a_reviewer_with_403(client, reviewer, workspace, source):
    payload = {"target": target(source.text, "Aleppo"), "new_claim": "x", "stance": "supports"}
    status, _ = send(client, reviewer, "POST", evidence_url(source), payload)
    assert status == 403 and nothing_written()


# --- Editing ----------------------------------------------------------------------------


@pytest.fixture
def annotation(workspace, analyst, source):
    return AnnotationFactory(
        workspace=workspace, passages=[PassageFactory(source=source)], author=analyst, body="First"
    )


@pytest.fixture
def evidence(workspace, analyst, source):
    return EvidenceFactory(
        passage=PassageFactory(source=source, start=20),
        claim=ClaimFactory(workspace=workspace),
        created_by=analyst,
    )


def test_author_edits_own_annotation(client, analyst, annotation):
    payload = {"version": annotation.version, "body": "Second", "tags": ["x"], "reason": "typo"}
    status, data = send(client, analyst, "PATCH", annotation_url(annotation), payload)
    assert status == 200
    annotation.refresh_from_db()
    assert (annotation.body, annotation.tags, annotation.version) == ("Second", ["x"], 2)
    assert annotation.history.first().history_change_reason == "typo"
    assert "Second" in data["item"]["html"]


def test_edit_from_a_stale_version_is_refused_with_the_other_version(client, analyst, annotation, ws_admin):
    edit_item(annotation, user=ws_admin, expected_version=1, changes={"body": "Admin's words"})
    payload = {"version": 1, "body": "Mine"}
    status, data = send(client, analyst, "PATCH", annotation_url(annotation), payload)
    assert status == 412
    assert data["current"]["body"] == "Admin's words"
    assert (data["current"]["version"], data["current"]["changed_by"]) == (2, "ws-admin")
    assert "Admin&#x27;s words" in data["item"]["html"]
    annotation.refresh_from_db()
    assert annotation.body == "Admin's words"


def test_a_stale_edit_over_ones_own_change_in_another_tab_says_it_was_yours(client, analyst, annotation):
    edit_item(annotation, user=analyst, expected_version=1, changes={"body": "From the other tab"})
    status, data = send(client, analyst, "PATCH", annotation_url(annotation), {"version": 1, "body": "Mine"})
    assert status == 412
    assert data["error"] == "Not saved: you changed this in another tab or window while you were editing."


def test_a_stale_edit_names_every_field_that_differs_from_the_version_edited(
    client, analyst, annotation, ws_admin
):
    changes = {"tags": ["important", "verified"], "motivation": "questioning"}
    edit_item(annotation, user=ws_admin, expected_version=1, changes=changes)
    status, data = send(client, analyst, "PATCH", annotation_url(annotation), {"version": 1, "body": "Mine"})
    assert status == 412
    assert data["error"] == "Not saved: ws-admin changed this while you were editing."
    assert data["changed"] == ["motivation", "tags"]
    assert (data["current"]["tags"], data["current"]["motivation"]) == (
        ["important", "verified"],
        "questioning",
    )


def test_a_stale_edit_of_evidence_names_its_changed_stance(client, analyst, evidence, ws_admin):
    edit_item(evidence, user=ws_admin, expected_version=1, changes={"stance": Stance.CONTEXTUALIZES})
    status, data = send(client, analyst, "PATCH", one_evidence_url(evidence), {"version": 1, "note": "Mine"})
    assert status == 412
    assert (data["changed"], data["current"]["stance"]) == (["stance"], "contextualizes")


def test_a_stale_edit_after_an_approval_says_it_was_approved_and_saving_resubmits(
    client, analyst, annotation, reviewer
):
    submitted = submit_for_review(annotation, user=analyst, expected_version=1)
    approve(submitted, user=reviewer, expected_version=submitted.version)
    payload = {"version": submitted.version, "body": "Mine"}
    status, data = send(client, analyst, "PATCH", annotation_url(annotation), payload)
    assert status == 412
    assert data["error"] == (
        "Not saved: reviewer approved this while you were editing;"
        " saving will submit your change for review again."
    )
    assert (data["changed"], data["current"]["review_status"]) == (["review_status"], "approved")


def test_editing_an_annotation_someone_deleted_says_who_when_and_why(client, analyst, annotation, ws_admin):
    delete_annotation(
        annotation=annotation, user=ws_admin, reason="duplicate of the note above", expected_version=1
    )
    deleted_at = Annotation.history.get(history_type="-").history_date
    status, data = send(client, analyst, "PATCH", annotation_url(annotation), {"version": 1, "body": "Mine"})
    assert status == 410
    assert data["error"] == (
        f"ws-admin deleted this annotation on {human_time(deleted_at)},"
        " saying: “duplicate of the note above”."
    )


def test_edit_without_a_version_is_refused(client, analyst, annotation):
    status, data = send(client, analyst, "PATCH", annotation_url(annotation), {"body": "Mine"})
    assert status == 400 and "version" in data["error"]


def test_edit_of_a_field_that_cannot_change_is_refused(client, analyst, annotation):
    payload = {"version": 1, "author": 99, "workspace": 3}
    status, data = send(client, analyst, "PATCH", annotation_url(annotation), payload)
    assert status == 400 and set(field_errors(data)) == {"author", "workspace"}


def test_analyst_cannot_edit_anothers_annotation(client, workspace, source, analyst, ws_admin):
    theirs = AnnotationFactory(workspace=workspace, passages=[PassageFactory(source=source)], author=ws_admin)
    status, _ = send(client, analyst, "PATCH", annotation_url(theirs), {"version": 1, "body": "Mine"})
    assert status == 403
    theirs.refresh_from_db()
    assert theirs.version == 1


def test_reviewer_cannot_rewrite_an_analysts_annotation(client, reviewer, annotation):
    status, _ = send(client, reviewer, "PATCH", annotation_url(annotation), {"version": 1, "body": "Mine"})
    assert status == 403


def test_workspace_admin_may_edit_anyones_annotation(client, ws_admin, annotation):
    status, _ = send(client, ws_admin, "PATCH", annotation_url(annotation), {"version": 1, "body": "Edited"})
    assert status == 200


def test_editing_evidence_stance_recolours_its_passage(client, analyst, evidence):
    payload = {"version": evidence.version, "stance": "refutes", "note": "On reflection."}
    status, data = send(client, analyst, "PATCH", one_evidence_url(evidence), payload)
    assert status == 200 and data["passage"]["role"] == "refutes"
    evidence.refresh_from_db()
    assert (evidence.stance, evidence.note) == (Stance.REFUTES, "On reflection.")


def test_evidence_cannot_be_moved_to_another_claim_by_an_edit(client, analyst, workspace, evidence):
    other = ClaimFactory(workspace=workspace)
    status, _ = send(client, analyst, "PATCH", one_evidence_url(evidence), {"version": 1, "claim": other.pk})
    assert status == 400


def test_non_member_editing_gets_404(client, outsider, annotation):
    status, _ = send(client, outsider, "PATCH", annotation_url(annotation), {"version": 1, "body": "x"})
    assert status == 404


# --- Deleting ----------------------------------------------------------------------------


def test_deleting_an_annotation_removes_its_unused_passage_and_keeps_history(client, analyst, annotation):
    passage_id = annotation.passages.get().pk
    status, data = send(
        client, analyst, "DELETE", annotation_url(annotation), {"version": 1, "reason": "duplicate"}
    )
    assert status == 200 and data == {"deleted_passages": [passage_id], "passages": []}
    assert not Annotation.objects.exists() and not Passage.objects.exists()
    deleted = Annotation.history.filter(history_type="-").get()
    assert (deleted.body, deleted.history_user, deleted.history_change_reason) == (
        "First",
        analyst,
        "duplicate",
    )


def test_deleting_an_annotation_keeps_a_passage_that_is_also_evidence(client, analyst, workspace, annotation):
    passage = annotation.passages.get()
    EvidenceFactory(passage=passage, claim=ClaimFactory(workspace=workspace), stance=Stance.SUPPORTS)
    status, data = send(
        client, analyst, "DELETE", annotation_url(annotation), {"version": 1, "reason": "dup"}
    )
    assert status == 200
    assert data == {
        "deleted_passages": [],
        "passages": [{"id": passage.pk, "start": passage.start, "end": passage.end, "role": "supports"}],
    }
    assert Passage.objects.filter(pk=passage.pk).exists()


def test_deleting_evidence_keeps_the_claim(client, analyst, evidence):
    status, _ = send(client, analyst, "DELETE", one_evidence_url(evidence), {"version": 1, "reason": "wrong"})
    assert status == 200
    assert not Evidence.objects.exists() and Claim.objects.filter(pk=evidence.claim_id).exists()


@pytest.mark.parametrize("payload", [{"version": 1}, {"version": 1, "reason": "  "}], ids=["none", "blank"])
def test_deleting_an_annotation_without_a_reason_is_refused_and_deletes_nothing(
    client, analyst, annotation, payload
):
    history_rows = Annotation.history.count() + Passage.history.count()
    status, data = send(client, analyst, "DELETE", annotation_url(annotation), payload)
    assert status == 400
    assert field_errors(data) == {"reason": ["Say why it is deleted: the reason is kept in the history."]}
    assert data["error"].startswith("Reason: Say why it is deleted")
    assert Annotation.objects.filter(pk=annotation.pk).exists() and Passage.objects.exists()
    assert Annotation.history.count() + Passage.history.count() == history_rows


def test_deleting_evidence_without_a_reason_is_refused_and_deletes_nothing(client, analyst, evidence):
    history_rows = Evidence.history.count() + Passage.history.count()
    status, data = send(client, analyst, "DELETE", one_evidence_url(evidence), {"version": 1})
    assert status == 400 and "reason" in field_errors(data)
    assert Evidence.objects.filter(pk=evidence.pk).exists() and Passage.objects.exists()
    assert Evidence.history.count() + Passage.history.count() == history_rows


def test_deleting_evidence_keeps_its_reason_in_history(client, analyst, evidence):
    send(client, analyst, "DELETE", one_evidence_url(evidence), {"version": 1, "reason": "wrong claim"})
    assert Evidence.history.filter(history_type="-").get().history_change_reason == "wrong claim"


def test_deleting_from_a_stale_version_is_refused(client, analyst, ws_admin, annotation):
    edit_item(annotation, user=ws_admin, expected_version=1, changes={"body": "Changed"})
    status, data = send(client, analyst, "DELETE", annotation_url(annotation), {"version": 1, "reason": "x"})
    assert status == 412 and data["current"]["body"] == "Changed"
    assert Annotation.objects.filter(pk=annotation.pk).exists()


def test_reviewer_cannot_delete_an_analysts_evidence(client, reviewer, evidence):
    status, _ = send(client, reviewer, "DELETE", one_evidence_url(evidence), {"version": 1, "reason": "x"})
    assert status == 403 and Evidence.objects.exists()
