"""The permission matrix: every URL of the project, every role, every method.

The URL resolver is walked, so a new URL cannot be forgotten: a URL without a
row in RULES fails `test_every_url_has_a_rule`. For each (URL, method) one test
builds a workspace "world" and requests the URL as each role in turn, each
inside a savepoint that is rolled back, and asserts

- the expected outcome for that role (OK, LOGIN redirect, 401, 403, 404), and
- that nothing was written to the database when the request was refused
  (every model is history-tracked, so any write adds a history row).

Adding a URL: name its kwargs after the world's objects (`slug`, `source_id`,
`passage_id`, `annotation_id`, `claim_id`, `evidence_id`, `outlet_id`,
`membership_id`, `user_id`, ...) so they are filled in automatically, or give
`kwargs=` in its Rule; then declare who may do what with `members(...)`.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from archive.jobs.schedules import set_schedule
from archive.jobs.tasks import start_export
from archive.models import AnchorStatus, Job, Passage, Question, VersionOrigin
from archive.sources.versions import record_version
from tests.factories import CaptureFactory, ClaimFactory, OutletFactory, SourceFactory
from tests.world import World, build_world

OK, LOGIN, UNAUTHORIZED, FORBIDDEN, NOT_FOUND = "ok", "login", 401, 403, 404
ROLES = ["anonymous", "outsider", "analyst", "reviewer", "admin", "superuser"]
ADMIN_ROLES = ["anonymous", "analyst", "admin", "superuser"]  # no member is site staff


def members(*allowed: str, anonymous=LOGIN) -> dict[str, object]:
    """Workspace members with an allowed role get in; other members get 403,
    outsiders and site superusers (not members) 404, anonymous visitors the
    login page (or 401 for API endpoints)."""
    expected = {"anonymous": anonymous, "outsider": NOT_FOUND, "superuser": NOT_FOUND}
    for role in ("analyst", "reviewer", "admin"):
        expected[role] = OK if role in allowed else FORBIDDEN
    return expected


EVERY_MEMBER = members("analyst", "reviewer", "admin")
CONTRIBUTORS = members("analyst", "admin")
REVIEWERS = members("reviewer", "admin")
ADMINS = members("admin")
SIGNED_IN = {role: OK for role in ROLES} | {"anonymous": LOGIN}
PUBLIC = {role: OK for role in ROLES}
MEMBERS_AND_OUTSIDER = ["outsider", "analyst", "reviewer", "admin"]
# The downloads a script fetches with its API token (archive.views.downloads): a request
# without credentials that does not ask for a page (no Accept: text/html, as here) is 401.
EVERY_MEMBER_DOWNLOADS = EVERY_MEMBER | {"anonymous": UNAUTHORIZED}
REVIEWER_DOWNLOADS = REVIEWERS | {"anonymous": UNAUTHORIZED}
# Who sees the analyst's job: its starter and the workspace's admins.
JOB_SEERS = members("analyst", "admin") | {"reviewer": NOT_FOUND}


@dataclass
class Rule:
    methods: dict[str, dict[str, object]]
    kwargs: Callable[["World"], dict] | None = None
    data: dict | Callable[["World"], dict] = field(default_factory=dict)
    json: bool = False  # send `data` as a JSON body (API endpoints)
    headers: dict = field(default_factory=dict)
    query: str = ""  # appended to the URL, e.g. the reason an API delete needs


def _claim_history(world: "World") -> dict:
    """URL kwargs naming the world's claim by model and id (history, revert, review)."""
    return {"slug": world.workspace.slug, "model": "claim", "object_id": world.claim.pk}


def _translation(world: "World") -> dict:
    """URL kwargs naming a translation of the world's source that changes its number."""
    translation = SourceFactory(
        workspace=world.workspace,
        text=world.source.text.replace("120", "210"),
        derived_from=world.source,
        derivation="translation",
    )
    return {"slug": world.workspace.slug, "source_id": translation.pk}


def _unused(kind: str, factory) -> Callable[["World"], dict]:
    """URL kwargs naming a new object nothing refers to, which a delete can take."""

    def kwargs(world: "World") -> dict:
        return {"slug": world.workspace.slug, f"{kind}_id": factory(world).pk}

    return kwargs


def _fuzzy_passage(world: "World") -> dict:
    """URL kwargs naming the world's passage, found only approximately by re-anchoring."""
    # Saved with its history, as re-anchoring saves it: the workspace's history still verifies.
    passage = Passage.objects.get(pk=world.passage.pk)
    passage.anchor_status = AnchorStatus.FUZZY
    passage.save()
    return {"slug": world.workspace.slug, "source_id": world.source.pk, "passage_id": world.passage.pk}


