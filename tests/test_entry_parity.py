"""Entry-path parity: the same write gets the same decision whichever way it comes in.

Annotations (and claims) are written through four paths: the reading page's
JSON endpoints (browser), the REST API, the W3C Web Annotation Protocol and
the Django admin. Each test below is one agreed decision, parametrised over
the paths that have the action. An adapter per path turns "create this
annotation" or "edit it from version N" into that path's own requests, the
way its clients send them, and reads the answer back as an `Outcome`.

The first two tests are controls: a valid create and a valid edit succeed
through every adapter, so a refusal further down is the path's decision and
not a request the adapter got wrong.
"""

import json
import re
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import reverse

from archive.claims import edit_item
from archive.models import Annotation, Claim, Evidence, Passage, ReviewStatus, Role
from archive.models.base import MAX_NOTE_LENGTH
from archive.w3c.mapping import MEMBERS
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    EvidenceFactory,
    MembershipFactory,
    PassageFactory,
    UserFactory,
)
from tests.support import api_client_for

ANNO = "http://www.w3.org/ns/anno.jsonld"
LONG_TAG = "x" * 101
TOO_MANY_TAGS = [f"tag {number}" for number in range(101)]


@dataclass(frozen=True)
class Span:
    """A selection of a source's text: offsets in code points and the quote there."""

    start: int
    end: int
    exact: str


def span_of(text: str, quote: str) -> Span:
    start = text.index(quote)
    return Span(start, start + len(quote), quote)


def span_past_the_end(text: str) -> Span:
    """The last two characters, with an end five code points past the text."""
    return Span(len(text) - 2, len(text) + 5, text[-2:])


@dataclass
class Outcome:
    """A path's answer: its status, its errors by field ("" for the rest), its content."""

    status: int
    errors: dict[str, list[str]] = field(default_factory=dict)
    content: str = ""
    # The path's own names of fields that differ from the model's (W3C's members).
    members: dict[str, str] = field(default_factory=dict)

    def member(self, name: str) -> str:
        """The field `name` as the path names it."""
        return self.members.get(name, name)

    def names(self, name: str) -> bool:
        """Whether the answer names `name`: as a field with errors, or in a message."""
        word = re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE)
        return self.member(name) in self.errors or any(
            word.search(m) for ms in self.errors.values() for m in ms
        )


def _messages(value: object) -> list[str]:
    """Every message in a DRF error value (text, lists, and dicts such as a list's per-item errors)."""
    if isinstance(value, dict):
        return [message for item in value.values() for message in _messages(item)]
    if isinstance(value, list):
        return [message for item in value for message in _messages(item)]
    return [str(value)]


def _json(response) -> object:
    try:
        return json.loads(response.content)
    except ValueError:
        return None


# --- the paths ------------------------------------------------------------------


class EntryPath:
    name: str
    created_status = 201
    saved_status = 200
    bad_input_status = 400  # how the path refuses input it will not take
    staff_only = False  # True: only site staff write here, workspace roles do not apply

    def __str__(self) -> str:
        return self.name


class BrowserPath(EntryPath):
    """The reading page's fetch() calls: W3C selectors in, `{"error", <field>: [...]}` out."""

    name = "browser"

    def _send(self, user, method: str, url: str, payload: dict) -> Outcome:
        client = Client()
        client.force_login(user)
        response = client.generic(method, url, json.dumps(payload), content_type="application/json")
        data = _json(response)
        errors = {}
        if isinstance(data, dict) and "error" in data:
            fields = {k: v for k, v in data.items() if k not in ("error", "current", "passage", "item")}
            errors = {"": [data["error"]], **{k: _messages(v) for k, v in fields.items()}}
        return Outcome(response.status_code, errors, response.content.decode())

    def create_annotation(self, user, source, span: Span, body="", tags=(), extra=None) -> Outcome:
        payload = {
            "target": {
                "selector": [
                    {"type": "TextPositionSelector", "start": span.start, "end": span.end},
                    {"type": "TextQuoteSelector", "exact": span.exact},
                ]
            },
            "body": body,
            "tags": list(tags),
            **(extra or {}),
        }
        url = reverse("archive:annotation_create", args=[source.workspace.slug, source.pk])
        return self._send(user, "POST", url, payload)

    def edit_annotation(self, user, annotation, version: int, changes: dict) -> Outcome:
        url = reverse("archive:annotation", args=[annotation.workspace.slug, annotation.pk])
        return self._send(user, "PATCH", url, {"version": version, **changes})


