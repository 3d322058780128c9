"""The address of an original that is not archived is checked as an address to capture is
(archive.sources.importing.capture.check_address: http(s), no user name or password, a valid
port, no internal address) on every way in: the domain, the API, the derivation page, a
capture and the capture command; never fetched, so a host gone offline keeps its address."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from archive.models import Derivation, Job, Source, UnarchivedOriginal
from archive.sources.writes import create_source, edit_source, set_derivation
from tests.factories import SourceFactory
from tests.support import api_client_for, field_errors
from tests.test_unarchived_original import derivation_form
from tests.websites import capturable

CREDENTIALS = "https://reader:secret@baladi-news.example/ar/2017/water"
REFUSED = [
    (CREDENTIALS, "Remove the user name and password from the address"),
    ("ftp://baladi-news.example/ar/2017/water.txt", "Only http and https addresses"),
    ("http://baladi-news.example:99999/ar/2017/water", "has an invalid port"),
    ("http://10.1.2.3/ar/2017/water", "the archive does not capture internal addresses"),
]
IDS = ["credentials", "ftp", "port", "internal"]


@pytest.fixture
def translation(workspace):
    return SourceFactory(workspace=workspace, title="Water station out of service", language="en")


def describe(source, user, url: str) -> Source:
    return set_derivation(
        source=source,
        user=user,
        derived_from=None,
        unarchived_original=UnarchivedOriginal(title="Report", url=url),
        derivation=Derivation.TRANSLATION,
        reason="the Arabic page is offline",
    )


@pytest.mark.parametrize(("url", "says"), REFUSED, ids=IDS)
def test_the_domain_refuses_an_unarchived_originals_address_no_capture_could_take(
    translation, ws_admin, url, says
):
    with pytest.raises(ValidationError) as refused:
        describe(translation, ws_admin, url)
    assert says in refused.value.message_dict["unarchived_url"][0]
    translation.refresh_from_db()
    assert translation.unarchived_original is None


def test_a_new_source_is_refused_an_unarchived_original_with_a_password_in_its_address(workspace, analyst):
    with pytest.raises(ValidationError) as refused:
        create_source(
            workspace=workspace,
            user=analyst,
            title="Water station out of service",
            text="The station stopped on Tuesday.",
            language="en",
            derivation=Derivation.TRANSLATION,
            unarchived_original=UnarchivedOriginal(url=CREDENTIALS),
        )
    assert "Remove the user name and password" in refused.value.message_dict["unarchived_url"][0]
    assert not Source.objects.exists()


def test_an_offline_originals_address_is_kept_without_looking_its_host_up(translation, ws_admin):
    described = describe(translation, ws_admin, "https://baladi-news.invalid/ar/2017/water")
    assert Source.objects.get(pk=described.pk).unarchived_url == "https://baladi-news.invalid/ar/2017/water"


def test_an_address_stored_before_the_rule_does_not_stop_an_edit_of_the_other_fields(translation, ws_admin):
    described = describe(translation, ws_admin, "https://baladi-news.example/ar/2017/water")
    Source.objects.filter(pk=described.pk).update(unarchived_url=CREDENTIALS)
    described.refresh_from_db()
    edited = edit_source(
        described,
        user=ws_admin,
        expected_version=described.version,
        changes={"title": "Retitled"},
        reason="typo",
    )
    assert (edited.title, edited.unarchived_url) == ("Retitled", CREDENTIALS)


def test_the_api_refuses_an_unarchived_originals_address_with_a_password_by_its_name(translation, ws_admin):
    client, url = api_client_for(ws_admin), f"/api/sources/{translation.pk}/"
    body = {"derivation": "translation", "unarchived_original": {"url": CREDENTIALS}, "reason": "x"}
    response = client.patch(url, body, format="json", HTTP_IF_MATCH=client.get(url)["ETag"])
    assert response.status_code == 400
    [message] = field_errors(response.json())["unarchived_original"]["url"]
    assert "Remove the user name and password" in message
    assert Source.objects.get(pk=translation.pk).unarchived_original is None


def test_the_api_refuses_a_new_source_whose_unarchived_original_is_on_an_internal_address(workspace, analyst):
    body = {
        "workspace": workspace.slug,
        "title": "Water station out of service",
        "text": "The station stopped on Tuesday.",
        "language": "en",
        "derivation": "translation",
        "unarchived_original": {"url": "http://192.168.1.10/report"},
    }
    response = api_client_for(analyst).post("/api/sources/", body, format="json")
    assert response.status_code == 400
    assert "internal addresses" in field_errors(response.json())["unarchived_original"]["url"][0]
    assert not Source.objects.exists()


def test_the_derivation_page_refuses_an_unarchived_originals_address_with_a_password(
    client, ws_admin, translation
):
    client.force_login(ws_admin)
    url = reverse("archive:source_derivation", args=[translation.workspace.slug, translation.pk])
    form = derivation_form(translation, derivation="translation", unarchived_url=CREDENTIALS)
    response = client.post(url, form)
    assert response.status_code == 400
    assert "Remove the user name and password" in response.content.decode()
    assert Source.objects.get(pk=translation.pk).unarchived_original is None


def test_a_capture_naming_an_unarchived_original_with_a_password_is_refused_without_a_job(
    settings, client, analyst, workspace
):
    with capturable(settings) as site:
        client.force_login(analyst)
        fields = {"url": f"{site.url}/article", "derivation": "translation", "unarchived_url": CREDENTIALS}
        response = client.post(reverse("archive:import", args=[workspace.slug]), fields)
        assert response.status_code == 400
        assert "Remove the user name and password" in response.content.decode()
        assert (Job.objects.exists(), site.paths) == (False, [])


def test_the_capture_command_refuses_an_unarchived_originals_address_with_a_password(settings, workspace):
    with capturable(settings) as site:
        options = ["--derivation", "translation", "--unarchived-url", CREDENTIALS]
        with pytest.raises(CommandError, match=r"--unarchived-url: Remove the user name and password"):
            call_command(
                "capture",
                f"{site.url}/article",
                "--workspace",
                workspace.slug,
                *options,
                stdout=io.StringIO(),
            )
        assert site.paths == []