def recaptured_version(world) -> dict:
    """One version's stored files: a recapture of the world's source with its bytes and WARC."""
    version = record_version(
        source=world.source,
        user=None,
        origin=VersionOrigin.RECAPTURE,
        text=world.source.text,
        original=b"<p>Recaptured.</p>",
        media_type="text/html",
        warc=b"WARC/1.0\r\nWARC-Type: response\r\n\r\n",
    )
    return {"slug": world.workspace.slug, "source_id": world.source.pk, "number": version.number}


RULES: dict[str, Rule] = {
    "login": Rule({"GET": PUBLIC, "POST": PUBLIC}),
    "logout": Rule({"POST": {role: LOGIN for role in ROLES}}),
    "password_change": Rule({"GET": SIGNED_IN, "POST": SIGNED_IN}),
    "password_change_done": Rule({"GET": SIGNED_IN}),
    # "Stay signed in": moves the end of one's own session; GET, its end and CSRF token.
    "account_session": Rule({"GET": SIGNED_IN, "POST": SIGNED_IN}),
    "archive:home": Rule({"GET": SIGNED_IN}),
    # Background jobs: your own, and your workspaces' if you administer them; site
    # staff start a search index rebuild.
    "archive:jobs": Rule(
        {"GET": SIGNED_IN, "POST": SIGNED_IN | dict.fromkeys(MEMBERS_AND_OUTSIDER, FORBIDDEN)}
    ),
    # A job's page, and POST ("Try again") to start it anew, for whoever sees the job
    # (trying again also takes the role that starts it). The job is the analyst's failed
    # capture of a loopback address, which a new try refuses at once: no network is reached.
    "archive:job": Rule(
        {"GET": JOB_SEERS, "POST": JOB_SEERS},
        kwargs=lambda world: {
            "job_id": Job.objects.create(
                kind="capture",
                workspace=world.workspace,
                started_by=world.users["analyst"],
                status="failed",
                arguments={"url": "http://127.0.0.1:9/"},
            ).pk
        },
    ),
    "archive:schedules": Rule(
        {"GET": ADMINS, "POST": ADMINS}, data={"kind": "fixity", "every_hours": "24", "enabled": "on"}
    ),
    "archive:schedule_edit": Rule(
        {"GET": ADMINS, "POST": ADMINS},
        kwargs=lambda world: {
            "slug": world.workspace.slug,
            "schedule_id": set_schedule(
                workspace=world.workspace,
                user=world.users["admin"],
                kind="fixity",
                every_hours=24,
                enabled=True,
            ).pk,
        },
        data={"version": 1, "every_hours": "12", "enabled": "on", "reason": "checking the matrix"},
    ),
    # The whole workspace as one ZIP: admins start an export job and download what it made.
    "archive:workspace_export": Rule({"GET": ADMINS, "POST": ADMINS}),
    "archive:workspace_export_download": Rule(
        {"GET": ADMINS},
        kwargs=lambda world: {
            "slug": world.workspace.slug,
            "job_id": start_export(workspace=world.workspace, user=world.users["admin"]).pk,
        },
    ),
    "archive:members": Rule(
        {"GET": ADMINS, "POST": ADMINS},
        data=lambda world: {
            "username": world.users["outsider"].username,
            "role": "reviewer",
            "reason": "checking the matrix",
        },
    ),
    "archive:member_role": Rule(
        {"GET": ADMINS, "POST": ADMINS}, data={"role": "reviewer", "reason": "checking the matrix"}
    ),
    "archive:member_remove": Rule({"GET": ADMINS, "POST": ADMINS}, data={"reason": "checking the matrix"}),
    "archive:workspace_edit": Rule(
        {"GET": ADMINS, "POST": ADMINS}, data={"name": "Renamed", "description": "", "reason": "the matrix"}
    ),
    "archive:outlet_create": Rule({"GET": ADMINS, "POST": ADMINS}, data={"name": "Enab Baladi"}),
    "archive:outlet_edit": Rule(
        {"GET": ADMINS, "POST": ADMINS},
        data=lambda world: {"version": world.outlet.version, "name": "Renamed", "reason": "the matrix"},
    ),
    "archive:outlet_delete": Rule(
        {"GET": ADMINS, "POST": ADMINS},
        kwargs=_unused("outlet", lambda world: OutletFactory(workspace=world.workspace)),
        data={"version": 1, "reason": "the matrix"},
    ),
    "archive:search": Rule({"GET": SIGNED_IN}),
    "archive:workspace": Rule({"GET": EVERY_MEMBER}),
    "archive:source": Rule({"GET": EVERY_MEMBER}),
    "archive:source_text": Rule(
        {"GET": ADMINS, "POST": ADMINS},
        data=lambda world: {
            "version": world.source.version,
            "text": world.source.text + " Corrected.",
            "reason": "checking the matrix",
        },
    ),
    # A translation beside what it derives from; explaining a divergence.
    "archive:source_aligned": Rule({"GET": EVERY_MEMBER}, kwargs=lambda world: _translation(world)),
    "archive:divergence_explain": Rule(
        {"POST": CONTRIBUTORS},
        kwargs=lambda world: _translation(world),
        data={"kind": "number", "here": "210", "there": "120", "reason": "checking the matrix"},
    ),
    # Sources with provenance.
    "archive:import": Rule({"GET": CONTRIBUTORS, "POST": CONTRIBUTORS}),
    "archive:import_confirm": Rule({"GET": CONTRIBUTORS, "POST": CONTRIBUTORS}),
    "archive:source_provenance": Rule({"GET": EVERY_MEMBER}),
    "archive:source_original": Rule(
        {"GET": EVERY_MEMBER_DOWNLOADS},
        kwargs=lambda world: {
            "slug": world.workspace.slug,
            "source_id": SourceFactory(workspace=world.workspace, with_original=True).pk,
        },
    ),
    "archive:source_warc": Rule(
        {"GET": EVERY_MEMBER},
        kwargs=lambda world: {
            "slug": world.workspace.slug,
            "source_id": CaptureFactory(source=world.source, web=True).source_id,
        },
    ),
    "archive:source_derivation": Rule({"GET": ADMINS, "POST": ADMINS}),
    "archive:source_prov_json": Rule({"GET": EVERY_MEMBER_DOWNLOADS}),
    "archive:source_prov_n": Rule({"GET": EVERY_MEMBER_DOWNLOADS}),
    "archive:claim_prov_json": Rule({"GET": EVERY_MEMBER_DOWNLOADS}),
    "archive:claim_prov_n": Rule({"GET": EVERY_MEMBER_DOWNLOADS}),
    "archive:prov_identifier": Rule(
        {"GET": EVERY_MEMBER},
        kwargs=lambda world: {"slug": world.workspace.slug, "identifier": f"passage-{world.passage.pk}"},
    ),
    "archive:claim_evidence_package": Rule({"GET": EVERY_MEMBER_DOWNLOADS}),
    # The packages' verifier holds no data: anyone fetches it, a recipient without an account too.
    "archive:verifier": Rule({"GET": PUBLIC}),
    "archive:outlets": Rule({"GET": EVERY_MEMBER}),
    "archive:outlet_grade": Rule({"GET": ADMINS, "POST": ADMINS}),
    # Reviewer audit: every member reads history; reviewers export, revert, decide.
    "archive:activity": Rule({"GET": EVERY_MEMBER}),
    "archive:activity_csv": Rule({"GET": REVIEWER_DOWNLOADS}),
    "archive:activity_json": Rule({"GET": REVIEWER_DOWNLOADS}),
    "archive:audit_status": Rule({"GET": REVIEWERS}),
    "archive:audit_verify": Rule({"POST": REVIEWERS}),
    "archive:object_history": Rule({"GET": EVERY_MEMBER}, kwargs=lambda world: _claim_history(world)),
    "archive:revert": Rule(
        {"POST": REVIEWERS},
        kwargs=lambda world: _claim_history(world),
        data=lambda world: {
            "history_id": world.claim.history.last().history_id,
            "latest_history_id": world.claim.history.first().history_id,
            "reason": "checking the matrix",
        },
    ),
    "archive:review_queue": Rule({"GET": REVIEWERS}),
    "archive:submit_for_review": Rule(
        {"POST": CONTRIBUTORS},
        kwargs=lambda world: _claim_history(world),
        data=lambda world: {"version": world.claim.version},
    ),
    "archive:submit_drafts": Rule({"POST": CONTRIBUTORS}),
    "archive:discussion_reply": Rule(
        {"POST": EVERY_MEMBER},
        kwargs=lambda world: _claim_history(world),
        data={"body": "A question for the author"},
    ),
    # The claim's author (the analyst) or an admin; a reviewer may reply but not resolve.
    "archive:discussion_resolve": Rule(
        {"POST": CONTRIBUTORS},
        kwargs=lambda world: _claim_history(world),
        data={"resolved": "1"},
    ),
    # The world's reply is the analyst's: its author changes its words; an admin may delete it too.
    "archive:discussion_reply_edit": Rule(
        {"POST": members("analyst")},
        data=lambda world: {"version": world.reply.version, "body": "Which week, exactly?"},
    ),
    "archive:discussion_reply_delete": Rule({"POST": CONTRIBUTORS}, data={"reason": "checking the matrix"}),
    "archive:flag": Rule(
        {"POST": REVIEWERS},
        kwargs=lambda world: _claim_history(world),
        data=lambda world: {"version": world.claim.version, "reason": "checking the matrix"},
    ),
    "archive:claim_credibility": Rule(
        {"POST": REVIEWERS},
        data=lambda world: {
            "version": world.claim.version,
            "credibility": 2,
            "reason": "checking the matrix",
        },
    ),
    "archive:review_decision": Rule(
        {"POST": REVIEWERS},
        kwargs=lambda world: _claim_history(world),
        data=lambda world: {"version": world.claim.version, "decision": "approve"},
    ),
    "archive:source_as_of": Rule({"GET": EVERY_MEMBER}),
    # A source over time; recapturing fetches the network, so contributors (who capture) may.
    "archive:source_versions": Rule({"GET": EVERY_MEMBER}),
    "archive:source_version": Rule(
        {"GET": EVERY_MEMBER},
        kwargs=lambda world: {"slug": world.workspace.slug, "source_id": world.source.pk, "number": 1},
    ),
    "archive:source_version_original": Rule(
        {"GET": EVERY_MEMBER_DOWNLOADS},
        kwargs=recaptured_version,
    ),
    "archive:source_version_warc": Rule(
        {"GET": EVERY_MEMBER_DOWNLOADS},
        kwargs=recaptured_version,
    ),
    "archive:source_compare": Rule({"GET": EVERY_MEMBER}, query="?older=1&newer=1&layout=inline"),
    "archive:source_recapture": Rule({"POST": CONTRIBUTORS}),
    # Confirming re-anchored passages: members see them, contributors decide.
    "archive:reanchored": Rule({"GET": EVERY_MEMBER}),
    "archive:reanchored_decide": Rule(
        {"GET": CONTRIBUTORS, "POST": CONTRIBUTORS},
        kwargs=lambda world: _fuzzy_passage(world),
        data=lambda world: {"decision": "accept", "version": world.passage.version},
    ),
    # Each signed-in user's own alerts; e-mail opt-in by those who receive alerts.
    "archive:alerts": Rule({"GET": SIGNED_IN, "POST": SIGNED_IN}),
    "archive:alert_email": Rule({"POST": CONTRIBUTORS}, data={"enabled": "on"}),
    "archive:claim_as_of": Rule({"GET": EVERY_MEMBER}),
    # Reading page and claims. The world's annotation, claim and evidence are the analyst's.
    "archive:annotation_create": Rule(
        {"POST": CONTRIBUTORS},
        data=lambda world: {"target": _w3c_target(world, 20, 30), "body": "x"},
        json=True,
    ),
    "archive:evidence_create": Rule(
        {"POST": CONTRIBUTORS},
        data=lambda world: {
            "target": _w3c_target(world, 20, 30),
            "claim": world.claim.pk,
            "stance": "refutes",
        },
        json=True,
    ),
    "archive:annotation": Rule(
        {"PATCH": CONTRIBUTORS, "DELETE": CONTRIBUTORS},
        data=lambda world: {"version": world.annotation.version, "body": "edited", "reason": "matrix"},
        json=True,
    ),
    "archive:evidence": Rule(
        {"PATCH": CONTRIBUTORS, "DELETE": CONTRIBUTORS},
        data=lambda world: {"version": world.evidence.version, "note": "edited", "reason": "matrix"},
        json=True,
    ),
    "archive:claims": Rule({"GET": EVERY_MEMBER}),
    "archive:source_edit": Rule(
        {"GET": ADMINS, "POST": ADMINS},
        data=lambda world: {
            "version": world.source.version,
            "title": "Why Aleppo Fell",
            "authors": "Turki Mostafa",
            "language": "en",
            "direction": "ltr",
            "reason": "the site's name was in the title",
        },
    ),
    "archive:source_delete": Rule(
        {"GET": ADMINS, "POST": ADMINS},
        kwargs=_unused("source", lambda world: SourceFactory(workspace=world.workspace)),
        data={"version": 1, "reason": "the matrix"},
    ),
    "archive:claim_create": Rule(
        {"GET": CONTRIBUTORS, "POST": CONTRIBUTORS}, data={"statement": "A new claim", "credibility": "3"}
    ),
    "archive:claim_search": Rule({"GET": EVERY_MEMBER}),
    "archive:claims_csv": Rule({"GET": EVERY_MEMBER_DOWNLOADS}),
    "archive:sources_csv": Rule({"GET": EVERY_MEMBER_DOWNLOADS}),
    "archive:questions": Rule(
        {"GET": EVERY_MEMBER, "POST": CONTRIBUTORS}, data={"text": "Who cut the road?"}
    ),
    "archive:question": Rule({"GET": EVERY_MEMBER}),
    "archive:question_hypothesis": Rule({"POST": CONTRIBUTORS}, data={"statement": "The army did."}),
    "archive:question_evidence": Rule(
        {"POST": CONTRIBUTORS}, data=lambda world: {"passage": world.passage.pk, "credibility": "2"}
    ),
    "archive:question_passages": Rule({"GET": EVERY_MEMBER}, query="?q=water"),
    "archive:question_delete": Rule(
        {"GET": CONTRIBUTORS, "POST": CONTRIBUTORS},
        kwargs=_unused(
            "question",
            lambda world: Question.objects.create(
                workspace=world.workspace, text="Who?", created_by=world.users["analyst"]
            ),
        ),
        data={"version": 1, "reason": "the matrix"},
    ),
    "archive:question_take_out": Rule(
        {"POST": CONTRIBUTORS},
        data=lambda world: {
            "what": f"hypothesis-{world.question.hypotheses.get().pk}",
            "reason": "checking the matrix",
        },
    ),
    "archive:question_ratings": Rule(
        {"POST": CONTRIBUTORS},
        data=lambda world: {
            f"cell-{world.question.evidence_items.get().pk}-{world.question.hypotheses.get().pk}": "C"
        },
    ),
    "archive:question_csv": Rule({"GET": EVERY_MEMBER_DOWNLOADS}),
    "archive:claim": Rule({"GET": EVERY_MEMBER}),
    "archive:claim_passages": Rule({"GET": EVERY_MEMBER}, query="?q=water"),
    "archive:claim_cite": Rule(
        {"POST": CONTRIBUTORS}, data=lambda world: {"passage": world.passage.pk, "stance": "refutes"}
    ),
    "archive:claim_edit": Rule(
        {"GET": CONTRIBUTORS, "POST": CONTRIBUTORS},
        data=lambda world: {
            "version": world.claim.version,
            "statement": "Edited statement",
            "credibility": "2",
            "status": "open",
            "reason": "checking the matrix",
        },
    ),
    "archive:claim_delete": Rule(
        {"GET": CONTRIBUTORS, "POST": CONTRIBUTORS},
        kwargs=_unused(
            "claim", lambda world: ClaimFactory(workspace=world.workspace, created_by=world.users["analyst"])
        ),
        data={"version": 1, "reason": "the matrix"},
    ),
}