class RestPath(EntryPath):
    """The REST API: a passage first (POST /api/passages/), then the annotation on it;
    edits are PATCH with If-Match. That passage is its own resource, written by its own
    request: when the annotation is refused, "nothing written" means no annotation."""

    name = "rest"

    @staticmethod
    def _outcome(response) -> Outcome:
        data = _json(response)
        errors = {}
        if isinstance(data, dict) and response.status_code >= 400:
            errors = {key: _messages(value) for key, value in data.items()}
        return Outcome(response.status_code, errors, response.content.decode())

    def create_annotation(self, user, source, span: Span, body="", tags=(), extra=None) -> Outcome:
        client = api_client_for(user)
        slug = source.workspace.slug
        selector = {"start": span.start, "end": span.end, "exact": span.exact}
        passage = client.post(
            "/api/passages/", {"workspace": slug, "source": source.pk, **selector}, format="json"
        )
        if passage.status_code != 201:
            return self._outcome(passage)
        annotation = {"workspace": slug, "passages": [passage.json()["id"]], "body": body, "tags": list(tags)}
        return self._outcome(client.post("/api/annotations/", {**annotation, **(extra or {})}, format="json"))

    def edit_annotation(self, user, annotation, version: int, changes: dict) -> Outcome:
        if "passages" in changes:
            changes = {**changes, "passages": [passage.pk for passage in changes["passages"]]}
        response = self._patch(user, f"/api/annotations/{annotation.pk}/", changes, version)
        return self._outcome(response)

    def edit_evidence(self, user, evidence, changes: dict) -> Outcome:
        """PATCH with the claim or passage given by id."""
        changes = {key: getattr(value, "pk", value) for key, value in changes.items()}
        response = self._patch(user, f"/api/evidence/{evidence.pk}/", changes, evidence.version)
        return self._outcome(response)

    def create_claim(self, user, workspace, fields: dict) -> Outcome:
        response = api_client_for(user).post(
            "/api/claims/", {"workspace": workspace.slug, **fields}, format="json"
        )
        return self._outcome(response)

    def edit_claim(self, user, claim, version: int, changes: dict) -> Outcome:
        response = self._patch(user, f"/api/claims/{claim.pk}/", changes, version)
        return self._outcome(response)

    @staticmethod
    def _patch(user, url: str, changes: dict, version: int):
        """A PATCH with If-Match: the ETag the client got at `version` (its version and a
        digest of what it showed, while that is current; else one from then, stale)."""
        client = api_client_for(user)
        got = client.get(url)["ETag"]
        tag = got if got.startswith(f'"{version}-') else f'"{version}"'
        return client.patch(url, changes, format="json", HTTP_IF_MATCH=tag)


def w3c_target(source, span: Span) -> dict:
    return {
        "type": "SpecificResource",
        "source": f"http://testserver/api/sources/{source.pk}/text/",
        "selector": [
            {"type": "TextPositionSelector", "start": span.start, "end": span.end},
            {"type": "TextQuoteSelector", "exact": span.exact},
        ],
    }


def w3c_bodies(body: str, tags) -> list[dict]:
    """The annotation's text as a TextualBody, and a TextualBody with purpose "tagging" per tag."""
    text = [{"type": "TextualBody", "value": body, "format": "text/plain"}] if body else []
    return text + [{"type": "TextualBody", "value": tag, "purpose": "tagging"} for tag in tags]


