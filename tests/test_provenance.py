"""Derivation chains, the provenance page, and W3C PROV exports of sources and claims."""

import json

import pytest
from django.urls import reverse
from prov.model import ProvActivity, ProvAgent, ProvDocument, ProvEntity

from archive.audit.review import approve, reject, submit_for_review
from archive.claims.claims import create_claim, edit_claim, set_credibility
from archive.core.attribution import recorded_as
from archive.models import Derivation, VersionOrigin
from archive.models.grading import Credibility
from archive.passages.correction import correct_source_text
from archive.sources.outlets import create_outlet, grade_outlet
from archive.sources.provenance import PROV_JSON, claim_document, lineage, serialize
from archive.sources.versions import record_version
from archive.sources.writes import create_source
from tests.factories import (
    CaptureFactory,
    ClaimFactory,
    EvidenceFactory,
    OutletFactory,
    PassageFactory,
    SourceFactory,
    UserFactory,
)


@pytest.fixture
def chain(workspace, analyst):
    """original <- translation <- republication, and an excerpt of the translation."""
    original = SourceFactory(
        workspace=workspace,
        title="Original report",
        language="ar",
        authors=["Turki Mostafa"],
        outlet=OutletFactory(workspace=workspace, name="Baladi News", reliability="B"),
        captured_by=analyst,
        with_original=True,
    )
    translation = SourceFactory(
        workspace=workspace,
        title="English translation",
        text="The translated text.",
        derived_from=original,
        derivation=Derivation.TRANSLATION,
        captured_by=analyst,
    )
    republication = SourceFactory(
        workspace=workspace,
        title="Blog republication",
        text="The republished text.",
        outlet=OutletFactory(workspace=workspace, name="It's Over 9000!", reliability="E"),
        derived_from=translation,
        derivation=Derivation.REPUBLICATION,
    )
    excerpt = SourceFactory(
        workspace=workspace,
        title="Quoted excerpt",
        text="The excerpt.",
        derived_from=translation,
        derivation=Derivation.EXCERPT,
    )
    CaptureFactory(source=republication, web=True)
    return {
        "original": original,
        "translation": translation,
        "republication": republication,
        "excerpt": excerpt,
    }


def get_page(client, user, name: str, *args):
    client.force_login(user)
    return client.get(reverse(name, args=args))


def test_lineage_goes_up_to_the_original_and_down_every_branch(chain):
    found = lineage(chain["translation"])
    assert found.ancestors == [chain["original"]]
    assert [node.source for node in found.descendants] == [chain["republication"], chain["excerpt"]]


def test_lineage_of_the_original_has_the_whole_tree(chain):
    [translation] = lineage(chain["original"]).descendants
    assert translation.source == chain["translation"]
    assert {node.source.title for node in translation.children} == {"Blog republication", "Quoted excerpt"}


def test_provenance_page_shows_the_chain_with_outlets_grades_and_hashes(client, analyst, workspace, chain):
    response = get_page(
        client, analyst, "archive:source_provenance", workspace.slug, chain["republication"].pk
    )
    page = response.content.decode().split('id="chain-title"', 1)[1]
    assert (
        page.index("Original report") < page.index("English translation") < page.index("Blog republication")
    )
    assert "Baladi News" in page and "It&#x27;s Over 9000!" in page
    assert chain["original"].original_sha256 in page
    assert chain["republication"].text_sha256 in page
    assert "republication of" in page


def test_provenance_page_shows_the_capture_details_of_a_web_capture(client, analyst, workspace, chain):
    response = get_page(
        client, analyst, "archive:source_provenance", workspace.slug, chain["republication"].pk
    )
    capture = chain["republication"].capture
    page = response.content.decode()
    assert capture.final_url in page
    assert capture.warc_sha256 in page
    assert "301 from https://news.example/story" in page


def test_provenance_page_says_when_fixity_was_never_verified(client, analyst, workspace, chain):
    response = get_page(client, analyst, "archive:source_provenance", workspace.slug, chain["original"].pk)
    assert "not verified yet" in response.content.decode()


def export(client, user, name: str, *args) -> ProvDocument:
    response = get_page(client, user, name, *args)
    assert response["Content-Disposition"].startswith("attachment;")
    return ProvDocument.deserialize(content=response.content, format="json")