def _w3c_target(world: "World", start: int, end: int) -> dict:
    """A W3C target for [start, end) of the world's source, as the reading page sends it."""
    exact = world.source.text[start:end]
    return {
        "selector": [
            {"type": "TextPositionSelector", "start": start, "end": end},
            {"type": "TextQuoteSelector", "exact": exact},
        ]
    }


# --- The REST API (archive/api) and the W3C protocol (archive/w3c) -------------
# Anonymous requests get 401; lists are scoped (outsiders see an empty list);
# writes send JSON, and If-Match: * so that an allowed write really happens.
API_SIGNED_IN = {role: OK for role in ROLES} | {"anonymous": UNAUTHORIZED}
API_MEMBERS = members("analyst", "reviewer", "admin", anonymous=UNAUTHORIZED)
API_CONTRIBUTORS = members("analyst", "admin", anonymous=UNAUTHORIZED)
API_ADMINS = members("admin", anonymous=UNAUTHORIZED)
ANY_VERSION = {"HTTP_IF_MATCH": "*"}


def pk_of(name: str) -> Callable[[World], dict]:
    return lambda world: {"pk": getattr(world, name).pk}


def api_resource(
    name: str, create: dict, change: dict, data: Callable[[World], dict], edits: bool = True
) -> dict:
    """Rules for one REST resource: its list, detail and history URLs."""
    detail = {"GET": API_MEMBERS, "DELETE": change} | ({"PUT": change, "PATCH": change} if edits else {})
    return {
        f"api:{name}-list": Rule({"GET": API_SIGNED_IN, "POST": create}, data=data, json=True),
        f"api:{name}-detail": Rule(
            detail, kwargs=pk_of(name), data=data, json=True, headers=ANY_VERSION, query="?reason=matrix"
        ),
        f"api:{name}-history": Rule({"GET": API_MEMBERS}, kwargs=pk_of(name)),
    }