class W3CPath(EntryPath):
    """The Web Annotation Protocol: POST to the source's container; an edit is a PUT of
    the whole annotation with If-Match."""

    name = "w3c"

    @staticmethod
    def _outcome(response) -> Outcome:
        outcome = RestPath._outcome(response)  # the same DRF error format
        outcome.members = MEMBERS  # naming the members a client sends (a TextualBody's value)
        return outcome

    def _put(self, user, url: str, replacement: dict, version: int) -> Outcome:
        """A W3C client's PUT of the whole item, with If-Match: the ETag it got at `version`
        (the item's W3C ETag, its version and a digest of its JSON, while that is current)."""
        client = api_client_for(user)
        got = client.get(url)["ETag"]
        tag = got if got.startswith(f'"{version}-') else f'"{version}"'
        response = client.put(
            url, json.dumps(replacement), content_type="application/ld+json", HTTP_IF_MATCH=tag
        )
        return self._outcome(response)

    def create_annotation(self, user, source, span: Span, body="", tags=(), extra=None) -> Outcome:
        annotation = {
            "@context": ANNO,
            "type": "Annotation",
            "motivation": "commenting",
            "body": w3c_bodies(body, tags),
            "target": w3c_target(source, span),
            **(extra or {}),
        }
        response = api_client_for(user).post(
            f"/w3c/sources/{source.pk}/", json.dumps(annotation), content_type="application/ld+json"
        )
        return self._outcome(response)

    def edit_annotation(self, user, annotation, version: int, changes: dict) -> Outcome:
        unsendable = set(changes) - {"body", "tags", "passages"}
        if unsendable:
            raise AssertionError(f"A Web Annotation has no way to send {sorted(unsendable)}.")
        current = Annotation.objects.prefetch_related("passages__source").get(pk=annotation.pk)
        replacement = {
            "@context": ANNO,
            "type": "Annotation",
            "motivation": current.motivation,
            "body": w3c_bodies(changes.get("body", current.body), changes.get("tags", current.tags)),
            "target": [
                w3c_target(passage.source, Span(passage.start, passage.end, passage.exact))
                for passage in changes.get("passages", current.passages.all())
            ],
        }
        return self._put(user, f"/w3c/annotations/{annotation.pk}/", replacement, version)

    def edit_evidence(self, user, evidence, changes: dict) -> Outcome:
        """A PUT of the whole evidence: the claim's IRI in a body, the passage as the target."""
        claim_id = changes.get("claim", evidence.claim).pk
        passage = changes.get("passage", evidence.passage)
        replacement = {
            "@context": ANNO,
            "type": "Annotation",
            "body": [
                {
                    "type": "SpecificResource",
                    "source": f"http://testserver/api/claims/{claim_id}/",
                    "purpose": "linking",
                },
                {
                    "type": "TextualBody",
                    "value": changes.get("stance", evidence.stance),
                    "purpose": "classifying",
                },
            ],
            "target": w3c_target(passage.source, Span(passage.start, passage.end, passage.exact)),
        }
        return self._put(user, f"/w3c/evidence/{evidence.pk}/", replacement, evidence.version)


class AdminPath(EntryPath):
    """The Django admin's add and change forms, posted as the browser posts them: a
    passage's add form first, then the annotation's. A refused form comes back (200)
    with its errors; a saved one redirects."""

    name = "admin"
    created_status = saved_status = 302
    bad_input_status = 200
    staff_only = True

    @staticmethod
    def _post(user, url: str, form: dict) -> Outcome:
        client = Client()
        client.force_login(user)
        response = client.post(url, form)
        errors = {}
        if response.status_code == 200 and response.context is not None and "adminform" in response.context:
            form_errors = response.context["adminform"].form.errors
            errors = {("" if name == "__all__" else name): list(texts) for name, texts in form_errors.items()}
        return Outcome(response.status_code, errors, response.content.decode())

    def create_annotation(self, user, source, span: Span, body="", tags=(), extra=None) -> Outcome:
        passage_form = {
            **{"source": source.pk, "start": span.start, "end": span.end, "exact": span.exact},
            **{"prefix": "", "suffix": "", "anchor_status": "exact", "created_by": "", "change_reason": ""},
        }
        outcome = self._post(user, reverse("admin:archive_passage_add"), passage_form)
        if outcome.status != 302:
            return outcome
        annotation_form = {
            "workspace": source.workspace_id,
            "passages": [Passage.objects.latest("pk").pk],
            "body": body,
            "motivation": "commenting",
            "tags": json.dumps(list(tags)),
            "author": "",
            "review_status": ReviewStatus.DRAFT,
            "change_reason": "",
            **(extra or {}),
        }
        return self._post(user, reverse("admin:archive_annotation_add"), annotation_form)

    def edit_annotation(self, user, annotation, version: int, changes: dict) -> Outcome:
        """The change form with `changes`; the form has no version field, so `version` is not sent."""
        current = Annotation.objects.get(pk=annotation.pk)
        form = {
            "workspace": current.workspace_id,
            "passages": list(current.passages.values_list("pk", flat=True)),
            "body": current.body,
            "motivation": current.motivation,
            "tags": current.tags,
            "author": current.author_id or "",
            "review_status": current.review_status,
            "change_reason": "correction",  # the admin's change form requires one
            **changes,
        }
        form["passages"] = [getattr(passage, "pk", passage) for passage in form["passages"]]
        form["tags"] = json.dumps(form["tags"])
        return self._post(user, reverse("admin:archive_annotation_change", args=[annotation.pk]), form)


