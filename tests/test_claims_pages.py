"""Claims: the list with its filters, a claim's evidence and graph, creating, editing, searching."""

import csv
import datetime
import io
import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive.claims import edit_item
from archive.claims.editing import REOPENED
from archive.claims.graph import build_claim_graph
from archive.core.editing import NOTHING_CHANGED
from archive.models import AnchorStatus, Claim, ClaimStatus, ReviewStatus, Source, Stance, VersionOrigin
from archive.search.query import MAX_QUERY_LENGTH
from archive.sources.versions import record_version
from archive.views.findings import PACKAGE_REFUSED_NEXT
from tests.factories import ClaimFactory, EvidenceFactory, OutletFactory, PassageFactory, SourceFactory


def get_page(client, user, name: str, *args, **params) -> str:
    client.force_login(user)
    response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def sources(workspace):
    """An original, its translation and a blog's republication of the translation."""
    voice = OutletFactory(workspace=workspace, name="Hawran Voice", reliability="C")
    monitor = OutletFactory(workspace=workspace, name="Levant Monitor", reliability="B")
    blog = OutletFactory(workspace=workspace, name="Open Notes", reliability="E")
    original = SourceFactory(workspace=workspace, title="Original report", outlet=voice)
    translation = SourceFactory(
        workspace=workspace,
        title="Translation",
        outlet=monitor,
        derived_from=original,
        derivation="translation",
    )
    copy = SourceFactory(
        workspace=workspace,
        title="Blog copy",
        outlet=blog,
        derived_from=translation,
        derivation="republication",
    )
    return original, translation, copy


# --- The list ----------------------------------------------------------------------


def test_claims_list_counts_evidence_by_stance(client, workspace, reviewer, source):
    claim = ClaimFactory(workspace=workspace, statement="Airstrikes reached 120 a week.")
    for start, stance in [(0, Stance.SUPPORTS), (10, Stance.SUPPORTS), (20, Stance.REFUTES)]:
        EvidenceFactory(passage=PassageFactory(source=source, start=start), claim=claim, stance=stance)
    page = get_page(client, reviewer, "archive:claims", workspace.slug)
    row = page[page.index("Airstrikes reached 120 a week.") :]
    cells = [cell.split(">", 1)[1].split("</td>")[0] for cell in row.split('<td class="count"')[1:4]]
    assert cells == ["2", "1", "0"]


def test_claims_list_leaves_out_evidence_a_reviewer_rejected_as_the_claims_page_does(
    client, workspace, reviewer, source
):
    claim = ClaimFactory(workspace=workspace, statement="Airstrikes reached 120 a week.")
    for start, status in [(0, ReviewStatus.APPROVED), (10, ReviewStatus.REJECTED)]:
        EvidenceFactory(passage=PassageFactory(source=source, start=start), claim=claim, review_status=status)
    page = get_page(client, reviewer, "archive:claims", workspace.slug)
    row = page[page.index("Airstrikes reached 120 a week.") :]
    cells = [cell.split(">", 1)[1].split("</td>")[0] for cell in row.split('<td class="count"')[1:4]]
    assert cells == ["1", "0", "0"]


def test_claims_list_leaves_out_evidence_whose_words_left_the_text(client, workspace, reviewer, source):
    claim = ClaimFactory(workspace=workspace, statement="Airstrikes reached 120 a week.")
    for start, found in [(0, AnchorStatus.EXACT), (10, AnchorStatus.ORPHANED)]:
        EvidenceFactory(passage=PassageFactory(source=source, start=start, anchor_status=found), claim=claim)
    page = get_page(client, reviewer, "archive:claims", workspace.slug)
    row = page[page.index("Airstrikes reached 120 a week.") :]
    cells = [cell.split(">", 1)[1].split("</td>")[0] for cell in row.split('<td class="count"')[1:4]]
    assert cells == ["1", "0", "0"]


