"""Walking a W3C container's pages while it changes: next and prev continue from an item,
last is the last page by name."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import AnnotationFactory, ClaimFactory, EvidenceFactory
from tests.w3c_schemas import page_violations
from tests.w3c_support import analysts_api_client, source_container  # noqa: F401 (fixtures)


@pytest.fixture(autouse=True)
def _pages_of_two(monkeypatch):
    monkeypatch.setattr("archive.w3c.views.PAGE_SIZE", 2)


def annotate(workspace, passage, analyst):
    return AnnotationFactory(workspace=workspace, passages=[passage], author=analyst)


@pytest.fixture
def items(workspace, passage, analyst, url):
    """Three annotations then three pieces of evidence: pages [a1 a2] [a3 e1] [e2 e3]."""
    annotations = [annotate(workspace, passage, analyst) for _ in range(3)]
    evidence = [
        EvidenceFactory(claim=ClaimFactory(workspace=workspace), passage=passage, created_by=analyst)
        for _ in range(3)
    ]
    return [f"{url}annotations/{a.pk}/" for a in annotations] + [f"{url}evidence/{e.pk}/" for e in evidence]


def pk_of(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[1]


def walk(client, url, meanwhile: Callable[[int], object] = lambda step: None) -> list[str]:
    """The ids of the items on every page, following next from the first; `meanwhile(n)`
    runs before the n-th next is followed."""
    page = client.get(f"{url}?page=0").json()
    seen = [item["id"] for item in page["items"]]
    step = 0
    while "next" in page:
        step += 1
        meanwhile(step)
        page = client.get(page["next"]).json()
        seen += [item["id"] for item in page["items"]]
    return seen


def test_walking_next_sees_every_remaining_item_once_when_an_earlier_item_is_deleted(client, url, items):
    def delete_the_first(step):
        if step == 1:
            assert client.delete(items[0]).status_code == 204

    assert walk(client, url, delete_the_first) == items


def test_walking_next_sees_no_item_twice_when_one_is_created_before_the_page(
    client, url, items, workspace, passage, analyst
):
    def annotate_after_two_pages(step):
        if step == 2:
            annotate(workspace, passage, analyst)

    # The new annotation sorts before the evidence the walk has reached: it is not seen.
    assert walk(client, url, annotate_after_two_pages) == items


def test_a_page_reached_by_next_starts_at_its_first_items_position_as_served(client, url, items):
    following = client.get(f"{url}?page=0").json()["next"]
    client.delete(items[0])
    page = client.get(following).json()
    assert [item["id"] for item in page["items"]] == items[2:4]
    assert page["startIndex"] == 1


def test_next_and_prev_name_the_items_they_continue_from(client, url, items):
    page = client.get(f"{url}?page=1").json()
    assert page["next"] == f"{url}?after=evidence-{pk_of(items[3])}"
    assert page["prev"] == f"{url}?before=annotation-{pk_of(items[2])}"


def test_prev_leads_to_the_items_before_the_page_when_an_earlier_item_was_deleted(client, url, items):
    second = client.get(client.get(f"{url}?page=0").json()["next"]).json()
    client.delete(items[0])
    previous = client.get(second["prev"]).json()
    assert [item["id"] for item in previous["items"]] == items[1:2]
    assert (previous["startIndex"], "prev" in previous) == (0, False)


def test_prev_from_a_full_page_before_a_position_links_back_further(client, url, items):
    middle = client.get(f"{url}?before=evidence-{pk_of(items[4])}").json()
    assert [item["id"] for item in middle["items"]] == items[2:4]
    assert [item["id"] for item in client.get(middle["prev"]).json()["items"]] == items[:2]


def test_next_is_absent_on_the_page_after_a_position_holding_the_last_items(client, url, items):
    last = client.get(f"{url}?after=evidence-{pk_of(items[3])}").json()
    assert [item["id"] for item in last["items"]] == items[4:]
    assert "next" not in last


def test_a_page_after_the_last_item_is_empty_and_links_back_to_it(client, url, items):
    page = client.get(f"{url}?after=evidence-{pk_of(items[-1])}").json()
    assert (page["items"], page["startIndex"], "next" in page) == ([], 6, False)
    assert [item["id"] for item in client.get(page["prev"]).json()["items"]] == items[4:]


def test_a_page_before_the_first_item_is_empty_and_links_on_to_the_first_page(client, url, items):
    page = client.get(f"{url}?before=annotation-{pk_of(items[0])}").json()
    assert (page["items"], page["startIndex"], "prev" in page) == ([], 0, False)
    assert page["next"] == f"{url}?page=0"


def test_a_keyset_page_names_itself_as_served(client, url, items):
    response = client.get(f"{url}?after=annotation-0")
    assert response["Content-Location"] == response.json()["id"] == f"{url}?after=annotation-0"


def test_a_keyset_page_keeps_the_container_total_and_etag(client, url, items):
    container = client.get(url)
    page = client.get(f"{url}?before=reply-0")
    assert page.json()["partOf"] == {"id": url, "total": 6}
    assert page["ETag"] == container["ETag"]


def test_pages_of_iris_link_on_to_pages_of_iris(client, url, items):
    page = client.get(client.get(f"{url}?iris=1&page=0").json()["next"]).json()
    assert page["items"] == items[2:4]
    assert page["next"].startswith(f"{url}?iris=1&after=")


@pytest.mark.parametrize("query", ["iris=2&page=0", "iris=0&page=0", "iris=&after=annotation-0", "iris=true"])
def test_an_iris_value_other_than_1_is_refused_by_name(client, url, items, query):
    response = client.get(f"{url}?{query}")
    assert response.status_code == 400, response.content
    assert "Send iris=1" in response.json()["iris"][0]


def test_a_keyset_page_meets_the_w3c_page_musts(client, url, items):
    assert page_violations(client.get(f"{url}?after=annotation-0").json()) == []


@pytest.mark.parametrize(
    "cursor",
    [
        "after=",
        "after=annotation",
        "after=annotation-x",
        "after=passage-1",
        "after=annotation--1",
        "after=annotation-١٢",
        "before=reply-99999999999999999999",
        f"before=reply-{2**63}",
    ],
)
def test_an_invalid_or_tampered_position_is_a_400_saying_so(client, url, items, cursor):
    response = client.get(f"{url}?{cursor}")
    assert response.status_code == 400
    assert "Not a position in this container" in response.json()[cursor.split("=")[0]][0]


def test_a_page_number_and_a_position_together_are_a_400_naming_both(client, url, items):
    response = client.get(f"{url}?page=0&after=annotation-1")
    assert response.status_code == 400
    assert {"page", "after"} <= set(response.json())


def test_a_keyset_page_makes_as_many_queries_in_a_large_container_as_in_a_small_one(
    client, url, workspace, passage, analyst
):
    annotations = [annotate(workspace, passage, analyst) for _ in range(4)]

    def queries_for_a_page() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{url}?after=annotation-{annotations[0].pk}").status_code == 200
        return len(queries)

    small = queries_for_a_page()
    for _ in range(20):
        annotate(workspace, passage, analyst)
    assert queries_for_a_page() == small


def test_last_keeps_its_iri_when_items_are_added_past_a_page(client, url, items, workspace, passage, analyst):
    before = client.get(url).json()["last"]
    annotate(workspace, passage, analyst)
    assert client.get(url).json()["last"] == before == f"{url}?page=last"


def test_the_last_page_is_the_one_a_walk_of_next_ends_on_after_items_are_added(
    client, url, items, workspace, passage, analyst
):
    last = client.get(url).json()["last"]
    annotate(workspace, passage, analyst)
    walked = walk(client, url)
    page = client.get(last).json()
    assert [item["id"] for item in page["items"]] == walked[6:] == [items[-1]]
    assert (page["startIndex"], "next" in page) == (6, False)


def test_the_last_page_names_itself_as_served(client, url, items):
    response = client.get(f"{url}?iris=1&page=last")
    assert response["Content-Location"] == response.json()["id"] == f"{url}?iris=1&page=last"