def identifiers(document: ProvDocument, kind) -> set[str]:
    return {record.identifier.localpart for record in document.get_records(kind)}


def test_source_prov_json_has_the_chain_captures_and_agents(client, analyst, workspace, chain):
    document = export(client, analyst, "archive:source_prov_json", workspace.slug, chain["translation"].pk)
    sources = {f"source-{chain[name].pk}" for name in chain}
    assert sources <= identifiers(document, ProvEntity)
    assert f"original-{chain['original'].original_sha256}" in identifiers(document, ProvEntity)
    assert f"warc-{chain['republication'].capture.warc_sha256}" in identifiers(document, ProvEntity)
    assert {f"import-{chain['original'].pk}", f"capture-{chain['republication'].pk}"} <= identifiers(
        document, ProvActivity
    )
    agents = identifiers(document, ProvAgent)
    assert {f"user-{analyst.pk}", f"outlet-{chain['original'].outlet_id}"} <= agents
    assert any(agent.startswith("author-") for agent in agents)


@pytest.fixture
def corrected(workspace, analyst, ws_admin):
    """A source whose text an admin corrected: version 2, made by the correction."""
    source = create_source(
        workspace=workspace,
        user=analyst,
        title="Report",
        text="The station stopped on Tuesday.",
        language="en",
    )
    correct_source_text(
        source=source, user=ws_admin, new_text="The station stopped on Monday.", reason="checked the date"
    )
    return source


def test_source_prov_records_who_made_each_later_version_and_from_what(
    client, analyst, ws_admin, workspace, corrected
):
    document = export(client, analyst, "archive:source_prov_json", workspace.slug, corrected.pk)
    second = corrected.versions.get(number=2)
    first_entity, source_entity = f"source-{corrected.pk}-version-1", f"source-{corrected.pk}"
    assert first_entity in identifiers(document, ProvEntity)
    correction = f"correction-{second.pk}"
    assert correction in identifiers(document, ProvActivity)
    relations = {
        (record.get_type().localpart, *(str(arg.localpart) for arg in record.args[:2] if arg is not None))
        for record in document.get_records()
        if not isinstance(record, ProvEntity | ProvActivity | ProvAgent)
    }
    assert ("Generation", source_entity, correction) in relations
    assert ("Usage", correction, first_entity) in relations
    assert ("Association", correction, f"user-{ws_admin.pk}") in relations
    assert ("Derivation", source_entity, first_entity) in relations
    assert ("Generation", first_entity, f"import-{corrected.pk}") in relations


def test_provenance_page_lists_each_version_with_who_made_it(client, analyst, workspace, corrected):
    page = get_page(
        client, analyst, "archive:source_provenance", workspace.slug, corrected.pk
    ).content.decode()
    correction = page[page.index("Version 2: text corrected <time") :]
    assert "</time> by <bdi>ws-admin</bdi>" in correction[: correction.index("</li>")]
    assert corrected.versions.get(number=2).text_sha256 in page


def test_source_prov_json_links_each_derivation_with_its_kind(client, analyst, workspace, chain):
    document = export(client, analyst, "archive:source_prov_json", workspace.slug, chain["original"].pk)
    derivations = {
        (str(record.args[0].localpart), str(record.args[1].localpart), str(record.get_asserted_types().pop()))
        for record in document.get_records()
        if record.get_type().localpart == "Derivation" and record.get_asserted_types()
    }
    assert (f"source-{chain['translation'].pk}", f"source-{chain['original'].pk}", "warrant:translation") in (
        derivations
    )


def test_source_prov_n_is_provenance_notation(client, analyst, workspace, chain):
    response = get_page(client, analyst, "archive:source_prov_n", workspace.slug, chain["translation"].pk)
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/provenance-notation")
    assert text.startswith("document")
    assert (
        f"wasDerivedFrom(warrant:source-{chain['translation'].pk}, warrant:source-{chain['original'].pk}"
        in text
    )


