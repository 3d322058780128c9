"""Refusals in the browser come in the app's own layout, and /api/ says where things are."""

import io
import logging
import logging.config
import re

import pytest
from django.conf import settings
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.views.defaults import server_error

from archive.models import Membership, Role
from archive.workspaces import admins_to_ask, remove_member, set_role
from config import settings as production
from tests.factories import AnnotationFactory, MembershipFactory, SourceFactory, UserFactory


def test_a_missing_page_is_shown_in_the_apps_layout(client, analyst, workspace):
    client.force_login(analyst)
    response = client.get(f"/w/{workspace.slug}/sources/999999/")
    html = response.content.decode()
    assert response.status_code == 404
    assert '<header class="site-header">' in html and "<h1>Not found</h1>" in html


def test_a_refused_page_says_why_in_the_apps_layout(client, reviewer, workspace):
    client.force_login(reviewer)
    response = client.get(reverse("archive:import", args=[workspace.slug]))
    html = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Not allowed</h1>" in html and "cannot add or change highlights, notes, claims" in html


def test_a_pages_script_refused_for_its_role_gets_why_in_json(client, reviewer, workspace):
    annotation = AnnotationFactory(workspace=workspace)
    client.force_login(reviewer)
    url = reverse("archive:annotation", args=[workspace.slug, annotation.pk])
    response = client.patch(url, '{"body": "edited"}', content_type="application/json")
    assert response.status_code == 403 and "cannot add or change highlights" in response.json()["error"]


def test_a_pages_script_asking_for_what_is_not_there_gets_a_404_in_json(client, analyst, workspace):
    client.force_login(analyst)
    response = client.get(f"/w/{workspace.slug}/sources/999999/", HTTP_ACCEPT="application/json")
    assert response.json() == {"error": "Not found."}


def test_a_browser_refused_still_gets_the_page(client, reviewer, workspace):
    client.force_login(reviewer)
    response = client.get(reverse("archive:import", args=[workspace.slug]), HTTP_ACCEPT="text/html,*/*;q=0.8")
    assert response["Content-Type"].startswith("text/html")


def test_the_server_error_page_needs_no_request_context(db):
    response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500 and "Something went wrong" in html and "app.css" in html


def test_a_host_not_served_here_is_refused_with_400_not_a_server_error(client, analyst):
    # The request cannot even say its host: the page must not need it.
    client.force_login(analyst)
    response = client.get("/", HTTP_HOST="elsewhere.example")
    assert response.status_code == 400 and "<h1>Not accepted</h1>" in response.content.decode()


def test_a_form_with_too_many_fields_is_refused_in_the_apps_style(client, analyst, workspace):
    client.force_login(analyst)
    fields = "&".join(f"f{number}=1" for number in range(1200))
    url = reverse("archive:claim_create", args=[workspace.slug])
    response = client.post(url, fields, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and "larger than this server takes" in response.content.decode()


def test_the_api_root_lists_its_entry_points_and_docs(client):
    body = client.get("/api/").json()
    assert body["docs"].endswith("/api/docs/") and body["resources"]["claims"].endswith("/api/claims/")
    assert set(body["resources"]) == {
        "workspaces", "outlets", "sources", "passages", "annotations", "claims", "evidence"
    }  # fmt: skip


def test_every_page_links_to_the_api_docs(client, analyst, workspace):
    client.force_login(analyst)
    SourceFactory(workspace=workspace)
    assert (
        reverse("api:docs")
        in client.get(reverse("archive:workspace", args=[workspace.slug])).content.decode()
    )


def test_a_refusal_is_logged_as_one_line_without_a_traceback(client, analyst, workspace, caplog):
    client.force_login(analyst)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(reverse("archive:activity_csv", args=[workspace.slug]))
    assert response.status_code == 403
    [record] = [record for record in caplog.records if record.name == "django.request"]
    assert record.getMessage().startswith("Forbidden") and record.exc_info is None
    assert "Traceback" not in caplog.text


@pytest.fixture
def production_log():
    """What the log holds as settings.LOGGING configures it outside the tests."""
    logging.config.dictConfig(production.LOGGING)
    written = io.StringIO()
    for handler in logging.getLogger().handlers:
        handler.setStream(written)  # type: ignore[attr-defined]
    yield written.getvalue
    logging.config.dictConfig(settings.LOGGING)


@override_settings(ALLOWED_HOSTS=["warrant.example"])
def test_a_refused_host_is_logged_as_one_line_without_a_traceback(client, production_log):
    response = client.get("/", HTTP_HOST="203.0.113.9")
    assert response.status_code == 400
    (line,) = production_log().splitlines()
    assert "Invalid HTTP_HOST header: '203.0.113.9'" in line


def test_a_server_error_is_logged_with_its_traceback(client, analyst, workspace, caplog, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the disk is on fire")

    monkeypatch.setattr("archive.views.workspaces.fingerprint", broken)
    client.raise_request_exception = False
    client.force_login(analyst)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(reverse("archive:workspace", args=[workspace.slug]))
    assert response.status_code == 500
    [record] = [record for record in caplog.records if record.name == "django.request"]
    assert record.exc_info is not None and "the disk is on fire" in caplog.text


def test_a_member_refused_for_their_role_is_told_which_admins_can_change_it(
    client, reviewer, ws_admin, workspace
):
    client.force_login(reviewer)
    response = client.get(reverse("archive:import", args=[workspace.slug]))
    html = response.content.decode()
    assert response.status_code == 403
    assert "You are Reviewer in <bdi>Southern Syria 2017</bdi>." in html
    assert "Its admins can give you another role: <bdi>ws-admin</bdi>." in html
    assert "README" not in html


def test_a_refusal_outside_any_workspace_names_nobody(client, analyst, ws_admin):
    client.force_login(analyst)
    response = client.post(reverse("archive:jobs"))  # rebuilding the search index: site staff only
    html = response.content.decode()
    assert response.status_code == 403
    assert "ws-admin" not in html and "the operator of this site for anything else" in html


def test_a_former_member_following_an_old_link_is_told_whom_to_ask(client, analyst, ws_admin, workspace):
    remove_member(membership=Membership.objects.get(user=analyst), user=ws_admin, reason="left the team")
    client.force_login(analyst)
    response = client.get(reverse("archive:workspace", args=[workspace.slug]))
    html = response.content.decode()
    assert response.status_code == 404
    assert "You are no longer a member of <bdi>Southern Syria 2017</bdi>." in html
    assert "Its admins can add you again: <bdi>ws-admin</bdi>." in html


def _main(response) -> str:
    return re.search(r"<main.*</main>", response.content.decode(), re.S).group(0)


def test_someone_never_in_a_workspace_is_told_nothing_of_it_nor_of_its_admins(
    client, outsider, ws_admin, workspace
):
    client.force_login(outsider)
    existing = client.get(reverse("archive:workspace", args=[workspace.slug]))
    missing = client.get(reverse("archive:workspace", args=["no-such-workspace"]))
    assert existing.status_code == missing.status_code == 404
    assert _main(existing) == _main(missing)
    assert "ws-admin" not in existing.content.decode()


def test_whom_to_ask_leaves_out_deactivated_admins_and_the_asker(ws_admin, analyst, workspace):
    set_role(workspace=workspace, member=analyst, role=Role.ADMIN, user=ws_admin, reason="deputy")
    MembershipFactory(
        workspace=workspace, role=Role.ADMIN, user=UserFactory(username="gone", is_active=False)
    )
    assert admins_to_ask(workspace=workspace, user=analyst) == ["ws-admin"]