def test_claims_list_filters_by_status_and_tag(client, workspace, analyst):
    ClaimFactory(workspace=workspace, statement="Open water claim", tags=["water"])
    ClaimFactory(
        workspace=workspace, statement="Debunked water claim", tags=["water"], status=ClaimStatus.DEBUNKED
    )
    ClaimFactory(workspace=workspace, statement="Open power claim", tags=["power"])
    page = get_page(client, analyst, "archive:claims", workspace.slug, status="open", tag="water")
    assert "Open water claim" in page
    assert "Debunked water claim" not in page and "Open power claim" not in page


def test_claims_list_filters_by_text_and_credibility(client, workspace, analyst):
    ClaimFactory(workspace=workspace, statement="Shelling hit the station", credibility=2)
    ClaimFactory(workspace=workspace, statement="Shelling hit the school", credibility=5)
    page = get_page(client, analyst, "archive:claims", workspace.slug, q="shelling", credibility="2")
    assert "Shelling hit the station" in page and "Shelling hit the school" not in page


def test_claims_list_filter_text_longer_than_a_search_is_400_saying_so(client, workspace, analyst):
    # Over 50,000 bytes, SQLite refused the LIKE pattern: a 500.
    ClaimFactory(workspace=workspace, statement="x" * 600)
    client.force_login(analyst)
    url = reverse("archive:claims", args=[workspace.slug])
    response = client.get(url, {"q": "x" * (MAX_QUERY_LENGTH + 1)})
    assert response.status_code == 400
    assert f"use at most {MAX_QUERY_LENGTH} characters" in response.content.decode()
    assert client.get(url, {"q": "x" * MAX_QUERY_LENGTH}).status_code == 200


def test_claims_list_sorts_by_credibility(client, workspace, analyst):
    ClaimFactory(workspace=workspace, statement="Doubtful claim", credibility=4)
    ClaimFactory(workspace=workspace, statement="Confirmed claim", credibility=1)
    page = get_page(client, analyst, "archive:claims", workspace.slug, sort="credibility")
    assert page.index("Confirmed claim") < page.index("Doubtful claim")


@pytest.mark.parametrize(
    ("params", "problem"),
    [
        ({"credibility": "9"}, "Choose a credibility grade from the list."),
        ({"sort": "bogus"}, "Choose an order from the list."),
        ({"status": "drop table"}, "Choose a status from the list."),
        ({"review": "maybe"}, "Choose a review status from the list."),
    ],
)
def test_claims_list_refuses_a_filter_value_not_in_its_list_with_400_saying_so(
    client, workspace, analyst, params, problem
):
    client.force_login(analyst)
    response = client.get(reverse("archive:claims", args=[workspace.slug]), params)
    assert response.status_code == 400
    assert problem in response.content.decode()


def test_claims_csv_refuses_a_filter_value_the_list_refuses(client, workspace, analyst):
    client.force_login(analyst)
    response = client.get(reverse("archive:claims_csv", args=[workspace.slug]), {"sort": "bogus"})
    assert response.status_code == 400


def test_claims_list_takes_an_empty_filter_as_none_chosen(client, workspace, analyst):
    ClaimFactory(workspace=workspace, statement="Still listed")
    page = get_page(client, analyst, "archive:claims", workspace.slug, sort="", credibility="", status="")
    assert "Still listed" in page


def test_claims_list_names_its_sort_orders_in_words(client, workspace, analyst):
    page = get_page(client, analyst, "archive:claims", workspace.slug, sort="most-refuted")
    assert '<option value="most-evidence">Most evidence</option>' in page
    assert '<option value="most-refuted" selected>Most refuted</option>' in page
    assert ">most-evidence<" not in page and ">most-refuted<" not in page


def test_claims_list_shows_only_this_workspaces_claims(client, workspace, analyst):
    ClaimFactory(statement="A claim elsewhere")
    assert "A claim elsewhere" not in get_page(client, analyst, "archive:claims", workspace.slug)


# --- A claim's page -------------------------------------------------------------------


