"""How each version came in, as the pages and exports say it: only a version that was fetched
is "captured from" an address, the address it was fetched from; a text typed or pasted with
an address says it comes from there, not fetched; an address edited since is not a capture's."""

import csv
import io

import pytest
from django.urls import reverse
from prov.model import ProvDocument

from archive.models import Source
from archive.monitoring.recapture import recapture
from archive.sources.writes import edit_source
from tests.pages import capture_source, cite
from tests.support import api_client_for

MOVED = "https://moved.example/news/aleppo-daraa"


def paragraphs(corpus_text: str) -> list[str]:
    return [line for line in corpus_text.splitlines() if len(line) > 80][:6]


def corpus_page(corpus_text: str) -> str:
    body = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs(corpus_text))
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Why Aleppo Fell</title></head>'
        f"<body><article><h1>Why Aleppo Fell and Daraa Withstood</h1>{body}</article></body></html>"
    )


def page_of(client, user, name: str, source: Source) -> str:
    client.force_login(user)
    return client.get(reverse(f"archive:{name}", args=[source.workspace.slug, source.pk])).content.decode()


@pytest.fixture
def typed(live_site, workspace, analyst, corpus_text):
    """The article's text sent through the API with the address of a page that serves it."""
    url = live_site.serve("/aleppo-daraa", corpus_page(corpus_text))
    response = api_client_for(analyst).post(
        "/api/sources/",
        {
            "workspace": workspace.slug,
            "title": "Why Aleppo Fell and Daraa Withstood",
            "text": "\n\n".join(paragraphs(corpus_text)),
            "language": "en",
            "original_url": url,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return Source.objects.get(pk=response.json()["id"])


@pytest.fixture
def typed_then_fetched(typed, analyst):
    assert recapture(source_id=typed.pk, by=analyst).version.number == 2
    return typed


@pytest.fixture
def captured(live_site, workspace, analyst, corpus_text):
    url = live_site.serve("/aleppo-daraa", corpus_page(corpus_text))
    return capture_source(url, workspace=workspace, user=analyst)


def test_versions_page_says_a_typed_text_was_entered_and_not_fetched(client, analyst, typed_then_fetched):
    source = typed_then_fetched
    page = page_of(client, analyst, "source_versions", source)
    assert "Captured from" not in page and "first capture" not in page
    version_1 = page[page.index(">Version 1<") :]
    assert version_1.startswith(">Version 1</a>\n    · entered as text <time")
    assert (
        f'(says it comes from <span class="url"><bdi>{source.original_url}</bdi></span>; not fetched)'
        in (version_1[: version_1.index("</li>")])
    )


def test_versions_page_calls_the_first_fetch_after_a_typed_text_a_first_fetch(
    client, analyst, typed_then_fetched
):
    source = typed_then_fetched
    page = page_of(client, analyst, "source_versions", source)
    version_2 = page[page.index(">Version 2<") : page.index(">Version 1<")]
    assert (
        f'first fetch, captured from <span class="url"><bdi>{source.original_url}</bdi></span>' in version_2
    )
    assert "changes from version 1, which was not fetched</a>" in version_2
    assert "recapture" not in version_2


def test_provenance_page_does_not_call_a_typed_text_a_first_capture(client, analyst, typed_then_fetched):
    page = page_of(client, analyst, "source_provenance", typed_then_fetched)
    assert "First capture" not in page
    assert "<dt>Came in as</dt><dd>entered as text, not fetched</dd>" in page
    assert "Version 1: entered as text <time" in page
    assert "Version 2: first fetch, captured from" in page


def test_a_pasted_text_given_an_address_says_it_was_pasted_not_captured(client, analyst, ws_admin, workspace):
    client.force_login(analyst)
    proposed = client.post(reverse("archive:import", args=[workspace.slug]), {"text": "The pumps stopped."})
    token = proposed.content.decode().split('name="token" value="')[1].split('"')[0]
    confirmed = {"token": token, "title": "Pumps", "language": "en", "direction": "ltr"}
    client.post(reverse("archive:import_confirm", args=[workspace.slug]), confirmed)
    source = edit_source(
        Source.objects.get(),
        user=ws_admin,
        expected_version=None,
        changes={"original_url": MOVED},
        reason="the analyst found where it was posted",
    )
    page = page_of(client, analyst, "source_versions", source)
    assert "Captured from" not in page
    assert f'Stated address: <span class="url"><bdi>{MOVED}</bdi></span> (not fetched)' in page
    assert "pasted as text <time" in page
    assert f'(says it comes from <span class="url"><bdi>{MOVED}</bdi></span>; not fetched)' in page


def test_an_edited_address_is_not_shown_as_where_a_capture_came_from(
    client, analyst, ws_admin, live_site, captured
):
    fetched = captured.capture.final_url
    source = edit_source(
        captured, user=ws_admin, expected_version=None, changes={"original_url": MOVED}, reason="it moved"
    )
    page = page_of(client, analyst, "source_versions", source)
    assert f'from <span class="url"><bdi>{MOVED}' not in page
    assert (
        f'Stated address: <span class="url"><bdi>{MOVED}</bdi></span> (not an address its captures fetched)'
        in (page)
    )
    assert f'captured from <span class="url"><bdi>{fetched}</bdi></span>' in page


def test_versions_page_says_which_address_a_recapture_fetches_once_the_address_was_edited(
    client, analyst, ws_admin, live_site, captured
):
    fetched = captured.capture.final_url
    edit_source(
        captured, user=ws_admin, expected_version=None, changes={"original_url": MOVED}, reason="moved"
    )
    page = page_of(client, analyst, "source_versions", captured)
    assert (
        f'A recapture fetches <span class="url"><bdi>{fetched}</bdi></span>: the address its first capture '
        "asked for, not the stated address." in page
    )
    live_site.hits.clear()
    recapture(source_id=captured.pk, by=ws_admin)
    assert live_site.hits == ["/aleppo-daraa"]


def csv_rows(client, user, workspace) -> dict[str, dict[str, str]]:
    client.force_login(user)
    response = client.get(reverse("archive:sources_csv", args=[workspace.slug]))
    rows = csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig")))
    return {row["id"]: row for row in rows}


def test_sources_csv_tells_a_typed_text_from_a_capture(client, analyst, workspace, typed, ws_admin):
    fetched = capture_source(typed.original_url, workspace=workspace, user=analyst)
    rows = csv_rows(client, analyst, workspace)
    assert (rows[str(typed.pk)]["came_in"], rows[str(typed.pk)]["fetched_url"]) == ("typed", "")
    assert rows[str(typed.pk)]["original_url"] == typed.original_url
    assert (rows[str(fetched.pk)]["came_in"], rows[str(fetched.pk)]["fetched_url"]) == (
        "captured",
        typed.original_url,
    )


def test_sources_csv_gives_the_address_a_first_fetch_came_from(
    client, analyst, workspace, typed_then_fetched
):
    row = csv_rows(client, analyst, workspace)[str(typed_then_fetched.pk)]
    assert (row["came_in"], row["fetched_url"]) == ("captured", typed_then_fetched.original_url)


def prov_records(client, user, source) -> dict[str, object]:
    client.force_login(user)
    response = client.get(reverse("archive:source_prov_json", args=[source.workspace.slug, source.pk]))
    document = ProvDocument.deserialize(content=response.content, format="json")
    return {record.identifier.localpart: record for record in document.get_records() if record.is_element()}


def test_prov_gives_a_typed_texts_address_as_a_claim_not_a_location(client, analyst, typed):
    records = prov_records(client, analyst, typed)
    entity, importing = records[f"source-{typed.pk}"], records[f"import-{typed.pk}"]
    assert entity.get_attribute("prov:location") == set()
    assert {str(url) for url in entity.get_attribute("warrant:claimedUrl")} == {typed.original_url}
    assert {str(kind.localpart) for kind in importing.get_attribute("prov:type")} == {"typed"}
    assert (
        str(importing.get_attribute("prov:label").pop()) == "entered as text by " + typed.captured_by.username
    )


def test_prov_locates_a_first_fetch_where_it_was_fetched(client, analyst, typed_then_fetched):
    source = typed_then_fetched
    records = prov_records(client, analyst, source)
    version = source.versions.get(number=2)
    fetching = records[f"recapture-{version.pk}"]
    assert {str(url) for url in fetching.get_attribute("prov:location")} == {source.original_url}
    assert str(fetching.get_attribute("prov:label").pop()) == "first fetch: version 2"
    assert {str(url) for url in records[f"source-{source.pk}"].get_attribute("prov:location")} == {
        source.original_url
    }


def test_prov_keeps_an_edited_address_as_a_claim_beside_the_captured_location(
    client, analyst, ws_admin, captured
):
    fetched = captured.capture.final_url
    edit_source(
        captured, user=ws_admin, expected_version=None, changes={"original_url": MOVED}, reason="moved"
    )
    entity = prov_records(client, analyst, captured)[f"source-{captured.pk}"]
    assert {str(url) for url in entity.get_attribute("prov:location")} == {fetched}
    assert {str(url) for url in entity.get_attribute("warrant:claimedUrl")} == {MOVED}


def test_api_says_a_text_it_was_sent_was_typed_not_fetched(live_site, workspace, analyst):
    response = api_client_for(analyst).post(
        "/api/sources/",
        {
            "workspace": workspace.slug,
            "title": "Pumps",
            "text": "The pumps stopped.",
            "language": "en",
            "original_url": live_site.serve("/pumps", "<p>The pumps stopped.</p>"),
        },
        format="json",
    )
    assert (response.json()["came_in"], response.json()["fetched_url"]) == ("typed", "")


def test_api_gives_the_address_a_first_fetch_came_from(analyst, typed_then_fetched):
    source = api_client_for(analyst).get(f"/api/sources/{typed_then_fetched.pk}/").json()
    assert (source["came_in"], source["fetched_url"]) == ("captured", typed_then_fetched.original_url)


def test_claim_page_says_evidence_comes_from_a_typed_text_first_fetched_later(
    client, analyst, typed_then_fetched, corpus_text
):
    evidence = cite(typed_then_fetched, analyst, paragraphs(corpus_text)[0][:60], "Aleppo fell")
    client.force_login(analyst)
    page = client.get(reverse("archive:claim", args=[typed_then_fetched.workspace.slug, evidence.claim_id]))
    line = page.content.decode().split('class="meta evidence-provenance">')[1].split("</p>")[0]
    assert line.startswith(f"entered as text by <bdi>{analyst.username}</bdi>")
    assert "; version 2 (first fetch), <time" in line
