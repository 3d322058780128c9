"""Analysis of Competing Hypotheses on the demo: three hypotheses, six evidence
items, two analysts; every score below is computed by hand from the ratings in
load_demo (DEMO_ACH_RATINGS, DEMO_ACH_SECOND_OPINION)."""

import csv
import io
import re

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from archive.findings import ach
from archive.models import Claim, Consistency, HistoryEntry, Membership, Passage, Question, Rating, Role
from tests.factories import ClaimFactory, MembershipFactory, UserFactory

# Cell means (C +1, N 0, I -1, NA not counted), rows E1..E6, columns shelling, power, maintenance:
#   E1  1, -1,   -1     E2  1, -0.5, -1     E3  1, 0, 0
#   E4  0,  0,    0     E5  0,  0.5, (NA)   E6  1, -1, -1
DIAGNOSTICITY = [2.0, 2.0, 1.0, 0.0, 0.5, 2.0]
# Share of inconsistent ratings per cell, summed down each column.
INCONSISTENCY = {"shelling": 0.0, "power": 1 + 0.5 + 1, "maintenance": 1 + 1 + 1}


@pytest.fixture
def question(db) -> Question:
    call_command("load_demo", stdout=io.StringIO())
    return Question.objects.get()


def by_name(found: ach.Matrix) -> dict[str, float]:
    names = {"Shelling": "shelling", "A power": "power", "The station": "maintenance"}
    return {
        next(
            short for start, short in names.items() if h.claim.statement.startswith(start)
        ): found.inconsistency[h.pk]
        for h in found.hypotheses
    }


def test_the_demo_matrix_has_three_hypotheses_and_six_items(question):
    found = ach.matrix(question)
    assert (len(found.hypotheses), len(found.rows)) == (3, 6)


def test_diagnosticity_is_the_spread_of_each_items_cell_means(question):
    assert [row.diagnosticity for row in ach.matrix(question).rows] == DIAGNOSTICITY


def test_inconsistency_sums_the_inconsistent_shares_of_each_hypothesis(question):
    assert by_name(ach.matrix(question)) == INCONSISTENCY


def test_hypotheses_are_listed_least_inconsistent_first(question):
    found = ach.matrix(question)
    assert [found.inconsistency[h.pk] for h in found.hypotheses] == [0.0, 2.5, 3.0]
    assert found.hypotheses[0].claim.statement.startswith("Shelling")


def test_cells_where_the_analysts_differ_are_flagged(question):
    found = ach.matrix(question)
    flagged = [(found.rows.index(row), found.hypotheses.index(h)) for row, h in found.disagreements]
    assert flagged == [(1, 1), (4, 1)]  # E2 and E5 against the power cut


def test_weighting_by_grades_scales_each_items_share(question):
    # Outlets: translation B (0.85), original C (0.7); credibility 2 (0.85), 3 (0.7), 6 (0.5).
    weights = [0.85 * 0.85, 0.85 * 0.85, 0.85 * 0.7, 0.85 * 0.5, 0.85 * 0.7, 0.7 * 0.85]
    found = ach.matrix(question, weighted=True)
    assert [row.weight for row in found.rows] == pytest.approx(weights)
    expected = {
        "shelling": 0.0,
        "power": weights[0] + 0.5 * weights[1] + weights[5],
        "maintenance": weights[0] + weights[1] + weights[5],
    }
    assert by_name(found) == pytest.approx(expected)


def test_a_changed_rating_is_recorded_in_the_history(question):
    rating = Rating.objects.filter(item__question=question, value=Consistency.NEUTRAL).first()
    ach.rate(
        item=rating.item, hypothesis=rating.hypothesis, user=rating.analyst, value=Consistency.CONSISTENT
    )
    entry = HistoryEntry.objects.filter(model="rating", object_id=rating.pk).latest("sequence")
    assert (entry.action, entry.user_id) == ("changed", rating.analyst_id)


def test_an_item_and_a_hypothesis_of_different_questions_cannot_be_rated(question):
    other = ach.create_question(workspace=question.workspace, user=None, text="Another question?")
    hypothesis = ach.add_hypothesis(question=other, user=None, statement="Something else.")
    with pytest.raises(ValidationError):
        ach.rate(item=question.evidence_items.first(), hypothesis=hypothesis, user=None, value="C")