def test_claim_page_groups_evidence_by_stance_with_admiralty_grade_and_link(
    client, workspace, analyst, sources
):
    original, translation, _ = sources
    claim = ClaimFactory(workspace=workspace, credibility=3)
    supporting = EvidenceFactory(passage=PassageFactory(source=translation, start=0), claim=claim)
    EvidenceFactory(passage=PassageFactory(source=original, start=10), claim=claim, stance=Stance.REFUTES)
    page = get_page(client, analyst, "archive:claim", workspace.slug, claim.pk)
    supports, refutes = page.index("evidence-supports"), page.index("evidence-refutes")
    link = (
        reverse("archive:source", args=[workspace.slug, translation.pk]) + f"#passage-{supporting.passage_id}"
    )
    assert supports < page.index(link) < refutes
    assert '">B3</span>' in page[supports:refutes]  # Levant Monitor is B, the claim 3
    assert '">C3</span>' in page[refutes:]


def test_claim_page_says_who_translated_and_captured_each_cited_source_and_its_text_hash(
    client, workspace, analyst, sources
):
    _, translation, _ = sources
    Source.objects.filter(pk=translation.pk).update(translators=["Levant Monitor staff"], captured_by=analyst)
    claim = ClaimFactory(workspace=workspace)
    EvidenceFactory(passage=PassageFactory(source=translation, start=0), claim=claim)
    page = get_page(client, analyst, "archive:claim", workspace.slug, claim.pk)
    translation.refresh_from_db()
    line = page[page.index('class="meta evidence-provenance"') :]
    line = line[: line.index("</p>")]
    assert "Translated by <bdi>Levant Monitor staff</bdi>" in line
    assert f"entered as text by <bdi>{analyst.username}</bdi>" in line
    sha = translation.text_sha256
    shown = f'<span class="hash-short">{sha[:12]}…</span><span class="hash-full">{sha}</span>'
    assert f'title="{sha}">{shown}' in line


def test_claim_page_says_who_wrote_each_cited_source_and_when_it_was_published(
    client, workspace, analyst, sources
):
    _, translation, _ = sources
    Source.objects.filter(pk=translation.pk).update(
        authors=["Samer al-Hourani", "سامر الحوراني"], published_on=datetime.date(2017, 5, 2)
    )
    claim = ClaimFactory(workspace=workspace)
    EvidenceFactory(passage=PassageFactory(source=translation, start=0), claim=claim)
    page = get_page(client, analyst, "archive:claim", workspace.slug, claim.pk)
    line = page[page.index(f'id="evidence-{claim.evidence.get().pk}"') :]
    line = line[: line.index('class="meta evidence-provenance"')]
    assert "· by <bdi>Samer al-Hourani, سامر الحوراني</bdi>" in line
    assert "published May 2, 2017" in line


def test_claim_page_shows_what_the_claim_rests_on_before_its_discussion(client, workspace, analyst, sources):
    claim = ClaimFactory(workspace=workspace)
    EvidenceFactory(passage=PassageFactory(source=sources[1]), claim=claim)
    page = get_page(client, analyst, "archive:claim", workspace.slug, claim.pk)
    assert page.index("What it rests on") < page.index("evidence-supports") < page.index('id="discussion"')


def test_claim_graph_traces_a_claim_to_its_one_original(workspace, sources):
    original, translation, copy = sources
    claim = ClaimFactory(workspace=workspace)
    evidence = [
        EvidenceFactory(passage=PassageFactory(source=copy), claim=claim),
        EvidenceFactory(passage=PassageFactory(source=translation), claim=claim, stance=Stance.REFUTES),
    ]
    graph = build_claim_graph(claim, evidence, source_url=lambda source: f"/s/{source.pk}")
    assert [source.pk for source in graph.originals] == [original.pk]
    # The title isolated (FSI ... PDI), so that a right-to-left one keeps the sentence in order.
    assert "all tracing back to one original: “\u2068Original report\u2069”." in graph.summary
    assert {node.full_text: node.cited for node in graph.nodes if node.kind == "source"} == {
        "Original report": False,
        "Translation": True,
        "Blog copy": True,
    }
    assert sorted(edge.kind for edge in graph.edges) == ["derivation", "derivation", "refutes", "supports"]


