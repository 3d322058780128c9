"""One capture, one instant, one version string: a captured source, its version, its
capture and its WARC record share the time its response arrived; after a recapture,
the current original comes with its own capture time; exports name Warrant's version."""

import datetime
import io
import json
import tomllib
import zipfile
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from warcio.archiveiterator import ArchiveIterator

import archive
from archive.backups.archive import export_workspace
from archive.claims import add_evidence
from archive.claims.claims import create_claim
from archive.findings.package import evidence_package
from archive.models import Capture, SourceVersion
from archive.monitoring.recapture import recapture
from archive.passages.correction import correct_source_text
from archive.passages.writes import create_passage
from tests.pages import AFTER, BEFORE, article, capture_source
from tests.support import api_client_for
from tests.test_sources_csv import rows_of, sources_csv


@pytest.fixture
def page(live_site, workspace, analyst):
    """A page captured as a source: (its URL, the source)."""
    url = live_site.serve("/why-aleppo-fell", article(BEFORE))
    return url, capture_source(url, workspace=workspace, user=analyst)


@pytest.fixture
def recaptured(live_site, page, ws_admin):
    """The page captured, then changed and captured again: (the source, version 1, version 2)."""
    _, source = page
    live_site.serve("/why-aleppo-fell", article(AFTER))
    recapture(source_id=source.pk, by=ws_admin)
    source.refresh_from_db()
    first, second = SourceVersion.objects.filter(source=source).order_by("number")
    return source, first, second


def final_response_date(warc_name: str, url: str) -> datetime.datetime:
    with default_storage.open(warc_name, "rb") as warc:
        [date] = [
            record.rec_headers.get_header("WARC-Date")
            for record in ArchiveIterator(warc)
            if record.rec_type == "response" and record.rec_headers.get_header("WARC-Target-URI") == url
        ]
    return datetime.datetime.fromisoformat(date)


def api_time(value: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(value)


def test_a_capture_s_source_version_record_and_warc_share_one_instant(page):
    url, source = page
    version = SourceVersion.objects.get(source=source)
    capture = Capture.objects.get(source=source)
    assert source.captured_at == version.captured_at == capture.fetched_at
    assert final_response_date(version.warc.name, url) == source.captured_at


def test_a_recapture_s_version_is_dated_as_its_warc_record(page, recaptured):
    url, _ = page
    _, _, second = recaptured
    assert final_response_date(second.warc.name, url) == second.captured_at


def test_the_api_pairs_the_current_original_with_its_own_capture_time(recaptured, analyst):
    source, first, second = recaptured
    data = api_client_for(analyst).get(reverse("api:source-detail", kwargs={"pk": source.pk})).json()
    assert api_time(data["captured_at"]) == first.captured_at
    assert data["original_sha256"] == second.original_sha256
    assert api_time(data["original_captured_at"]) == second.captured_at


def test_the_api_list_gives_each_source_its_original_s_capture_time(recaptured, analyst):
    source, _, second = recaptured
    [item] = api_client_for(analyst).get(reverse("api:source-list")).json()["results"]
    assert (item["id"], api_time(item["original_captured_at"])) == (source.pk, second.captured_at)


def test_a_source_created_through_the_api_gives_its_original_s_capture_time(analyst, workspace):
    response = api_client_for(analyst).post(
        reverse("api:source-list"),
        {"workspace": workspace.slug, "title": "Typed", "text": "Typed in.", "language": "en"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["original_captured_at"] == response.json()["captured_at"]


def test_the_openapi_schema_documents_the_original_s_capture_time(client):
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    field = schema["components"]["schemas"]["SourceOut"]["properties"]["original_captured_at"]
    assert "original_sha256" in field["description"]


def test_a_text_correction_keeps_the_original_s_capture_time(recaptured, ws_admin, analyst):
    source, _, second = recaptured
    correct_source_text(source=source, user=ws_admin, new_text=source.text + " Corrected.", reason="typo")
    data = api_client_for(analyst).get(reverse("api:source-detail", kwargs={"pk": source.pk})).json()
    assert api_time(data["original_captured_at"]) == second.captured_at


def test_the_sources_csv_pairs_the_current_original_with_its_own_capture_time(
    recaptured, client, analyst, workspace
):
    _, first, second = recaptured
    [row] = rows_of(sources_csv(client, analyst, workspace))
    assert row["captured_at"] == first.captured_at.isoformat()
    assert row["original_sha256"] == second.original_sha256
    assert row["original_captured_at"] == second.captured_at.isoformat()


def package_files(source, user) -> dict[str, bytes]:
    start = source.text.index(AFTER[0])
    passage = create_passage(source=source, user=user, start=start, end=start + len(AFTER[0]))
    claim = create_claim(workspace=source.workspace, user=user, statement="The city was divided")
    add_evidence(claim=claim, passage=passage, user=user, stance="supports")
    data = evidence_package(claim, base_uri="https://warrant.example/", user=None).data
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {
            Path(name).name if name.endswith(".txt") else name: package.read(name)
            for name in package.namelist()
        }


def test_the_evidence_package_pairs_the_current_original_with_its_own_capture_time(recaptured, analyst):
    source, _, second = recaptured
    files = package_files(source, analyst)
    [record] = json.loads(next(data for name, data in files.items() if name.endswith("data/sources.json")))
    assert record["original_sha256"] == second.original_sha256
    assert api_time(record["original_captured_at"]) == second.captured_at


def test_the_evidence_package_s_bag_info_names_warrant_and_its_version(page, analyst):
    _, source = page
    bag_info = package_files(source, analyst)["bag-info.txt"].decode()
    assert f"Bag-Software-Agent: Warrant/{archive.__version__}\n" in bag_info


def test_the_workspace_export_s_manifest_names_warrant_and_its_version(workspace, tmp_path):
    export_workspace(workspace=workspace, directory=tmp_path / "export")
    manifest = json.loads((tmp_path / "export" / "manifest.json").read_text())
    assert manifest["software"] == f"Warrant/{archive.__version__}"


def test_the_project_s_version_is_read_from_the_app_s_one_version_string():
    project = tomllib.loads((Path(archive.__file__).parents[1] / "pyproject.toml").read_text())
    assert "version" not in project["project"] and project["project"]["dynamic"] == ["version"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "archive.__version__"}
