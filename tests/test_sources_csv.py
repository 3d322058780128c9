"""A workspace's sources as CSV: every source the list's filters choose, with
who published and captured it and the hashes of its original and its text."""

import csv
import io

import pytest
from django.urls import reverse

from archive.core.text import sha256_hex
from tests.factories import OutletFactory, PassageFactory, SourceFactory


def sources_csv(client, user, workspace, **params):
    client.force_login(user)
    return client.get(reverse("archive:sources_csv", args=[workspace.slug]), params)


def rows_of(response) -> list[dict[str, str]]:
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))


def test_each_source_comes_with_its_outlet_capture_and_hashes(client, analyst, workspace):
    outlet = OutletFactory(workspace=workspace, name="Hawran Voice", reliability="C")
    source = SourceFactory(workspace=workspace, outlet=outlet, text="The pumps stopped.", captured_by=analyst)
    PassageFactory(source=source)
    (row,) = rows_of(sources_csv(client, analyst, workspace))
    assert (row["outlet"], row["outlet_reliability"], row["captured_by"]) == (
        "Hawran Voice",
        "C",
        analyst.username,
    )
    assert row["text_sha256"] == sha256_hex(b"The pumps stopped.") == source.text_sha256
    assert (row["passages"], row["captured_at"]) == ("1", source.captured_at.isoformat())
    assert row["url"] == f"http://testserver{reverse('archive:source', args=[workspace.slug, source.pk])}"


def test_the_sources_csv_keeps_the_lists_filters_and_order(client, analyst, workspace):
    outlet = OutletFactory(workspace=workspace)
    for title in ["Water report B", "Water report A", "Roads"]:
        SourceFactory(workspace=workspace, outlet=outlet, title=title)
    SourceFactory(workspace=workspace, title="Water report C")  # another outlet
    rows = rows_of(sources_csv(client, analyst, workspace, q="water", outlet=outlet.pk))
    assert [row["title"] for row in rows] == ["Water report A", "Water report B"]


def test_the_csv_starts_with_one_byte_order_mark_so_excel_reads_arabic_as_utf8(client, analyst, workspace):
    for title in ["انقطاع المياه في درعا", "Roads"]:
        SourceFactory(workspace=workspace, title=title)
    body = sources_csv(client, analyst, workspace).getvalue()
    assert body.startswith(b"\xef\xbb\xbf") and body.count(b"\xef\xbb\xbf") == 1
    rows = csv.DictReader(io.StringIO(body.decode("utf-8-sig")))
    assert {row["title"] for row in rows} == {"انقطاع المياه في درعا", "Roads"}


@pytest.mark.parametrize("params", [{"outlet": "abc"}, {"q": "x" * 600}])
def test_a_filter_the_list_refuses_is_refused_for_the_csv_too(client, analyst, workspace, params):
    assert sources_csv(client, analyst, workspace, **params).status_code == 400


def test_the_sources_list_links_its_csv_with_its_filters(client, analyst, workspace):
    SourceFactory(workspace=workspace, title="Water report")
    client.force_login(analyst)
    page = client.get(reverse("archive:workspace", args=[workspace.slug]), {"q": "water"}).content.decode()
    assert f'href="{reverse("archive:sources_csv", args=[workspace.slug])}?q=water"' in page
    assert "Download the 1 source found as CSV" in page