def test_claim_graph_places_each_derivative_left_of_what_it_derives_from(workspace, sources):
    copy = sources[2]
    claim = ClaimFactory(workspace=workspace)
    evidence = [EvidenceFactory(passage=PassageFactory(source=copy), claim=claim)]
    graph = build_claim_graph(claim, evidence, source_url=str)
    x = {node.full_text: node.x for node in graph.nodes}
    assert x[claim.statement] < x["Blog copy"] < x["Translation"] < x["Original report"]


def test_claim_graph_counts_independent_originals(workspace):
    claim = ClaimFactory(workspace=workspace)
    evidence = [
        EvidenceFactory(passage=PassageFactory(source=SourceFactory(workspace=workspace)), claim=claim)
        for _ in range(2)
    ]
    graph = build_claim_graph(claim, evidence, source_url=str)
    assert graph.summary.endswith("tracing back to 2 independent originals.")


def test_claim_page_renders_the_graph_as_inline_svg(client, workspace, analyst, sources):
    claim = ClaimFactory(workspace=workspace)
    EvidenceFactory(passage=PassageFactory(source=sources[2]), claim=claim)
    page = get_page(client, analyst, "archive:claim", workspace.slug, claim.pk)
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page
    assert page.count('class="node node-source') == 3
    # The original, not cited itself, links to the cited passage's counterpart in it.
    side_by_side = reverse("archive:source_aligned", args=[workspace.slug, sources[1].pk])
    assert f'<a href="{side_by_side}?mark={sources[1].pk}:' in page


def test_claim_page_of_another_workspace_is_404(client, analyst):
    foreign = ClaimFactory()
    client.force_login(analyst)
    assert client.get(reverse("archive:claim", args=["southern-syria-2017", foreign.pk])).status_code == 404


# --- Creating and editing --------------------------------------------------------------


def test_analyst_creates_a_claim_from_the_list(client, workspace, analyst):
    client.force_login(analyst)
    form = {
        "statement": "The station is out of service.",
        "credibility": "3",
        "tags": "water, ,infrastructure",
    }
    response = client.post(reverse("archive:claim_create", args=[workspace.slug]), form)
    claim = Claim.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/claims/{claim.pk}/")
    assert (claim.credibility, claim.tags, claim.created_by) == (3, ["water", "infrastructure"], analyst)


def test_creating_a_claim_without_a_statement_shows_the_error_and_keeps_input(client, workspace, analyst):
    client.force_login(analyst)
    response = client.post(
        reverse("archive:claim_create", args=[workspace.slug]), {"statement": " ", "tags": "kept-tag"}
    )
    assert response.status_code == 400
    assert "A claim needs a statement." in response.content.decode()
    assert 'value="kept-tag"' in response.content.decode()
    assert not Claim.objects.exists()


def test_a_claim_longer_than_a_statement_is_refused_and_its_text_kept(client, workspace, analyst):
    statement = "The pumping station was hit. " * 40  # 1,160 characters
    client.force_login(analyst)
    response = client.post(reverse("archive:claim_create", args=[workspace.slug]), {"statement": statement})
    assert response.status_code == 400
    page = response.content.decode()
    assert "A claim is one statement of at most 1,000 characters (this has 1159)" in page
    assert statement.strip() in page
    assert not Claim.objects.exists()


def test_opening_the_new_claim_address_goes_to_the_claims_list(client, workspace, analyst):
    # After a refused form, the address bar shows the form's URL: Enter there is a GET.
    client.force_login(analyst)
    response = client.get(reverse("archive:claim_create", args=[workspace.slug]))
    assert response.status_code == 302
    assert response["Location"] == reverse("archive:claims", args=[workspace.slug])