def test_claim_prov_export_has_the_whole_evidence_trail_and_who_did_each_step(
    client, workspace, analyst, reviewer, chain
):
    highlighter = UserFactory(username="highlighter")
    passage = PassageFactory(source=chain["republication"], created_by=highlighter)
    claim = ClaimFactory(workspace=workspace, created_by=analyst)
    with recorded_as(user=reviewer, reason="compared with the original"):
        claim.credibility = 2
        claim.save()
    evidence = EvidenceFactory(claim=claim, passage=passage, created_by=analyst)

    document = export(client, reviewer, "archive:claim_prov_json", workspace.slug, claim.pk)
    entities = identifiers(document, ProvEntity)
    assert {f"claim-{claim.pk}", f"evidence-{evidence.pk}", f"passage-{passage.pk}"} <= entities
    assert {f"source-{chain[name].pk}" for name in ("republication", "translation", "original")} <= entities
    activities = identifiers(document, ProvActivity)
    assert {f"link-evidence-{evidence.pk}", f"highlight-{passage.pk}"} <= activities
    assert any(activity.startswith(f"grading-claim-{claim.pk}-") for activity in activities)
    agents = identifiers(document, ProvAgent)
    assert {f"user-{analyst.pk}", f"user-{highlighter.pk}", f"user-{reviewer.pk}"} <= agents
    assert f"outlet-{chain['republication'].outlet_id}" in agents


def test_claim_prov_export_shows_the_combined_grade_of_each_piece_of_evidence(
    client, workspace, analyst, chain
):
    passage = PassageFactory(source=chain["republication"])
    claim = ClaimFactory(workspace=workspace, credibility=2)
    evidence = EvidenceFactory(claim=claim, passage=passage)
    document = export(client, analyst, "archive:claim_prov_json", workspace.slug, claim.pk)
    [record] = [
        r for r in document.get_records(ProvEntity) if r.identifier.localpart == f"evidence-{evidence.pk}"
    ]
    grades = {str(value) for key, value in record.attributes if key.localpart == "grade"}
    assert grades == {"E2"}


def test_admin_sets_a_derivation_later_with_a_reason_in_the_history(client, ws_admin, workspace, chain):
    excerpt = chain["excerpt"]
    client.force_login(ws_admin)
    client.post(
        reverse("archive:source_derivation", args=[workspace.slug, excerpt.pk]),
        {
            "version": excerpt.version,
            "derived_from": chain["original"].pk,
            "derivation": "summary",
            "reason": "it summarizes the Arabic original",
        },
    )
    excerpt.refresh_from_db()
    assert (excerpt.derived_from, excerpt.derivation) == (chain["original"], "summary")
    latest = excerpt.history.first()
    assert (latest.history_user, latest.history_change_reason) == (
        ws_admin,
        "it summarizes the Arabic original",
    )


def test_a_derivation_changed_without_a_reason_is_refused(client, ws_admin, workspace, chain):
    excerpt = chain["excerpt"]
    client.force_login(ws_admin)
    response = client.post(
        reverse("archive:source_derivation", args=[workspace.slug, excerpt.pk]),
        {"version": excerpt.version, "derived_from": chain["original"].pk, "derivation": "summary"},
    )
    assert response.status_code == 400
    assert "Say why: the reason is kept in the history." in response.content.decode()
    excerpt.refresh_from_db()
    assert excerpt.derived_from != chain["original"]


def test_a_derivation_cycle_is_refused_with_a_message(client, ws_admin, workspace, chain):
    original = chain["original"]
    client.force_login(ws_admin)
    response = client.post(
        reverse("archive:source_derivation", args=[workspace.slug, original.pk]),
        {
            "version": original.version,
            "derived_from": chain["republication"].pk,
            "derivation": "translation",
            "reason": "x",
        },
    )
    assert response.status_code == 400
    assert "cannot derive, even indirectly, from itself" in response.content.decode()
    original.refresh_from_db()
    assert original.derived_from is None


def test_provenance_page_names_the_schedule_that_made_a_version_once(client, analyst, workspace, corrected):
    record_version(
        source=corrected,
        user=None,
        origin=VersionOrigin.RECAPTURE,
        text="The station stopped on Sunday.",
        schedule_label="schedule #1",
    )
    page = get_page(
        client, analyst, "archive:source_provenance", workspace.slug, corrected.pk
    ).content.decode()
    recaptured = page[page.index("Version 3: recaptured <time") :]
    assert "</time> by <bdi>schedule #1</bdi>" in recaptured[: recaptured.index("</li>")]
    assert "schedule schedule" not in page