def w3c_body(world: World) -> dict:
    source = world.source
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "bodyValue": "Matrix note",
        "target": {
            "source": f"http://testserver/api/sources/{source.pk}/text/",
            "selector": {"type": "TextPositionSelector", "start": 0, "end": 7},
        },
    }


RULES.update(
    {
        "api:workspace-list": Rule({"GET": API_SIGNED_IN}),
        "api:workspace-detail": Rule({"GET": API_MEMBERS}),
        **api_resource(
            "outlet", API_ADMINS, API_ADMINS, lambda w: {"workspace": w.workspace.slug, "name": "New outlet"}
        ),
        **api_resource(
            "source",
            API_CONTRIBUTORS,
            API_ADMINS,
            lambda w: {"workspace": w.workspace.slug, "title": "T", "text": "Text.", "language": "en"},
        ),
        "api:source-text": Rule({"GET": API_MEMBERS}, kwargs=pk_of("source")),
        "api:claim-claimreview": Rule({"GET": API_MEMBERS}, kwargs=pk_of("claim")),
        "api:claim-grade": Rule(
            {"POST": members("reviewer", "admin", anonymous=UNAUTHORIZED)},
            kwargs=pk_of("claim"),
            data={"credibility": 2, "reason": "checking the matrix"},
            json=True,
            headers=ANY_VERSION,
        ),
        "api:source-original": Rule({"GET": API_MEMBERS}, kwargs=pk_of("source")),
        "api:source-divergences": Rule({"GET": API_MEMBERS}, kwargs=pk_of("source")),
        "api:passage-counterparts": Rule({"GET": API_MEMBERS}, kwargs=pk_of("passage")),
        "api:source-divergence-explanations": Rule(
            {"POST": API_CONTRIBUTORS},
            kwargs=pk_of("source"),
            data={"kind": "number", "here": "120", "there": "", "reason": "checking the matrix"},
            json=True,
        ),
        **api_resource(
            "passage",
            API_CONTRIBUTORS,
            API_CONTRIBUTORS,
            lambda w: {"workspace": w.workspace.slug, "source": w.source.pk, "start": 0, "end": 3},
            edits=False,
        ),
        **api_resource(
            "annotation",
            API_CONTRIBUTORS,
            API_CONTRIBUTORS,
            lambda w: {"workspace": w.workspace.slug, "passages": [w.passage.pk], "body": "Matrix"},
        ),
        "api:annotation-batch": Rule(
            {"POST": API_CONTRIBUTORS},
            data=lambda w: {"workspace": w.workspace.slug, "annotations": [{"passages": [w.passage.pk]}]},
            json=True,
        ),
        **api_resource(
            "claim",
            API_CONTRIBUTORS,
            API_CONTRIBUTORS,
            lambda w: {"workspace": w.workspace.slug, "statement": "S"},
        ),
        **api_resource(
            "evidence",
            API_CONTRIBUTORS,
            API_CONTRIBUTORS,
            lambda w: {
                "workspace": w.workspace.slug,
                "claim": w.claim.pk,
                "passage": w.passage.pk,
                "stance": "refutes",
            },
        ),
        "api:token": Rule({"GET": API_SIGNED_IN, "POST": API_SIGNED_IN, "DELETE": API_SIGNED_IN}),
        "api:root": Rule({"GET": PUBLIC}),
        "api:schema": Rule({"GET": PUBLIC}),
        "api:docs": Rule({"GET": PUBLIC}),
        "api:unknown": Rule(
            {"GET": {role: NOT_FOUND for role in ROLES}, "POST": {role: NOT_FOUND for role in ROLES}},
            kwargs=lambda world: {"rest": "no/such/thing/"},
        ),
        "exchange:annotations-jsonld": Rule({"GET": EVERY_MEMBER_DOWNLOADS}),
        "exchange:annotations-csv": Rule({"GET": EVERY_MEMBER_DOWNLOADS}),
        "w3c:unknown": Rule(
            {"GET": {role: NOT_FOUND for role in ROLES}, "POST": {role: NOT_FOUND for role in ROLES}},
            kwargs=lambda world: {"rest": "no/such/thing/"},
        ),
        "w3c:container": Rule(
            {"GET": API_MEMBERS, "POST": API_CONTRIBUTORS}, kwargs=pk_of("source"), data=w3c_body, json=True
        ),
        "w3c:annotation": Rule(
            {"GET": API_MEMBERS, "PUT": API_CONTRIBUTORS, "DELETE": API_CONTRIBUTORS},
            kwargs=pk_of("annotation"),
            data=w3c_body,
            json=True,
            headers=ANY_VERSION,
        ),
        "w3c:evidence": Rule(
            {"GET": API_MEMBERS, "DELETE": API_CONTRIBUTORS}, kwargs=pk_of("evidence"), headers=ANY_VERSION
        ),
        # The canonical item IRIs, below the container's.
        "w3c:item": Rule(
            {
                "GET": API_MEMBERS,
                "OPTIONS": API_MEMBERS,
                "PUT": API_CONTRIBUTORS,
                "DELETE": API_CONTRIBUTORS,
            },
            kwargs=lambda world: {"source_id": world.source.pk, "pk": world.annotation.pk},
            data=w3c_body,
            json=True,
        ),
        "w3c:reply-item": Rule(
            {"GET": API_MEMBERS, "OPTIONS": API_MEMBERS},
            kwargs=lambda world: {"source_id": world.source.pk, "pk": world.reply.pk},
        ),
        "w3c:passage-linking": Rule(
            {"GET": API_MEMBERS, "OPTIONS": API_MEMBERS},
            kwargs=lambda world: {"source_id": world.source.pk, "pk": world.passage.pk},
        ),
        "w3c:evidence-item": Rule(
            {"GET": API_MEMBERS, "OPTIONS": API_MEMBERS, "DELETE": API_CONTRIBUTORS},
            kwargs=lambda world: {"source_id": world.source.pk, "pk": world.evidence.pk},
        ),
    }
)


