"""Admins correct a source's record in the app, with a reason the history keeps."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from archive.core.editing import NOTHING_CHANGED
from archive.models import HistoryEntry
from archive.sources.writes import RECORD_REASON_REQUIRED, edit_source
from tests.factories import OutletFactory, SourceFactory
from tests.support import api_client_for, etag_of, field_errors, record_form


def test_an_admin_corrects_title_authors_and_outlet_with_a_reason(client, ws_admin, workspace):
    source = SourceFactory(workspace=workspace, title="Why Aleppo Fell - It's Over 9000!")
    outlet = OutletFactory(workspace=workspace, name="Baladi News")
    client.force_login(ws_admin)
    url = reverse("archive:source_edit", args=[workspace.slug, source.pk])
    data = record_form(source, title="Why Aleppo Fell", authors="Turki Mostafa", outlet=outlet.pk)
    assert client.post(url, data).status_code == 302
    source.refresh_from_db()
    assert (source.title, source.authors, source.outlet) == ("Why Aleppo Fell", ["Turki Mostafa"], outlet)
    entry = HistoryEntry.objects.filter(model="source", object_id=source.pk).latest("sequence")
    assert (entry.user, entry.reason) == (ws_admin, "checked against the page")


def test_saving_a_sources_record_unchanged_makes_no_version_and_says_so(client, ws_admin, workspace):
    source = SourceFactory(workspace=workspace)
    client.force_login(ws_admin)
    response = client.post(
        reverse("archive:source_edit", args=[workspace.slug, source.pk]), record_form(source)
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert (source.version, source.history.count()) == (1, 1)
    assert NOTHING_CHANGED in client.get(response.url).content.decode()


def test_a_correction_needs_a_reason(client, ws_admin, workspace):
    source = SourceFactory(workspace=workspace, title="Old")
    client.force_login(ws_admin)
    url = reverse("archive:source_edit", args=[workspace.slug, source.pk])
    assert client.post(url, record_form(source, title="New", reason="")).status_code == 400
    source.refresh_from_db()
    assert source.title == "Old"


def test_a_correction_from_a_stale_page_is_refused(client, ws_admin, workspace):
    source = SourceFactory(workspace=workspace, title="Old")
    client.force_login(ws_admin)
    url = reverse("archive:source_edit", args=[workspace.slug, source.pk])
    stale = record_form(source, title="Mine")
    assert client.post(url, record_form(source, title="Theirs")).status_code == 302
    assert client.post(url, stale).status_code == 409
    source.refresh_from_db()
    assert source.title == "Theirs"


def test_the_reading_page_links_admins_to_the_correction(client, ws_admin, analyst, workspace):
    source = SourceFactory(workspace=workspace)
    url = reverse("archive:source_edit", args=[workspace.slug, source.pk])
    page = reverse("archive:source", args=[workspace.slug, source.pk])
    client.force_login(ws_admin)
    assert url in client.get(page).content.decode()
    client.force_login(analyst)
    assert url not in client.get(page).content.decode()


@pytest.mark.parametrize("authors", [7, "Turki Mostafa", [7], [""], ["x" * 201]])
def test_authors_other_than_a_list_of_names_are_refused_whoever_sends_them(ws_admin, workspace, authors):
    source = SourceFactory(workspace=workspace, authors=["Turki Mostafa"])
    with pytest.raises(ValidationError, match="list of at most 100 names"):
        edit_source(source, user=ws_admin, expected_version=None, changes={"authors": authors}, reason="Typo")
    source.refresh_from_db()
    assert (source.authors, source.version) == (["Turki Mostafa"], 1)


def test_an_api_correction_of_a_sources_record_without_a_reason_is_refused_and_changes_nothing(
    ws_admin, workspace
):
    source = SourceFactory(workspace=workspace, title="Zaytoun station")
    client, url = api_client_for(ws_admin), f"/api/sources/{source.pk}/"
    response = client.patch(
        url, {"title": "Zaytoun pumping station"}, format="json", HTTP_IF_MATCH=etag_of(client, url)
    )
    assert response.status_code == 400
    assert field_errors(response.json()) == {"reason": [RECORD_REASON_REQUIRED]}
    source.refresh_from_db()
    assert (source.title, source.version) == ("Zaytoun station", 1)


def test_an_api_correction_of_a_sources_record_keeps_its_reason(ws_admin, workspace):
    source = SourceFactory(workspace=workspace, title="Zaytoun station")
    client, url = api_client_for(ws_admin), f"/api/sources/{source.pk}/"
    response = client.patch(
        url,
        {"title": "Zaytoun pumping station", "reason": "The outlet's corrected headline"},
        format="json",
        HTTP_IF_MATCH=etag_of(client, url),
    )
    assert response.status_code == 200
    assert source.history.latest("history_id").history_change_reason == "The outlet's corrected headline"


def test_the_record_page_leads_back_to_the_reading_page(client, ws_admin, workspace):
    source = SourceFactory(workspace=workspace)
    client.force_login(ws_admin)
    page = client.get(reverse("archive:source_edit", args=[workspace.slug, source.pk])).content.decode()
    assert f'class="crumbs"><a href="{reverse("archive:source", args=[workspace.slug, source.pk])}"' in page
