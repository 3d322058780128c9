"""The search page and the header search box."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive.search.query import MAX_QUERY_LENGTH
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    EvidenceFactory,
    OutletFactory,
    PassageFactory,
    SourceFactory,
)

URL = reverse("archive:search")


def page(client, user, status=200, **params) -> str:
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == status
    return response.content.decode()


def test_signed_out_visitors_are_sent_to_log_in(client):
    response = client.get(URL, {"q": "siege"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_every_page_has_the_search_box_in_its_header(client, analyst):
    client.force_login(analyst)
    header = client.get(reverse("archive:home")).content.decode()
    assert f'action="{URL}"' in header and 'id="site-search-q"' in header


def test_results_are_grouped_by_kind_with_counts_and_marks(client, analyst, workspace):
    SourceFactory(workspace=workspace, title="Siege of Daraa", text="The siege lasted a year.")
    ClaimFactory(workspace=workspace, statement="The siege lasted a year.")
    html = page(client, analyst, q="siege")
    assert re.search(r'Sources <span class="count"[^>]*>1<', html)
    assert re.search(r'Claims <span class="count"[^>]*>1<', html)
    assert "<mark>Siege</mark> of Daraa" in html and "The <mark>siege</mark> lasted" in html


def test_a_claim_found_by_an_evidence_note_is_shown_with_the_note_named_as_such(client, analyst, workspace):
    source = SourceFactory(workspace=workspace, text="The Castello road was cut.")
    claim = ClaimFactory(workspace=workspace, statement="The road was cut.")
    EvidenceFactory(
        claim=claim, passage=PassageFactory(source=source, length=8), note="Satellite imagery agrees."
    )
    html = page(client, analyst, q="satellite")
    assert (
        '<span class="snippet-from">Evidence note:</span> <bdi dir="auto"><mark>Satellite</mark> imagery'
        in html
    )


def test_a_kind_page_has_pagination(client, analyst, workspace):
    for number in range(21):
        SourceFactory(workspace=workspace, title=f"report {number}", text="The siege.")
    html = page(client, analyst, q="siege", kind="source")
    assert "Page 1 of 2" in html and "kind=source" in html and "page=2" in html


def test_an_unsearchable_query_gets_a_message_not_an_error(client, analyst):
    html = page(client, analyst, status=400, q="-siege")
    assert "at least one word or phrase" in html


def test_an_unsearchable_query_marks_its_field_invalid_and_described_by_the_message(client, analyst):
    html = page(client, analyst, status=400, q="-siege")
    field = re.search(r'<input[^>]*\bname="q"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field
    described_by = re.search(r'aria-describedby="([^"]+)"', field).group(1)
    message = re.search(rf'<p[^>]*\bid="{described_by}"[^>]*>([^<]*)</p>', html).group(1)
    assert message.startswith("Give at least one word or phrase to search for")


def test_a_bad_date_gets_a_message_not_an_error(client, analyst):
    html = page(client, analyst, status=400, q="siege", date_from="2017-13-45")
    assert "Enter a valid date." in html


def test_dates_in_the_wrong_order_get_a_message(client, analyst):
    html = page(client, analyst, status=400, q="siege", date_from="2017-12-01", date_to="2017-01-01")
    assert "The start date is after the end date." in html


def test_a_workspace_the_user_is_not_in_is_not_a_choice(client, outsider, workspace):
    html = page(client, outsider, status=400, q="siege", workspace=workspace.slug)
    assert "Select a valid choice" in html and workspace.name not in html


def test_a_query_over_the_limit_is_refused_with_400_and_says_why(client, analyst):
    html = page(client, analyst, status=400, q="x" * (MAX_QUERY_LENGTH + 1))
    assert f"The search is too long: use at most {MAX_QUERY_LENGTH} characters." in html


def test_an_unknown_kind_is_refused_with_400_naming_it(client, analyst):
    html = page(client, analyst, status=400, q="siege", kind="bogus")
    assert "There is no kind of result called “bogus”." in html


def test_a_page_beyond_the_last_shows_the_last_page(client, analyst, workspace):
    for number in range(21):
        SourceFactory(workspace=workspace, title=f"report {number}", text="The siege.")
    html = page(client, analyst, q="siege", kind="source", page=999)
    assert "Page 2 of 2" in html and "page=1" in html and "No more" not in html
    assert html.count('<li class="hit ') == 1


def test_a_page_beyond_the_last_of_every_kind_at_once_shows_the_first_of_each(client, analyst, workspace):
    source = SourceFactory(workspace=workspace, title="Water report", text="The water station stopped.")
    AnnotationFactory(workspace=workspace, passages=[PassageFactory(source=source)], body="Water again.")
    html = page(client, analyst, q="water", page=2)
    assert "No more" not in html
    assert "<mark>Water</mark> report" in html and "<mark>Water</mark> again." in html


def test_the_link_to_every_hit_of_a_kind_counts_them_in_words(client, analyst, workspace):
    for number in range(6):
        SourceFactory(workspace=workspace, title=f"report {number}", text="The siege.")
    assert "All 6 sources →" in page(client, analyst, q="siege")


def test_a_passage_hit_shows_its_quote_not_its_offsets(client, analyst, workspace):
    source = SourceFactory(workspace=workspace, title="Report", text="Roads near the siege were cut.")
    passage = PassageFactory(source=source, start=15, length=5)
    AnnotationFactory(workspace=workspace, passages=[passage], body="Noted.")
    html = page(client, analyst, q="siege", kind="passage")
    assert "<q><mark>siege</mark></q>" in html
    assert f"{passage.start}\u2013{passage.end}" not in html


def test_a_page_number_too_large_for_the_database_shows_the_last_page(client, analyst, workspace):
    SourceFactory(workspace=workspace, title="report", text="The siege.")
    html = page(client, analyst, q="siege", kind="source", page="9" * 25)
    assert html.count('<li class="hit ') == 1


def test_or_alone_says_it_needs_words_on_both_sides(client, analyst):
    html = page(client, analyst, status=400, q="OR")
    assert "OR needs a word or phrase on each side" in html


@pytest.mark.parametrize("q", ["aleppo OR", "OR aleppo", "aleppo OR OR", "aleppo OR 🙂", "aleppo OR -daraa"])
def test_or_without_a_word_on_one_side_is_refused_with_400_saying_why(client, analyst, q):
    html = page(client, analyst, status=400, q=q)
    assert "OR needs a word or phrase on each side" in html and "Here " in html


def test_a_lower_case_or_gets_a_hint_to_write_it_in_capitals(client, analyst, workspace):
    html = page(client, analyst, q="aleppo or daraa", kind="source")
    assert (
        f'Did you mean <a href="{URL}?kind=source&amp;q=aleppo+OR+daraa" dir="auto">aleppo OR daraa</a>?'
        in html
        and "Write OR in capitals to find either word" in html
    )


def test_the_page_says_what_the_dates_filter(client, analyst):
    html = page(client, analyst)
    assert (
        '<p class="hint" id="search-dates-help">Dates are when a source was published: '
        "for passages and annotations, the date of their source; "
        "for claims, of any source their evidence quotes" in html
    )
    assert html.count('aria-describedby="search-dates-help"') == 2


def test_nothing_found_says_so(client, analyst, workspace):
    html = page(client, analyst, q="nightingale")
    assert "Nothing in your workspaces matches" in html


def test_an_outsider_sees_no_counts_of_others_matches(client, outsider, workspace):
    SourceFactory(workspace=workspace, title="Siege of Daraa", text="The siege lasted a year.")
    html = page(client, outsider, q="siege")
    assert re.search(r'All <span class="count"[^>]*>0<', html) and "Siege of Daraa" not in html


def test_the_page_has_no_inline_script_or_style(client, analyst, workspace):
    SourceFactory(workspace=workspace, text="The siege.")
    html = page(client, analyst, q="siege")
    assert (
        "<script>" not in html
        and "<style" not in html
        and " style=" not in html
        and " on" + "click" not in html
    )


def matches_of_every_kind(workspace, author, number: int) -> None:
    for _ in range(number):
        source = SourceFactory(workspace=workspace, text="The siege lasted a year.")
        passage = PassageFactory(source=source, start=4, length=5)
        AnnotationFactory(workspace=workspace, passages=[passage], body="The siege again.", author=author)
        ClaimFactory(workspace=workspace, statement="The siege lasted a year.")


def statements(client, user, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        page(client, user, **params)
    return len(queries)


def test_the_page_runs_as_many_statements_for_many_hits_as_for_one(client, analyst, workspace):
    matches_of_every_kind(workspace, analyst, 1)
    page(client, analyst, q="siege")  # the first request of a session reads more
    one = statements(client, analyst, q="siege"), statements(client, analyst, q="siege", kind="passage")
    matches_of_every_kind(workspace, analyst, 4)
    assert (
        statements(client, analyst, q="siege"),
        statements(client, analyst, q="siege", kind="passage"),
    ) == one


def test_hits_show_their_outlet_author_passage_and_tags(client, analyst, workspace):
    outlet = OutletFactory(workspace=workspace, name="Enab Baladi", reliability="B")
    source = SourceFactory(
        workspace=workspace, title="Siege report", outlet=outlet, text="The siege lasted a year."
    )
    passage = PassageFactory(source=source, start=4, length=5)
    AnnotationFactory(
        workspace=workspace, passages=[passage], body="The siege again.", author=analyst, tags=["Supply"]
    )
    html = page(client, analyst, q="siege")
    assert (
        'Enab Baladi <span class="grade-said"><span class="grade">B</span> · usually reliable</span>' in html
    )
    assert "· passage · exact" in html
    assert f"by {analyst.username}" in html and '<span class="tag" dir="auto">Supply</span>' in html
    assert f'href="/w/{workspace.slug}/sources/{source.pk}/#passage-{passage.pk}"' in html