# --- Walking the URL resolver ------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str | None
    route: str
    kwargs: tuple[str, ...]
    positional: int  # unnamed regex groups (django-simple-history's admin URLs)
    callback: Callable


def walk(resolver: URLResolver = None, prefix: str = "", namespace: str = "") -> list[Route]:
    resolver = resolver or get_resolver()
    routes = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            routes += walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else None
            keys = tuple(entry.pattern.regex.groupindex)
            positional = entry.pattern.regex.groups - len(keys)
            routes.append(Route(name, prefix + str(entry.pattern), keys, positional, entry.callback))
    return routes


ALL_ROUTES = walk()
APP_ROUTES = [route for route in ALL_ROUTES if not (route.name or "").startswith("admin:") and route.name]
ADMIN_ROUTES = [route for route in ALL_ROUTES if (route.name or "").startswith("admin:")]


def test_every_url_is_named_or_belongs_to_the_admin():
    unnamed = [
        route.route for route in ALL_ROUTES if route.name is None and not route.route.startswith("admin/")
    ]
    assert unnamed == []


def test_every_url_has_a_rule():
    missing = sorted(route.name for route in APP_ROUTES if route.name not in RULES)
    assert missing == [], "add these URLs to RULES in tests/test_permission_matrix.py"


def test_every_rule_names_a_real_url():
    names = {route.name for route in APP_ROUTES}
    assert sorted(set(RULES) - names) == []