# --- Gradings: every grade given, with the grade's own reason ----------------------


@pytest.fixture
def regraded_claim(workspace, analyst, reviewer):
    """A claim a reviewer graded 6, then its author edited to 4 with a reason for the edit."""
    claim = create_claim(workspace=workspace, user=analyst, statement="The station stopped in July.")
    claim = set_credibility(claim, user=reviewer, credibility=6, reason="Nothing to check it against yet")
    return edit_claim(
        claim,
        user=analyst,
        expected_version=claim.version,
        changes={"credibility": 4, "credibility_reason": "Single partisan source; no independent count"},
        reason="Narrowed the date after reading the article's G20 reference.",
    )


def gradings_in(document: ProvDocument, prefix: str) -> dict[str, dict[str, str]]:
    """The activities (gradings, reviews) whose identifier starts with `prefix`: their attributes."""
    return {
        str(record.identifier.localpart): {
            str(key.localpart): str(value) for key, value in record.attributes if key.localpart != "type"
        }
        for record in document.get_records(ProvActivity)
        if str(record.identifier.localpart).startswith(prefix)
    }


def graded_to(document: ProvDocument, claim, credibility: int) -> dict[str, str]:
    """The attributes of the claim's one grading to `credibility`."""
    [found] = [
        attributes
        for attributes in gradings_in(document, f"grading-claim-{claim.pk}-").values()
        if attributes["label"] == f"graded credibility {credibility}"
    ]
    return found


def test_a_claims_grading_gives_the_grades_own_reason(client, workspace, analyst, regraded_claim):
    document = export(client, analyst, "archive:claim_prov_json", workspace.slug, regraded_claim.pk)
    assert graded_to(document, regraded_claim, 4)["reason"] == "Single partisan source; no independent count"


def test_a_claim_edits_own_reason_is_kept_apart_from_the_grades(client, workspace, analyst, regraded_claim):
    document = export(client, analyst, "archive:claim_prov_json", workspace.slug, regraded_claim.pk)
    assert graded_to(document, regraded_claim, 4).get("changeReason") == (
        "Narrowed the date after reading the article's G20 reference."
    )


def test_every_grading_in_a_claims_history_is_an_activity(
    client, workspace, analyst, reviewer, regraded_claim
):
    document = export(client, analyst, "archive:claim_prov_json", workspace.slug, regraded_claim.pk)
    gradings = gradings_in(document, f"grading-claim-{regraded_claim.pk}-")
    assert sorted((a["label"], a["reason"]) for a in gradings.values()) == [
        ("graded credibility 4", "Single partisan source; no independent count"),
        ("graded credibility 6", "Nothing to check it against yet"),
    ]
    associations = {
        (str(record.args[0].localpart), str(record.args[1].localpart))
        for record in document.get_records()
        if record.get_type().localpart == "Association"
    }
    by_label = {a["label"]: name for name, a in gradings.items()}
    assert (by_label["graded credibility 6"], f"user-{reviewer.pk}") in associations
    assert (by_label["graded credibility 4"], f"user-{analyst.pk}") in associations


def test_a_claim_created_ungraded_has_no_grading(client, workspace, analyst):
    claim = create_claim(workspace=workspace, user=analyst, statement="The station stopped.", reason="new")
    document = export(client, analyst, "archive:claim_prov_json", workspace.slug, claim.pk)
    assert gradings_in(document, "grading-") == {}


@pytest.fixture
def imported_outlet(workspace, analyst):
    """An outlet an analyst's import created: ungraded (F, no reason), the import's reason."""
    outlet = create_outlet(
        workspace=workspace, user=analyst, name="Hawran Voice", reason="Shared corpus: batch 3"
    )
    return SourceFactory(workspace=workspace, title="Report", outlet=outlet, captured_by=analyst)