BROWSER, REST, W3C, ADMIN = BrowserPath(), RestPath(), W3CPath(), AdminPath()


def through(*entries: EntryPath):
    """Parametrise a test over these entry paths, named by path."""
    return pytest.mark.parametrize("entry", entries, ids=str)


# --- fixtures and checks ------------------------------------------------------------


@pytest.fixture
def writer(entry, analyst, superuser):
    """Who writes through `entry`: an analyst of the workspace, or site staff in the admin."""
    return superuser if entry.staff_only else analyst


@pytest.fixture
def annotation(workspace, source, analyst):
    passage = PassageFactory(
        source=source, created_by=analyst, start=source.text.index("120 a week"), length=10
    )
    return AnnotationFactory(
        workspace=workspace, passages=[passage], author=analyst, body="Check this figure.", tags=["figures"]
    )


@pytest.fixture
def other_analyst(workspace):
    return MembershipFactory(workspace=workspace, role=Role.ANALYST, user=UserFactory(username="other")).user


def stored(obj) -> dict:
    """Every stored field of `obj` and the number of its history rows: equal before and
    after a request when the request wrote nothing to it."""
    fresh = type(obj).objects.get(pk=obj.pk)
    return {
        **{f.attname: getattr(fresh, f.attname) for f in fresh._meta.concrete_fields},
        "history rows": fresh.history.count(),
    }


# --- controls: the adapters send what each path accepts --------------------------------


@through(BROWSER, REST, W3C, ADMIN)
def test_a_valid_annotation_is_created(entry, writer, source):
    outcome = entry.create_annotation(
        writer, source, span_of(source.text, "Al-Rashideen"), body="Which district?", tags=["places"]
    )
    assert outcome.status == entry.created_status, outcome.content
    created = Annotation.objects.get()
    assert (created.body, created.tags) == ("Which district?", ["places"])
    assert [passage.exact for passage in created.passages.all()] == ["Al-Rashideen"]


@through(BROWSER, REST, W3C, ADMIN)
def test_a_valid_edit_is_saved(entry, writer, annotation):
    outcome = entry.edit_annotation(
        writer, annotation, annotation.version, {"body": "Corrected.", "tags": ["t"]}
    )
    assert outcome.status == entry.saved_status, outcome.content
    annotation.refresh_from_db()
    assert (annotation.body, annotation.tags, annotation.version) == ("Corrected.", ["t"], 2)


@through(BROWSER, REST, W3C, ADMIN)
def test_an_edit_that_changes_nothing_saves_nothing(entry, writer, annotation):
    before = stored(annotation)
    outcome = entry.edit_annotation(
        writer, annotation, annotation.version, {"body": annotation.body, "tags": annotation.tags}
    )
    assert outcome.status == entry.saved_status, outcome.content
    assert stored(annotation) == before


# --- a note has text; without a motivation, an annotation without text is a highlight ----