def test_every_app_view_declares_its_permission_rule():
    """Denied by default: a view must say who may use it (permissions.py)."""
    django_auth_views = {"login", "logout", "password_change", "password_change_done"}
    undeclared = [
        route.name
        for route in APP_ROUTES
        if route.name not in django_auth_views
        and not getattr(route.callback, "permission_rule", None)
        and not getattr(getattr(route.callback, "cls", None), "permission_rule", None)
    ]
    assert undeclared == []


# --- Requesting every URL as every role ---------------------------------------


class _Rollback(Exception):
    pass


def database_fingerprint() -> tuple:
    """Row counts of every history table and of users: any write changes one."""
    counts = [model.objects.count() for model in apps.get_models() if model.__name__.startswith("Historical")]
    return (*counts, get_user_model().objects.count())


def request_as(user, method: str, url: str, data, content_type: str = "application/octet-stream", **headers):
    """Make one request as `user` in a savepoint that is always rolled back."""
    client = Client()
    outcome = {}
    try:
        with transaction.atomic():
            if user is not None:
                client.force_login(user)
            before = database_fingerprint()
            outcome["response"] = (
                client.generic(method, url, data=data, content_type=content_type, **headers)
                if method != "GET"
                else client.get(url, **headers)
            )
            outcome["changed"] = database_fingerprint() != before
            raise _Rollback
    except _Rollback:
        pass
    return outcome["response"], outcome["changed"]


