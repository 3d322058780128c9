"""A count ending a heading or a link says what it counts to a screen reader ("Review queue
2 items waiting"), in the singular for one, not a bare number after the title."""

import re

from django.urls import reverse

from archive.audit.review import submit_for_review
from tests.factories import AnnotationFactory, ClaimFactory, PassageFactory, SourceFactory


def read(html: str, tag: str) -> list[str]:
    """The text of each `tag` element, as a screen reader has it (markup left out)."""
    found = re.findall(rf"<{tag}\b[^>]*>(.*?)</{tag}>", html, flags=re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", each)).strip() for each in found]


def get(client, user, url: str, **params) -> str:
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def submitted_notes(workspace, analyst, count: int) -> list:
    source = SourceFactory(workspace=workspace)
    notes = [
        AnnotationFactory(workspace=workspace, author=analyst, passages=[PassageFactory(source=source)])
        for _ in range(count)
    ]
    for note in notes:
        submit_for_review(note, user=analyst)
    return notes


def queue_url(workspace) -> str:
    return reverse("archive:review_queue", args=[workspace.slug])


def test_the_review_queue_heading_says_its_count_is_of_items_waiting(client, reviewer, analyst, workspace):
    submitted_notes(workspace, analyst, 2)
    html = get(client, reviewer, queue_url(workspace))
    assert read(html, "h1") == ["Review queue 2 items waiting"]


def test_one_item_waiting_is_said_in_the_singular(client, reviewer, analyst, workspace):
    submitted_notes(workspace, analyst, 1)
    html = get(client, reviewer, queue_url(workspace))
    assert read(html, "h1") == ["Review queue 1 item waiting"]


def test_a_filtered_queue_says_its_count_is_of_the_matching_items(client, reviewer, analyst, workspace):
    submitted_notes(workspace, analyst, 2)
    html = get(client, reviewer, queue_url(workspace), kind="annotation")
    assert read(html, "h1") == ["Review queue 2 matching items waiting"]


def test_the_claims_heading_says_how_many_claims_are_listed(client, analyst, workspace):
    ClaimFactory(workspace=workspace)
    html = get(client, analyst, reverse("archive:claims", args=[workspace.slug]))
    assert read(html, "h1") == ["Claims 1 claim listed"]


def test_the_sources_heading_says_how_many_sources_are_listed(client, analyst, workspace):
    SourceFactory(workspace=workspace)
    SourceFactory(workspace=workspace)
    html = get(client, analyst, reverse("archive:workspace", args=[workspace.slug]))
    assert "Sources 2 sources listed" in read(html, "h2")


def test_the_search_counts_say_they_are_of_what_was_found(client, analyst, workspace):
    SourceFactory(workspace=workspace, title="Siege of Daraa", text="The siege lasted a year.")
    html = get(client, analyst, reverse("archive:search"), q="siege")
    assert "Sources 1 found" in read(html, "h2")
    tabs = html.split('aria-label="Kinds of results">', 1)[1].split("</nav>", 1)[0]
    assert read(tabs, "a")[:2] == ["All 1 found", "Sources 1 found"]