@through(BROWSER, REST, W3C, ADMIN)
def test_a_note_without_text_is_refused_on_create(entry, writer, source):
    outcome = entry.create_annotation(
        writer, source, span_of(source.text, "Aleppo"), body="  ", extra={"motivation": "commenting"}
    )
    assert outcome.status == entry.bad_input_status and outcome.names("body"), outcome.content
    assert not Annotation.objects.exists()


@through(BROWSER, REST, W3C, ADMIN)
def test_a_note_emptied_by_an_edit_is_refused(entry, writer, annotation):
    before = stored(annotation)
    outcome = entry.edit_annotation(writer, annotation, annotation.version, {"body": ""})
    assert outcome.status == entry.bad_input_status and outcome.names("body"), outcome.content
    assert stored(annotation) == before


@through(BROWSER, REST, W3C, ADMIN)
def test_a_note_longer_than_a_note_may_be_is_refused_on_create(entry, writer, source):
    body = "x" * (MAX_NOTE_LENGTH + 1)
    outcome = entry.create_annotation(writer, source, span_of(source.text, "Aleppo"), body=body)
    assert outcome.status == entry.bad_input_status and outcome.names("body"), outcome.content[:300]
    assert not Annotation.objects.exists()


@through(BROWSER, REST, W3C, ADMIN)
def test_a_note_lengthened_past_the_limit_by_an_edit_is_refused(entry, writer, annotation):
    before = stored(annotation)
    outcome = entry.edit_annotation(
        writer, annotation, annotation.version, {"body": "x" * (MAX_NOTE_LENGTH + 1)}
    )
    assert outcome.status == entry.bad_input_status and outcome.names("body"), outcome.content[:300]
    assert stored(annotation) == before


@through(BROWSER, REST)
def test_a_note_as_long_as_a_note_may_be_is_saved(entry, writer, source):
    body = "x" * MAX_NOTE_LENGTH
    outcome = entry.create_annotation(writer, source, span_of(source.text, "Aleppo"), body=body)
    assert outcome.status == entry.created_status, outcome.content[:300]
    assert len(Annotation.objects.get().body) == MAX_NOTE_LENGTH


# Not W3C and the admin: their adapters always name a motivation here (W3C's own default
# is tested in test_w3c.py).
@through(BROWSER, REST)
def test_without_a_motivation_an_annotation_without_text_is_a_highlight(entry, writer, source):
    outcome = entry.create_annotation(writer, source, span_of(source.text, "Aleppo"))
    assert outcome.status == entry.created_status, outcome.content
    assert Annotation.objects.get().motivation == "highlighting"


@through(BROWSER, REST)
def test_without_a_motivation_an_annotation_with_text_is_a_note(entry, writer, source):
    outcome = entry.create_annotation(writer, source, span_of(source.text, "Aleppo"), body="Which Aleppo?")
    assert outcome.status == entry.created_status, outcome.content
    assert Annotation.objects.get().motivation == "commenting"


# --- tags: at most 100 of them, each at most 100 characters ------------------------------


@through(BROWSER, REST, W3C, ADMIN)
def test_an_over_long_tag_is_refused_on_create(entry, writer, source):
    outcome = entry.create_annotation(
        writer, source, span_of(source.text, "Aleppo"), body="x", tags=[LONG_TAG]
    )
    assert outcome.status == entry.bad_input_status and outcome.names("tags"), outcome.content
    assert not Annotation.objects.exists()


@through(BROWSER, REST, W3C, ADMIN)
def test_an_over_long_tag_is_refused_on_edit(entry, writer, annotation):
    before = stored(annotation)
    outcome = entry.edit_annotation(writer, annotation, annotation.version, {"tags": [LONG_TAG]})
    assert outcome.status == entry.bad_input_status and outcome.names("tags"), outcome.content
    assert stored(annotation) == before


@through(BROWSER, REST, W3C, ADMIN)
def test_more_than_100_tags_are_refused_on_create(entry, writer, source):
    outcome = entry.create_annotation(
        writer, source, span_of(source.text, "Aleppo"), body="x", tags=TOO_MANY_TAGS
    )
    assert outcome.status == entry.bad_input_status and outcome.names("tags"), outcome.content
    assert not Annotation.objects.exists()