def test_opening_a_claims_edit_address_goes_to_the_claims_page(client, workspace, analyst):
    claim = ClaimFactory(workspace=workspace, created_by=analyst)
    client.force_login(analyst)
    response = client.get(reverse("archive:claim_edit", args=[workspace.slug, claim.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("archive:claim", args=[workspace.slug, claim.pk])


def claim_form(claim, **changes) -> dict:
    return {
        "version": claim.version,
        "statement": claim.statement,
        "credibility": claim.credibility,
        "credibility_reason": "",
        "status": claim.status,
        "tags": ", ".join(claim.tags),
        **changes,
    }


def post_claim_edit(client, user, claim, form: dict | None = None):
    """The claim's edit form posted by `user` (by default unchanged)."""
    client.force_login(user)
    url = reverse("archive:claim_edit", args=[claim.workspace.slug, claim.pk])
    return client.post(url, form if form is not None else claim_form(claim))


def test_author_edits_a_claim(client, workspace, analyst):
    claim = ClaimFactory(workspace=workspace, created_by=analyst)
    response = post_claim_edit(
        client,
        analyst,
        claim,
        claim_form(claim, statement="Sharper statement", status="disputed", reason="new source"),
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.statement, claim.status, claim.version) == ("Sharper statement", "disputed", 2)
    assert claim.history.first().history_change_reason == "new source"


@pytest.mark.parametrize(
    ("status", "said"), [("approved", f"Claim saved. {REOPENED}"), ("draft", "Claim saved.")]
)
def test_saving_a_claim_says_whether_it_went_back_to_the_reviewers(client, workspace, analyst, status, said):
    claim = ClaimFactory(workspace=workspace, created_by=analyst, review_status=status)
    response = post_claim_edit(client, analyst, claim, claim_form(claim, statement="Sharper statement"))
    assert [str(message) for message in get_messages(response.wsgi_request)] == [said]


def test_saving_a_claim_unchanged_makes_no_version_and_says_so(client, workspace, analyst):
    claim = ClaimFactory(workspace=workspace, created_by=analyst)
    response = post_claim_edit(client, analyst, claim)
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.version, claim.history.count()) == (1, 1)
    assert NOTHING_CHANGED in client.get(response.url).content.decode()


def test_later_claim_edit_from_a_stale_version_is_refused_showing_the_others(
    client, workspace, analyst, ws_admin
):
    claim = ClaimFactory(workspace=workspace, created_by=analyst, statement="Original words")
    form = claim_form(claim, statement="Analyst's words")
    edit_item(claim, user=ws_admin, expected_version=1, changes={"statement": "Admin's words"})
    response = post_claim_edit(client, analyst, claim, form)
    page = response.content.decode()
    assert response.status_code == 409
    assert "<bdi>ws-admin</bdi> changed this claim while you were editing" in page
    assert "Admin&#x27;s words" in page and "Analyst&#x27;s words" in page
    assert '<input type="hidden" name="version" value="2">' in page
    claim.refresh_from_db()
    assert claim.statement == "Admin's words"


def test_claim_edit_with_a_bad_credibility_is_refused(client, workspace, analyst):
    claim = ClaimFactory(workspace=workspace, created_by=analyst)
    response = post_claim_edit(client, analyst, claim, claim_form(claim, credibility="9"))
    assert response.status_code == 400 and "from 1 to 6" in response.content.decode()


def test_changing_a_claims_credibility_without_a_reason_is_refused_keeping_the_form(
    client, workspace, analyst
):
    claim = ClaimFactory(workspace=workspace, created_by=analyst, credibility=6)
    response = post_claim_edit(
        client, analyst, claim, claim_form(claim, credibility="2", statement="Kept statement", reason=" ")
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Reason for the change: Say why you change the credibility grade" in page
    assert "Kept statement" in page
    claim.refresh_from_db()
    assert (claim.credibility, claim.version, claim.history.count()) == (6, 1, 1)


def test_claim_edit_shows_every_error_of_the_form_at_once(client, workspace, analyst):
    claim = ClaimFactory(workspace=workspace, created_by=analyst, credibility=6)
    response = post_claim_edit(client, analyst, claim, claim_form(claim, statement="  ", credibility="2"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Statement: A claim needs a statement." in page
    assert "Reason for the change: Say why you change the credibility grade" in page


def alerting_elements(page: str) -> list[str]:
    return re.findall(r'<(\w+)[^>]*\brole="alert"', page)


def test_new_claim_form_errors_are_announced_by_a_wrapper_not_by_the_list(client, workspace, analyst):
    client.force_login(analyst)
    response = client.post(reverse("archive:claim_create", args=[workspace.slug]), {"statement": " "})
    # A list given the alert role no longer is a list to assistive technology (axe: listitem).
    assert not {"ul", "ol"} & set(alerting_elements(response.content.decode()))


def test_claim_edit_form_errors_are_announced_by_a_wrapper_not_by_the_list(client, workspace, analyst):
    claim = ClaimFactory(workspace=workspace, created_by=analyst)
    response = post_claim_edit(client, analyst, claim, claim_form(claim, statement=" "))
    assert not {"ul", "ol"} & set(alerting_elements(response.content.decode()))


def test_changing_a_claims_credibility_with_a_reason_records_it_in_the_history(client, workspace, analyst):
    claim = ClaimFactory(workspace=workspace, created_by=analyst, credibility=6)
    response = post_claim_edit(
        client, analyst, claim, claim_form(claim, credibility="2", reason="two independent witnesses")
    )
    assert response.status_code == 302
    row = claim.history.first()
    assert (row.credibility, row.history_user, row.history_change_reason) == (
        2,
        analyst,
        "two independent witnesses",
    )


def test_editing_a_claim_without_changing_its_credibility_needs_no_reason(client, workspace, analyst):
    claim = ClaimFactory(workspace=workspace, created_by=analyst, credibility=3)
    response = post_claim_edit(
        client, analyst, claim, claim_form(claim, credibility="3", statement="Sharper")
    )
    assert response.status_code == 302


def test_reviewer_cannot_edit_an_analysts_claim(client, workspace, analyst, reviewer):
    claim = ClaimFactory(workspace=workspace, created_by=analyst)
    response = post_claim_edit(client, reviewer, claim)
    assert response.status_code == 403


def test_analyst_cannot_edit_anothers_claim(client, workspace, analyst, ws_admin):
    claim = ClaimFactory(workspace=workspace, created_by=ws_admin)
    response = post_claim_edit(client, analyst, claim)
    assert response.status_code == 403


# --- Search for the claim picker --------------------------------------------------------------


def test_claim_search_finds_claims_of_this_workspace_by_text(client, workspace, analyst):
    wanted = ClaimFactory(workspace=workspace, statement="Water station hit")
    ClaimFactory(workspace=workspace, statement="School hit")
    ClaimFactory(statement="Water elsewhere")
    client.force_login(analyst)
    response = client.get(reverse("archive:claim_search", args=[workspace.slug]), {"q": "water"})
    assert [result["id"] for result in response.json()["results"]] == [wanted.pk]


def test_claim_search_longer_than_a_search_is_400_json_saying_so(client, workspace, analyst):
    client.force_login(analyst)
    url = reverse("archive:claim_search", args=[workspace.slug])
    response = client.get(url, {"q": "x" * 60_000})
    assert response.status_code == 400
    assert f"use at most {MAX_QUERY_LENGTH} characters" in response.json()["error"]


def test_claim_search_without_a_query_gives_the_latest_claims(client, workspace, analyst):
    claims = [ClaimFactory(workspace=workspace) for _ in range(12)]
    client.force_login(analyst)
    results = client.get(reverse("archive:claim_search", args=[workspace.slug])).json()["results"]
    assert [result["id"] for result in results] == [claim.pk for claim in claims[::-1][:10]]


# --- Citing a passage from the claim's page ------------------------------------------


def cite(client, user, claim, **form):
    client.force_login(user)
    return client.post(reverse("archive:claim_cite", args=[claim.workspace.slug, claim.pk]), form)


def flashed(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


def test_a_passage_is_cited_from_the_claims_page_with_its_stance_and_note(client, workspace, analyst, source):
    claim = ClaimFactory(workspace=workspace)
    passage = PassageFactory(source=source)
    response = cite(client, analyst, claim, passage=passage.pk, stance="refutes", note="Dated a week later.")
    evidence = claim.evidence.get()
    assert (evidence.passage, evidence.stance, evidence.note) == (
        passage,
        Stance.REFUTES,
        "Dated a week later.",
    )
    assert (evidence.created_by, evidence.history.get().history_type) == (analyst, "+")
    assert response["Location"].endswith(f"#evidence-{evidence.pk}")
    assert "it refutes the claim" in flashed(response)[0]


def test_citing_without_choosing_a_passage_says_so_and_cites_nothing(client, workspace, analyst):
    claim = ClaimFactory(workspace=workspace)
    response = cite(client, analyst, claim, passage="", stance="supports")
    assert response["Location"].endswith("#cite")
    assert flashed(response) == ["Choose a passage from the list: type some of its words, then pick it."]
    assert not claim.evidence.exists()


def test_citing_a_passage_already_evidence_for_the_claim_says_so(client, workspace, analyst, source):
    evidence = EvidenceFactory(
        claim=ClaimFactory(workspace=workspace), passage=PassageFactory(source=source), stance="refutes"
    )
    response = cite(client, analyst, evidence.claim, passage=evidence.passage.pk, stance="supports")
    assert flashed(response) == ["This passage is already evidence for that claim: it refutes it."]
    assert evidence.claim.evidence.count() == 1


def test_citing_with_a_stance_that_is_none_of_the_three_cites_nothing(client, workspace, analyst, source):
    claim = ClaimFactory(workspace=workspace)
    response = cite(client, analyst, claim, passage=PassageFactory(source=source).pk, stance="maybe")
    assert flashed(response) and "Stance" in flashed(response)[0]
    assert not claim.evidence.exists()


def test_a_passage_of_another_workspace_cannot_be_cited(client, workspace, analyst):
    claim = ClaimFactory(workspace=workspace)
    assert cite(client, analyst, claim, passage=PassageFactory().pk, stance="supports").status_code == 404
    assert not claim.evidence.exists()


def passage_of(workspace, title: str, text: str):
    return PassageFactory(source=SourceFactory(workspace=workspace, title=title, text=text), length=len(text))


def test_the_claims_passage_picker_finds_passages_by_words_or_title_but_not_its_evidence(
    client, workspace, analyst
):
    claim = ClaimFactory(workspace=workspace)
    titled = passage_of(workspace, "Water report", "Pumps idle")
    worded = passage_of(workspace, "Bulletin", "No water today")
    EvidenceFactory(claim=claim, passage=passage_of(workspace, "Notes", "Water cut"))
    passage_of(workspace, "Roads", "Road closed")
    PassageFactory(source=SourceFactory(text="Water elsewhere"))  # another workspace
    client.force_login(analyst)
    url = reverse("archive:claim_passages", args=[workspace.slug, claim.pk])
    results = client.get(url, {"q": "water"}).json()["results"]
    assert [(result["id"], result["source"]) for result in results] == [
        (worded.pk, "Bulletin"),
        (titled.pk, "Water report"),
    ]


def test_the_claims_page_offers_citing_to_contributors_only(client, workspace, analyst, reviewer):
    claim = ClaimFactory(workspace=workspace)
    assert 'id="cite-passage"' in get_page(client, analyst, "archive:claim", workspace.slug, claim.pk)
    assert 'id="cite-passage"' not in get_page(client, reviewer, "archive:claim", workspace.slug, claim.pk)


# --- The list as CSV ----------------------------------------------------------------


def claims_csv(client, user, workspace, **params) -> list[list[str]]:
    client.force_login(user)
    response = client.get(reverse("archive:claims_csv", args=[workspace.slug]), params)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{workspace.slug}-claims.csv"'
    return list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))


def test_the_claims_csv_has_every_claim_the_filters_choose_with_its_evidence_counts(
    client, workspace, reviewer, source
):
    water = ClaimFactory(workspace=workspace, statement="Water cut", tags=["water", "pumps"])
    for start, stance in [(0, Stance.SUPPORTS), (10, Stance.REFUTES), (20, Stance.REFUTES)]:
        EvidenceFactory(passage=PassageFactory(source=source, start=start), claim=water, stance=stance)
    ClaimFactory(workspace=workspace, statement="Road closed", tags=["roads"])
    header, *rows = claims_csv(client, reviewer, workspace, tag="water")
    assert header[:3] == ["id", "statement", "credibility"]
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert (row["statement"], row["tags"]) == ("Water cut", "water|pumps")
    assert (row["supports"], row["refutes"], row["gives_context"]) == ("1", "2", "0")
    assert row["url"] == f"http://testserver{reverse('archive:claim', args=[workspace.slug, water.pk])}"


def test_the_claims_csv_lists_every_page_in_the_lists_order(client, workspace, reviewer):
    claims = [ClaimFactory(workspace=workspace, statement=f"Claim {number:03}") for number in range(60)]
    _, *rows = claims_csv(client, reviewer, workspace, sort="statement")
    assert [row[0] for row in rows] == [str(claim.pk) for claim in claims]


def test_a_claim_typed_as_a_formula_stays_text_in_the_csv(client, workspace, reviewer):
    ClaimFactory(workspace=workspace, statement='=HYPERLINK("http://evil.example","click")')
    _, row = claims_csv(client, reviewer, workspace)
    assert row[1] == '\'=HYPERLINK("http://evil.example","click")'


def test_the_claims_list_links_its_csv_with_its_filters(client, workspace, reviewer):
    ClaimFactory(workspace=workspace, tags=["water"])
    page = get_page(client, reviewer, "archive:claims", workspace.slug, tag="water", sort="oldest")
    assert f'href="{reverse("archive:claims_csv", args=[workspace.slug])}?tag=water&amp;sort=oldest"' in page


def test_the_cite_form_says_passages_already_cited_for_the_claim_are_not_offered(
    client, workspace, analyst, sources
):
    claim = ClaimFactory(workspace=workspace)
    page = get_page(client, analyst, "archive:claim", workspace.slug, claim.pk)
    assert "those already evidence for this claim are not listed" in page


def claim_page_queries(client, user, workspace, *, sources: int) -> int:
    """Queries the claim page makes with one card from each of `sources` recaptured sources."""
    claim = ClaimFactory(workspace=workspace)
    for _ in range(sources):
        source = SourceFactory(workspace=workspace)
        for origin in (VersionOrigin.IMPORT, VersionOrigin.RECAPTURE):
            record_version(source=source, user=user, origin=origin, text=source.text)
        EvidenceFactory(claim=claim, passage=PassageFactory(source=source))
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("archive:claim", args=[workspace.slug, claim.pk])).status_code == 200
    return len(queries)


def test_the_claim_page_finds_the_newest_versions_of_its_sources_without_a_query_per_card(
    client, workspace, analyst
):
    assert claim_page_queries(client, analyst, workspace, sources=3) == claim_page_queries(
        client, analyst, workspace, sources=1
    )


def test_a_refused_evidence_package_says_to_ask_an_admin_to_check_the_history_and_files(
    client, analyst, workspace
):
    claim = ClaimFactory(workspace=workspace)
    Claim.history.filter(id=claim.pk).update(statement="Edited in the database.")  # the chain breaks
    client.force_login(analyst)
    url = reverse("archive:claim_evidence_package", args=[workspace.slug, claim.pk])
    response = client.get(url, HTTP_ACCEPT="text/html")
    assert response.status_code == 409
    [said] = re.findall(r'<p class="error" role="alert">(.*?)</p>', response.content.decode(), flags=re.S)
    assert said.startswith("The evidence package was not built. The workspace&#x27;s history does not verify")
    assert said.endswith(f" {PACKAGE_REFUSED_NEXT}") and "Try again later" not in said