def classify(response, login_url: str) -> object:
    if response.status_code in (301, 302) and response["Location"].split("?")[0].endswith(login_url):
        return LOGIN
    if response.status_code in (UNAUTHORIZED, FORBIDDEN, NOT_FOUND, 405):
        return response.status_code
    assert response.status_code < 500, f"server error {response.status_code}"
    return OK


def encode(data: dict, method: str):
    from urllib.parse import urlencode

    return urlencode(data) if method != "GET" else data


def app_cases():
    for name, rule in RULES.items():
        for method in rule.methods:
            yield pytest.param(name, method, id=f"{name} {method}")


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method"), list(app_cases()))
def test_app_url_access_per_role(name, method):
    world = build_world()
    rule = RULES[name]
    route = next(route for route in APP_ROUTES if route.name == name)
    kwargs = rule.kwargs(world) if rule.kwargs else {key: world.kwarg(key) for key in route.kwargs}
    url = reverse(name, kwargs=kwargs) + rule.query
    data = rule.data(world) if callable(rule.data) else rule.data
    body, content_type = (json.dumps(data), "application/json") if rule.json else (encode(data, method), None)
    failures = []
    for role, expected in rule.methods[method].items():
        response, changed = request_as(
            world.users[role], method, url, body, content_type or "application/octet-stream", **rule.headers
        )
        got = classify(response, reverse("login"))
        if got != expected:
            failures.append(f"{role}: expected {expected}, got {got} ({response.status_code})")
        elif got != OK and changed:
            failures.append(f"{role}: refused with {got} but the database changed")
    assert failures == [], f"{method} {url}"


