"""Refusals in the browser come in the app's own layout, and /api/ says where things are."""

import logging

from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from tests.factories import SourceFactory


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
    assert "<h1>Not allowed</h1>" in html and "cannot contribute" in html


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