@through(BROWSER, REST, W3C, ADMIN)
def test_more_than_100_tags_are_refused_on_edit(entry, writer, annotation):
    before = stored(annotation)
    outcome = entry.edit_annotation(writer, annotation, annotation.version, {"tags": TOO_MANY_TAGS})
    assert outcome.status == entry.bad_input_status and outcome.names("tags"), outcome.content
    assert stored(annotation) == before


# --- unknown or misspelt fields are refused, not ignored ----------------------------------
# W3C on create only: its edit is a whole annotation, which the create case already covers.
# A Web Annotation's unknown keys could be JSON-LD extensions, but we would not keep them.
# Not the admin: an HTML form posts only its own inputs, and Django forms ignore other keys.


@through(BROWSER, REST, W3C)
def test_an_unknown_field_is_refused_on_create(entry, writer, source):
    outcome = entry.create_annotation(
        writer, source, span_of(source.text, "Aleppo"), body="x", extra={"bodyy": "Which district?"}
    )
    assert outcome.status == 400 and outcome.names("bodyy"), outcome.content
    assert not Annotation.objects.exists()


@through(BROWSER, REST)
def test_an_unknown_field_is_refused_on_edit(entry, writer, annotation):
    before = stored(annotation)
    outcome = entry.edit_annotation(writer, annotation, annotation.version, {"bodyy": "Corrected."})
    assert outcome.status == 400 and outcome.names("bodyy"), outcome.content
    assert stored(annotation) == before


# Claims are written as JSON only through the REST API (the browser's claim pages are HTML forms).
@through(REST)
def test_a_misspelt_claim_field_is_refused_on_create(entry, writer, workspace):
    outcome = entry.create_claim(
        writer, workspace, {"statement": "Airstrikes reached 120 a week.", "credibilty": 1}
    )
    assert outcome.status == 400 and outcome.names("credibilty"), outcome.content
    assert not Claim.objects.exists()


@through(REST)
def test_an_over_long_claim_statement_is_refused_on_create(entry, writer, workspace):
    outcome = entry.create_claim(writer, workspace, {"statement": "x" * 1_001})
    assert outcome.status == 400 and outcome.names("statement"), outcome.content
    assert not Claim.objects.exists()


@through(REST)
def test_a_misspelt_claim_field_is_refused_on_edit(entry, writer, workspace):
    claim = ClaimFactory(workspace=workspace, created_by=writer)
    before = stored(claim)
    outcome = entry.edit_claim(writer, claim, claim.version, {"credibilty": 1})
    assert outcome.status == 400 and outcome.names("credibilty"), outcome.content
    assert stored(claim) == before


# --- an annotation may move to other passages; evidence stays on its claim and passage -------
# Not the browser: its edit endpoint changes an annotation's text and tags only.


@through(REST, W3C, ADMIN)
def test_an_edit_moves_an_annotation_to_another_passage(entry, writer, annotation, source, analyst):
    other = PassageFactory(source=source, created_by=analyst, start=source.text.index("Aleppo"), length=6)
    outcome = entry.edit_annotation(writer, annotation, annotation.version, {"passages": [other]})
    assert outcome.status == entry.saved_status, outcome.content
    moved = Annotation.objects.get(pk=annotation.pk)
    assert list(moved.passages.all()) == [other]
    assert moved.version == 2  # a move alone is an edit: a client holding version 1 is stale


@pytest.fixture
def evidence(workspace, source, analyst):
    passage = PassageFactory(source=source, created_by=analyst, start=source.text.index("Aleppo"), length=6)
    return EvidenceFactory(
        claim=ClaimFactory(workspace=workspace), passage=passage, created_by=analyst, stance="supports"
    )


@through(REST, W3C)
def test_an_edit_naming_the_evidences_own_claim_and_passage_is_saved(entry, analyst, evidence):
    outcome = entry.edit_evidence(
        analyst, evidence, {"claim": evidence.claim, "passage": evidence.passage, "stance": "refutes"}
    )
    assert outcome.status == 200, outcome.content
    assert Evidence.objects.get(pk=evidence.pk).stance == "refutes"


