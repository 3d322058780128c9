"""An outlet's language is stored in BCP 47's canonical case ("EN-gb" is "en-GB"), as a
source's is, on every way in: the domain, the API, the outlet form and the admin."""

import pytest
from django.urls import reverse

from archive.models import Outlet
from archive.sources.outlets import create_outlet, edit_outlet
from tests.factories import OutletFactory
from tests.support import api_client_for


@pytest.mark.parametrize(
    ("given", "stored"), [("EN", "en"), ("en-gb", "en-GB"), ("ZH-hant", "zh-Hant"), ("es-419", "es-419")]
)
def test_the_domain_stores_a_new_outlets_language_in_bcp47s_case(ws_admin, workspace, given, stored):
    outlet = create_outlet(workspace=workspace, user=ws_admin, name="Hawran Voice", language=given)
    assert Outlet.objects.get(pk=outlet.pk).language == stored


def test_an_outlets_language_edited_in_another_case_is_stored_in_bcp47s_case(ws_admin, workspace):
    outlet = OutletFactory(workspace=workspace, language="ar")
    edit_outlet(outlet, user=ws_admin, expected_version=outlet.version, changes={"language": "AR-sy"})
    assert Outlet.objects.get(pk=outlet.pk).language == "ar-SY"


def test_the_same_language_sent_in_another_case_is_no_change(ws_admin, workspace):
    outlet = OutletFactory(workspace=workspace, language="en-GB")
    edit_outlet(outlet, user=ws_admin, expected_version=outlet.version, changes={"language": "EN-gb"})
    assert Outlet.objects.get(pk=outlet.pk).version == 1


def test_the_api_stores_and_answers_an_outlets_language_in_bcp47s_case(ws_admin, workspace):
    response = api_client_for(ws_admin).post(
        "/api/outlets/",
        {"workspace": workspace.slug, "name": "Hawran Voice", "language": "EN-gb"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert (response.json()["language"], Outlet.objects.get().language) == ("en-GB", "en-GB")


def test_an_outlets_language_patched_through_the_api_is_stored_in_bcp47s_case(ws_admin, workspace):
    outlet = OutletFactory(workspace=workspace, language="ar")
    client, url = api_client_for(ws_admin), f"/api/outlets/{outlet.pk}/"
    response = client.patch(url, {"language": "AR-sy"}, format="json", HTTP_IF_MATCH=client.get(url)["ETag"])
    assert response.status_code == 200, response.content
    assert (response.json()["language"], Outlet.objects.get().language) == ("ar-SY", "ar-SY")


def test_the_outlet_form_stores_the_language_in_bcp47s_case(client, ws_admin, workspace):
    client.force_login(ws_admin)
    url = reverse("archive:outlet_create", args=[workspace.slug])
    response = client.post(url, {"name": "Hawran Voice", "language": "EN-gb"})
    assert response.status_code == 302
    assert Outlet.objects.get().language == "en-GB"


def test_the_admin_stores_an_outlets_language_in_bcp47s_case(client, superuser, workspace):
    client.force_login(superuser)
    form = {"workspace": workspace.pk, "name": "Hawran Voice", "language": "EN-gb", "reliability": "F"}
    response = client.post(reverse("admin:archive_outlet_add"), {**form, "change_reason": "new"})
    assert response.status_code == 302
    assert Outlet.objects.get().language == "en-GB"
