"""Long lists a page at a time: the workspace's sources and its claims."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive.models import ClaimStatus
from archive.views.paging import PER_PAGE
from tests.factories import ClaimFactory, EvidenceFactory, OutletFactory, PassageFactory, SourceFactory


def sources_page(client, user, workspace, query: str = ""):
    client.force_login(user)
    return client.get(reverse("archive:workspace", args=[workspace.slug]) + query)


def rows_of(response) -> int:
    return response.content.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0].count("<tr>")


@pytest.fixture
def many_sources(workspace):
    return [SourceFactory(workspace=workspace, title=f"Report {n:03}") for n in range(PER_PAGE + 1)]


def test_the_workspace_page_shows_a_page_of_sources_and_links_to_the_next(
    client, analyst, workspace, many_sources
):
    response = sources_page(client, analyst, workspace)
    page = response.content.decode()
    assert rows_of(response) == PER_PAGE
    assert f"1\u2013{PER_PAGE} of {PER_PAGE + 1}" in page  # an en dash
    assert 'href="?page=2" rel="next"' in page
    assert "Report 050" not in page


def test_the_last_page_holds_the_rest_and_links_back(client, analyst, workspace, many_sources):
    response = sources_page(client, analyst, workspace, "?page=2")
    page = response.content.decode()
    assert rows_of(response) == 1
    assert "Report 050" in page
    assert 'href="?page=1" rel="prev"' in page
    assert 'rel="next"' not in page


@pytest.mark.parametrize("beyond", ["3", "99", "9" * 5000])
def test_a_page_beyond_the_last_shows_the_last(client, analyst, workspace, many_sources, beyond):
    response = sources_page(client, analyst, workspace, f"?page={beyond}")
    assert response.status_code == 200
    assert "Report 050" in response.content.decode()


@pytest.mark.parametrize("page", ["0", "-1", "two", "1.5", "٢", "1e3"])
def test_a_page_that_is_not_a_page_number_is_refused(client, analyst, workspace, page):
    response = sources_page(client, analyst, workspace, f"?page={page}")
    assert response.status_code == 400
    assert "Pages are numbered from 1." in response.content.decode()


def test_each_source_shows_its_own_passage_count(client, analyst, workspace):
    cited = SourceFactory(workspace=workspace, title="A cited report")
    PassageFactory.create_batch(2, source=cited)
    SourceFactory(workspace=workspace, title="B uncited report")
    cells = sources_page(client, analyst, workspace).content.decode().split("<tbody>", 1)[1]
    first, second = cells.split("</tr>")[:2]
    assert "A cited report" in first and first.rstrip().endswith('<td data-label="Passages">2</td>')
    assert "B uncited report" in second and second.rstrip().endswith('<td data-label="Passages">0</td>')


def test_the_sources_page_costs_the_same_queries_however_many_sources(client, analyst, workspace):
    client.force_login(analyst)
    url = reverse("archive:workspace", args=[workspace.slug])
    SourceFactory.create_batch(2, workspace=workspace)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    SourceFactory.create_batch(PER_PAGE, workspace=workspace)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
    [count] = [
        query["sql"] for query in many if 'COUNT(*) AS "__count" FROM "archive_source"' in query["sql"]
    ]
    assert "archive_passage" not in count  # the total is counted without the passages


def test_the_claims_pages_keep_the_filters_and_the_sort(client, analyst, workspace):
    ClaimFactory.create_batch(PER_PAGE + 1, workspace=workspace, status=ClaimStatus.OPEN)
    client.force_login(analyst)
    url = reverse("archive:claims", args=[workspace.slug])
    page = client.get(url, {"status": "open", "sort": "oldest"}).content.decode()
    assert 'href="?status=open&amp;sort=oldest&amp;page=2" rel="next"' in page
    second = client.get(url, {"status": "open", "sort": "oldest", "page": "2"})
    assert rows_of(second) == 1


def test_a_claims_evidence_counts_are_its_own(client, analyst, workspace):
    claim = ClaimFactory(workspace=workspace, statement="Counted")
    source = SourceFactory(workspace=workspace)
    for stance in ("supports", "supports", "refutes"):
        EvidenceFactory(claim=claim, passage=PassageFactory(source=source), stance=stance)
    ClaimFactory(workspace=workspace, statement="Uncounted")
    client.force_login(analyst)
    page = client.get(reverse("archive:claims", args=[workspace.slug]), {"sort": "most-evidence"})
    first = page.content.decode().split("<tbody>", 1)[1].split("</tr>", 1)[0]
    assert "Counted" in first
    counts = [cell.split(">", 1)[1].split("<")[0] for cell in first.split('<td class="count"')[1:]]
    assert counts == ["2", "1", "0"]


def test_the_sources_list_narrows_to_one_outlets_and_keeps_it_across_pages(client, analyst, workspace):
    hawran, other = OutletFactory(workspace=workspace), OutletFactory(workspace=workspace, name="Other")
    SourceFactory.create_batch(PER_PAGE + 1, workspace=workspace, outlet=hawran)
    SourceFactory(workspace=workspace, outlet=other, title="Not from Hawran")
    response = sources_page(client, analyst, workspace, f"?outlet={hawran.pk}")
    page = response.content.decode()
    assert f"1\u2013{PER_PAGE} of {PER_PAGE + 1}" in page
    assert f'href="?outlet={hawran.pk}&amp;page=2" rel="next"' in page
    assert "Not from Hawran" not in page


def test_the_sources_list_narrows_to_titles_containing_words(client, analyst, workspace):
    SourceFactory(workspace=workspace, title="Why Aleppo Fell")
    SourceFactory(workspace=workspace, title="Daraa withstood")
    response = sources_page(client, analyst, workspace, "?q=aleppo")
    assert rows_of(response) == 1
    assert "Why Aleppo Fell" in response.content.decode()


@pytest.mark.parametrize("outlet", ["abc", "-1", "9" * 30])
def test_an_outlet_that_is_not_one_of_the_list_is_refused(client, analyst, workspace, outlet):
    response = sources_page(client, analyst, workspace, f"?outlet={outlet}")
    assert response.status_code == 400


def test_the_outlet_list_links_to_each_outlets_sources(client, analyst, workspace):
    outlet = OutletFactory(workspace=workspace)
    SourceFactory(workspace=workspace, outlet=outlet)
    client.force_login(analyst)
    page = client.get(reverse("archive:outlets", args=[workspace.slug])).content.decode()
    assert f'href="{reverse("archive:workspace", args=[workspace.slug])}?outlet={outlet.pk}"' in page