def test_an_outlet_created_ungraded_has_no_grading(client, workspace, analyst, imported_outlet):
    document = export(client, analyst, "archive:source_prov_json", workspace.slug, imported_outlet.pk)
    assert gradings_in(document, "grading-outlet-") == {}


def test_an_outlets_grading_gives_the_grades_own_reason_and_who_gave_it(
    client, workspace, analyst, ws_admin, imported_outlet
):
    outlet = imported_outlet.outlet
    grade_outlet(
        outlet=outlet,
        user=ws_admin,
        reliability="B",
        reason="Long record of corrected errors",
        expected_version=outlet.version,
    )
    document = export(client, analyst, "archive:source_prov_json", workspace.slug, imported_outlet.pk)
    gradings = gradings_in(document, f"grading-outlet-{outlet.pk}-")
    assert [(a["label"], a["reason"]) for a in gradings.values()] == [
        ("graded reliability B", "Long record of corrected errors")
    ]
    associations = {
        (str(record.args[0].localpart), str(record.args[1].localpart))
        for record in document.get_records()
        if record.get_type().localpart == "Association"
    }
    assert (next(iter(gradings)), f"user-{ws_admin.pk}") in associations


def test_a_claims_gradings_read_back_from_prov_n(client, workspace, analyst, regraded_claim):
    response = get_page(client, analyst, "archive:claim_prov_n", workspace.slug, regraded_claim.pk)
    text = response.content.decode()
    assert 'warrant:reason="Single partisan source; no independent count"' in text
    assert 'warrant:reason="Nothing to check it against yet"' in text


def test_claim_prov_export_says_how_reviewers_decided_on_each_piece_of_evidence(
    client, workspace, analyst, reviewer, chain
):
    claim = ClaimFactory(workspace=workspace, created_by=analyst)
    kept, refused = (
        EvidenceFactory(
            claim=claim, passage=PassageFactory(source=chain["republication"]), created_by=analyst
        )
        for _ in range(2)
    )
    for item in (kept, refused):
        submit_for_review(item, user=analyst)
    approve(kept, user=reviewer, comment="the passage says so")
    reject(refused, user=reviewer, comment="the passage is about another town")

    document = export(client, analyst, "archive:claim_prov_json", workspace.slug, claim.pk)
    statuses = {
        str(record.identifier.localpart): {
            str(v) for k, v in record.attributes if k.localpart == "reviewStatus"
        }
        for record in document.get_records(ProvEntity)
        if str(record.identifier.localpart).startswith(("evidence-", "claim-"))
    }
    assert statuses == {
        f"claim-{claim.pk}": {"draft"},
        f"evidence-{kept.pk}": {"approved"},
        f"evidence-{refused.pk}": {"rejected"},
    }
    reviews = {
        name: {key: value for key, value in attributes.items() if not key.endswith("Time")}
        for name, attributes in gradings_in(document, "review-").items()
    }
    assert reviews == {
        f"review-evidence-{kept.pk}": {
            "label": "review: approved",
            "decision": "approved",
            "comment": "the passage says so",
        },
        f"review-evidence-{refused.pk}": {
            "label": "review: rejected",
            "decision": "rejected",
            "comment": "the passage is about another town",
        },
    }
    associations = {
        (str(record.args[0].localpart), str(record.args[1].localpart))
        for record in document.get_records()
        if record.get_type().localpart == "Association"
    }
    assert {(f"review-evidence-{kept.pk}", f"user-{reviewer.pk}")} <= associations
    client.force_login(analyst)
    history = reverse("archive:object_history", args=[workspace.slug, "evidence", refused.pk])
    assert client.get(f"/w/{workspace.slug}/review-evidence-{refused.pk}")["Location"] == history


def test_a_claim_holding_a_credibility_member_reads_back_from_prov_as_written(workspace, analyst):
    # The model's default, until the claim is read back from the database.
    claim = ClaimFactory(workspace=workspace, created_by=analyst)
    assert isinstance(claim.credibility, Credibility)
    document = claim_document(claim, base_uri="https://warrant.example/w/x/", cited={}, decisions={})
    entity = json.loads(serialize(document, PROV_JSON))["entity"][f"warrant:claim-{claim.pk}"]
    assert entity["warrant:credibility"]["$"] == str(claim.credibility.value)