def admin_url(route: Route, world: World) -> str | None:
    """Fill an admin URL's arguments from the world; None if it cannot be."""
    model_name = route.name.split(":")[1].rsplit("_", 1)[0].removesuffix("_simple")
    app_label, _, model = model_name.partition("_")
    try:
        obj = world.object_of(apps.get_model(app_label, model))
    except LookupError:  # admin-wide URLs such as view_on_site
        obj = world.source
    values = {"app_label": "archive", "id": world.users["analyst"].pk}
    if obj is not None:
        values |= {"object_id": obj.pk, "content_type_id": ContentType.objects.get_for_model(obj).pk}
    if route.positional:  # simple_history: <object_id>/history/<history_id>/
        if obj is None:
            return None
        return reverse(route.name, args=[obj.pk, obj.history.first().history_id])
    if not set(route.kwargs) <= set(values):
        return None
    return reverse(route.name, kwargs={key: str(values[key]) for key in route.kwargs})


@pytest.mark.django_db
@pytest.mark.parametrize("route", ADMIN_ROUTES, ids=[route.name for route in ADMIN_ROUTES])
def test_only_site_staff_reach_the_admin(route):
    world = build_world()
    url = admin_url(route, world)
    assert url is not None, f"the matrix cannot fill the arguments of {route.name}"
    login_url = reverse("admin:login")
    failures = []
    for role in ADMIN_ROLES:
        for method in ("GET", "POST"):
            response, changed = request_as(world.users[role], method, url, "")
            got = classify(response, login_url)
            if role == "superuser":
                continue  # classify() already asserted no server error
            allowed = route.name in ("admin:login", "admin:logout") and got == OK
            if not allowed and got != LOGIN:
                failures.append(
                    f"{role} {method}: expected the admin login, got {got} ({response.status_code})"
                )
            if not allowed and changed:
                failures.append(f"{role} {method}: refused but the database changed")
    assert failures == [], url


@pytest.mark.django_db
def test_a_number_beyond_64_bits_in_any_path_matches_nothing():
    # Looked up, it failed on SQLite (OverflowError, a 500): every whole number in a path is an int64.
    world = build_world()
    client = Client()
    client.force_login(world.users["admin"])
    answers = {}
    for route in APP_ROUTES:
        rule = RULES[route.name]
        kwargs = rule.kwargs(world) if rule.kwargs else {key: world.kwarg(key) for key in route.kwargs}
        for key in [key for key, value in kwargs.items() if isinstance(value, int)]:
            url = reverse(route.name, kwargs={**kwargs, key: 2**63})
            answers[url] = client.get(url).status_code
    assert len(answers) > 50  # the numbers of every kind of object
    assert set(answers.values()) == {404}, {url: status for url, status in answers.items() if status != 404}


def _reader_of(rule: Rule) -> str | None:
    """A role that the rule lets GET the URL, if any."""
    return next((role for role, expected in rule.methods.get("GET", {}).items() if expected == OK), None)


def method_cases(method: str):
    for name, rule in RULES.items():
        if method not in rule.methods and _reader_of(rule) is not None:
            yield pytest.param(name, id=name)


def _fetch(name: str, *methods: str) -> list:
    """(response, changed) for each of `methods` on the URL `name`, as a role that may GET it."""
    world = build_world()
    rule = RULES[name]
    route = next(route for route in APP_ROUTES if route.name == name)
    kwargs = rule.kwargs(world) if rule.kwargs else {key: world.kwarg(key) for key in route.kwargs}
    url = reverse(name, kwargs=kwargs)  # without rule.query: some name another method's parameters
    user = world.users[_reader_of(rule)]
    return [
        request_as(user, method, url, "", "application/octet-stream", **rule.headers) for method in methods
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(method_cases("DELETE")))
def test_a_method_a_url_does_not_take_is_405_and_changes_nothing(name):
    [(response, changed)] = _fetch(name, "DELETE")
    assert (response.status_code, changed) == (405, False)


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(method_cases("HEAD")))
def test_head_is_answered_as_get_is(name):
    (head, changed), (got, _) = _fetch(name, "HEAD", "GET")
    assert (head.status_code, changed) == (got.status_code, False)