@through(REST, W3C)
def test_evidence_cannot_move_to_another_claim(entry, analyst, evidence, workspace):
    before = stored(evidence)
    outcome = entry.edit_evidence(analyst, evidence, {"claim": ClaimFactory(workspace=workspace)})
    assert outcome.status == 400 and outcome.names("claim") and "cite it anew" in outcome.content
    assert stored(evidence) == before


@through(REST, W3C)
def test_evidence_cannot_move_to_another_passage(entry, analyst, evidence, source):
    other = PassageFactory(
        source=source, created_by=analyst, start=source.text.index("120 a week"), length=10
    )
    before = stored(evidence)
    outcome = entry.edit_evidence(analyst, evidence, {"passage": other})
    assert outcome.status == 400 and outcome.names("passage") and "cite it anew" in outcome.content
    assert stored(evidence) == before


# --- selectors must lie in the text ---------------------------------------------------------


@through(BROWSER, REST, W3C, ADMIN)
def test_a_selector_past_the_end_of_the_text_is_refused(entry, writer, source):
    outcome = entry.create_annotation(writer, source, span_past_the_end(source.text), body="x")
    assert outcome.status == entry.bad_input_status, outcome.content
    assert not Passage.objects.exists() and not Annotation.objects.exists()


# --- a stale edit is 412 with what is there now ----------------------------------------------
# Not the admin: its change form carries no version, so it cannot say which one it edited.


@through(BROWSER, REST, W3C)
def test_an_edit_from_a_stale_version_is_412_with_the_current_state(entry, analyst, annotation):
    edit_item(annotation, user=analyst, expected_version=1, changes={"body": "Saved first elsewhere."})
    before = stored(annotation)
    outcome = entry.edit_annotation(analyst, annotation, 1, {"body": "My edit."})
    assert outcome.status == 412, outcome.content
    assert "Saved first elsewhere." in outcome.content
    assert stored(annotation) == before


# --- roles: refused (403) and nothing written ----------------------------------------------------
# Not the admin: workspace roles do not apply there; only site staff reach it.


@through(BROWSER, REST, W3C)
def test_a_reviewer_cannot_create_an_annotation(entry, reviewer, source):
    outcome = entry.create_annotation(reviewer, source, span_of(source.text, "Aleppo"), body="x")
    assert outcome.status == 403, outcome.content
    assert not Passage.objects.exists() and not Annotation.objects.exists()


@through(BROWSER, REST, W3C)
def test_an_analyst_cannot_edit_another_analysts_annotation(entry, other_analyst, annotation):
    before = stored(annotation)
    outcome = entry.edit_annotation(other_analyst, annotation, annotation.version, {"body": "Mine now."})
    assert outcome.status == 403, outcome.content
    assert stored(annotation) == before


# --- review status changes only through the review workflow -----------------------------------
# Not W3C: a Web Annotation has no review status to send.


@through(BROWSER, REST)
def test_an_edit_cannot_set_the_review_status(entry, writer, annotation):
    before = stored(annotation)
    outcome = entry.edit_annotation(writer, annotation, annotation.version, {"review_status": "approved"})
    assert outcome.status == 400 and outcome.names("review_status"), outcome.content
    assert stored(annotation) == before


@through(ADMIN)
def test_the_admin_change_form_cannot_set_the_review_status(entry, writer, annotation):
    entry.edit_annotation(writer, annotation, annotation.version, {"review_status": ReviewStatus.APPROVED})
    assert Annotation.objects.get(pk=annotation.pk).review_status == ReviewStatus.DRAFT


@through(BROWSER, REST, W3C)
def test_a_refusal_has_the_one_error_format(entry, writer, annotation):
    outcome = entry.edit_annotation(writer, annotation, annotation.version, {"tags": [LONG_TAG]})
    body, tags = json.loads(outcome.content), outcome.member("tags")
    assert isinstance(body["error"], str) and tags.lower() in body["error"].lower(), body
    assert tags in body or any(tags in str(value) for value in body.values()), body