def test_the_matrix_page_lets_an_analyst_rate_every_cell(client, question):
    analyst = Membership.objects.get(workspace=question.workspace, role=Role.ANALYST).user
    client.force_login(analyst)
    page = client.get(reverse("archive:question", args=[question.workspace.slug, question.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and html.count('<select id="cell-') == 18
    assert html.count('<label class="visually-hidden" for="cell-') == 18  # each select has its label


def matrix_page(client, question) -> str:
    """The question's matrix page, as the demo's analyst sees it."""
    client.force_login(Membership.objects.get(workspace=question.workspace, role=Role.ANALYST).user)
    return client.get(
        reverse("archive:question", args=[question.workspace.slug, question.pk])
    ).content.decode()


def test_the_matrix_says_each_rating_in_words_and_which_evidence_each_select_rates(client, question):
    html = matrix_page(client, question)
    spoken = re.findall(r': (C|I|N|NA)<span class="visually-hidden"> \(([a-z ]+)\)</span>', html)
    assert spoken and set(spoken) <= {
        ("C", "consistent"),
        ("I", "inconsistent"),
        ("N", "neutral"),
        ("NA", "not applicable"),
    }
    labels = re.findall(
        r'<label class="visually-hidden" for="cell-[^"]+">Your rating of “([^”]+)” against', html
    )
    assert len(labels) == 18 and len(set(labels)) == 6  # each of the six items, against each hypothesis


def test_posting_the_form_saves_the_analysts_ratings(client, question):
    analyst = Membership.objects.get(workspace=question.workspace, role=Role.ANALYST).user
    client.force_login(analyst)
    item, hypothesis = question.evidence_items.first(), question.hypotheses.last()
    url = reverse("archive:question_ratings", args=[question.workspace.slug, question.pk])
    assert client.post(url, {f"cell-{item.pk}-{hypothesis.pk}": "N"}).status_code == 302
    assert Rating.objects.get(item=item, hypothesis=hypothesis, analyst=analyst).value == "N"


def test_the_csv_export_has_the_matrix_and_its_scores(client, question):
    client.force_login(Membership.objects.filter(workspace=question.workspace).first().user)
    response = client.get(reverse("archive:question_csv", args=[question.workspace.slug, question.pk]))
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert len(rows) == 1 + 6 + 1
    assert [float(value) for value in rows[-1][7:]] == [0.0, 2.5, 3.0]
    assert [float(row[5]) for row in rows[1:-1]] == DIAGNOSTICITY


def take_out(client, question, what: str, reason: str = "A duplicate of another hypothesis."):
    analyst = Membership.objects.get(workspace=question.workspace, role=Role.ANALYST).user
    client.force_login(analyst)
    url = reverse("archive:question_take_out", args=[question.workspace.slug, question.pk])
    return client.post(url, {"what": what, "reason": reason})


def test_a_hypothesis_taken_out_leaves_the_matrix_with_its_ratings(client, question):
    hypothesis = question.hypotheses.get(claim__statement__startswith="A power")
    take_out(client, question, f"hypothesis-{hypothesis.pk}")
    found = ach.matrix(question)
    assert len(found.hypotheses) == 2 and hypothesis.pk not in found.inconsistency
    assert not Rating.objects.filter(hypothesis_id=hypothesis.pk).exists()
    assert Claim.objects.filter(pk=hypothesis.claim_id).exists()  # the claim stays
    last = type(hypothesis).history.filter(id=hypothesis.pk).first()
    assert (last.history_type, last.history_change_reason) == ("-", "A duplicate of another hypothesis.")


def test_an_evidence_item_taken_out_leaves_the_rows(client, question):
    item = question.evidence_items.first()
    take_out(client, question, f"item-{item.pk}", reason="Weighed twice.")
    assert len(ach.matrix(question).rows) == 5
    assert not question.evidence_items.filter(pk=item.pk).exists()


@pytest.mark.parametrize("what", ["", "hypothesis-", "claim-1", "item-x", "hypothesis-99999999999"])
def test_taking_out_something_that_is_not_in_the_question_changes_nothing(client, question, what):
    response = take_out(client, question, what)
    assert response.status_code in (302, 404)
    assert (question.hypotheses.count(), question.evidence_items.count()) == (3, 6)


def test_taking_out_needs_a_reason(client, question):
    hypothesis = question.hypotheses.first()
    take_out(client, question, f"hypothesis-{hypothesis.pk}", reason="  ")
    assert question.hypotheses.filter(pk=hypothesis.pk).exists()


def passages_found(client, question, query: str) -> list[str]:
    client.force_login(Membership.objects.filter(workspace=question.workspace).first().user)
    url = reverse("archive:question_passages", args=[question.workspace.slug, question.pk])
    return [found["exact"] for found in client.get(url, {"q": query}).json()["results"]]


def test_the_passage_picker_finds_evidence_not_yet_weighed_by_its_words(client, question):
    weighed = {item.passage.exact for item in question.evidence_items.select_related("passage")}
    cited = set(Passage.objects.filter(evidence__isnull=False).values_list("exact", flat=True))
    found = passages_found(client, question, "")
    assert found and set(found) <= cited - weighed
    word = sorted(cited - weighed)[0].split()[1]
    assert all(word.lower() in exact.lower() for exact in passages_found(client, question, word))


def test_the_passage_picker_finds_evidence_by_its_sources_title(client, question):
    title = Passage.objects.filter(evidence__isnull=False).first().source.title
    found = passages_found(client, question, title[:12])
    assert found
    assert passages_found(client, question, "no source is called this") == []


def test_the_passage_picker_refuses_a_query_too_long_to_search(client, question):
    client.force_login(Membership.objects.filter(workspace=question.workspace).first().user)
    url = reverse("archive:question_passages", args=[question.workspace.slug, question.pk])
    assert client.get(url, {"q": "x" * 60_000}).status_code == 400


def test_a_question_is_deleted_with_its_analysis_and_the_claims_stay(client, question):
    author = question.created_by or Membership.objects.get(workspace=question.workspace, role=Role.ADMIN).user
    client.force_login(author)
    url = reverse("archive:question_delete", args=[question.workspace.slug, question.pk])
    page = client.get(url).content.decode()
    assert "<li>3 hypotheses</li>" in page and "<li>6 evidence items</li>" in page
    claims = set(question.hypotheses.values_list("claim", flat=True))
    response = client.post(url, {"version": question.version, "reason": "Asked twice."})
    assert response["Location"] == reverse("archive:questions", args=[question.workspace.slug])
    assert not Question.objects.filter(pk=question.pk).exists()
    assert not Rating.objects.exists()
    assert set(Claim.objects.filter(pk__in=claims).values_list("pk", flat=True)) == claims


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def demo_member(question, role: str):
    return Membership.objects.get(workspace=question.workspace, role=role).user


@pytest.fixture
def second_analyst(question):
    """An analyst of the demo workspace who added none of its analysis."""
    return MembershipFactory(
        workspace=question.workspace, role=Role.ANALYST, user=UserFactory(username="second-analyst")
    ).user


@pytest.mark.parametrize("kind", ["hypothesis", "item"])
def test_an_analyst_cannot_take_out_what_another_added(client, question, second_analyst, kind):
    what = question.hypotheses.first() if kind == "hypothesis" else question.evidence_items.first()
    ratings = Rating.objects.count()
    client.force_login(second_analyst)
    url = reverse("archive:question_take_out", args=[question.workspace.slug, question.pk])
    response = client.post(url, {"what": f"{kind}-{what.pk}", "reason": "Not mine, but in the way."})
    assert response.status_code == 403
    assert (question.hypotheses.count(), question.evidence_items.count()) == (3, 6)
    assert Rating.objects.count() == ratings


def test_take_out_refuses_another_analysts_work_whoever_calls_it(question, second_analyst):
    hypothesis = question.hypotheses.first()
    with pytest.raises(PermissionDenied):
        ach.take_out(hypothesis, user=second_analyst, reason="Not mine.")
    assert question.hypotheses.filter(pk=hypothesis.pk).exists()


def test_an_admin_can_take_out_what_an_analyst_added(question):
    item = question.evidence_items.first()
    ach.take_out(item, user=demo_member(question, Role.ADMIN), reason="Weighed twice.")
    assert not question.evidence_items.filter(pk=item.pk).exists()


def test_the_page_offers_to_take_out_only_what_one_added(client, question, second_analyst):
    ach.add_hypothesis(question=question, user=second_analyst, statement="Sabotage stopped the pumps.")
    client.force_login(second_analyst)
    html = client.get(
        reverse("archive:question", args=[question.workspace.slug, question.pk])
    ).content.decode()
    assert html.count('<option value="hypothesis-') == 1 and '<option value="item-' not in html


def test_choosing_no_rating_withdraws_ones_rating(client, question):
    analyst = demo_member(question, Role.ANALYST)
    rating = Rating.objects.filter(item__question=question, analyst=analyst).first()
    client.force_login(analyst)
    url = reverse("archive:question_ratings", args=[question.workspace.slug, question.pk])
    response = client.post(url, {f"cell-{rating.item_id}-{rating.hypothesis_id}": ""})
    assert not Rating.objects.filter(pk=rating.pk).exists()
    assert said(response) == ["0 ratings saved, 1 withdrawn."]


def test_a_withdrawn_rating_is_recorded_in_the_history(question):
    rating = Rating.objects.filter(item__question=question).first()
    assert ach.withdraw_rating(item=rating.item, hypothesis=rating.hypothesis, user=rating.analyst)
    entry = HistoryEntry.objects.filter(model="rating", object_id=rating.pk).latest("sequence")
    assert (entry.action, entry.user_id) == ("deleted", rating.analyst_id)


def test_a_typed_statement_of_an_existing_claim_is_that_claim(question):
    claim = ClaimFactory(workspace=question.workspace, statement="The dam burst upstream.")
    claims = Claim.objects.count()
    added = ach.add_hypothesis(question=question, user=None, statement="  the DAM burst upstream. ")
    assert added.claim == claim and Claim.objects.count() == claims


def test_typing_the_statement_of_a_hypothesis_already_there_is_refused(question):
    statement = question.hypotheses.first().claim.statement
    claims = Claim.objects.count()
    with pytest.raises(ValidationError) as refused:
        ach.add_hypothesis(question=question, user=None, statement=statement.upper())
    assert refused.value.code == "duplicate"
    assert (question.hypotheses.count(), Claim.objects.count()) == (3, claims)


def test_adding_evidence_says_so(client, question):
    passage = (
        Passage.objects.filter(evidence__isnull=False).exclude(evidence_items__question=question).first()
    )
    client.force_login(demo_member(question, Role.ANALYST))
    url = reverse("archive:question_evidence", args=[question.workspace.slug, question.pk])
    response = client.post(url, {"passage": passage.pk, "credibility": "3"})
    assert said(response) == [f"Added the evidence \u2068{passage.exact[:140]}\u2069."]


def test_the_matrix_shows_an_items_note(client, question):
    question.evidence_items.filter(pk=question.evidence_items.first().pk).update(note="Seen by one witness.")
    client.force_login(demo_member(question, Role.REVIEWER))
    html = client.get(
        reverse("archive:question", args=[question.workspace.slug, question.pk])
    ).content.decode()
    assert "Seen by one witness." in html


def test_the_csv_export_has_each_items_note(client, question):
    question.evidence_items.filter(pk=question.evidence_items.first().pk).update(note="Seen by one witness.")
    client.force_login(demo_member(question, Role.REVIEWER))
    response = client.get(reverse("archive:question_csv", args=[question.workspace.slug, question.pk]))
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert rows[0][6] == "note" and rows[1][6] == "Seen by one witness."


def test_a_reviewer_starting_an_analysis_gets_the_refusal_page(client, question):
    client.force_login(demo_member(question, Role.REVIEWER))
    response = client.post(reverse("archive:questions", args=[question.workspace.slug]), {"text": "Why?"})
    assert response.status_code == 403 and "403.html" in [t.name for t in response.templates]
    assert "Your role cannot start an analysis." in response.content.decode()
    assert Question.objects.count() == 1


def test_the_matrix_says_what_grade_and_diagnosticity_mean_on_the_page(client, question):
    html = matrix_page(client, question)
    [help_text] = re.findall(r'<p class="meta" id="matrix-help">(.*?)</p>', html, re.S)
    assert "Diagnosticity: how differently the item rates across the hypotheses" in help_text
    assert "Grade: the outlet's reliability" in help_text
    assert '<th scope="col">Diagnosticity</th>' in html and '<th scope="col">Grade</th>' in html
