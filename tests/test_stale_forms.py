"""A form saved after someone else saved the same object comes back on top of their
version: their changes to untouched fields are taken, a field both changed keeps
the editor's value beside theirs, and saving again does not loop on the same refusal."""

import pytest
from django.urls import reverse

from archive.models import Outlet, Source
from tests.factories import MembershipFactory, OutletFactory, SourceFactory, UserFactory
from tests.support import record_form


@pytest.fixture
def other_admin(workspace):
    return MembershipFactory(workspace=workspace, role="admin", user=UserFactory(username="rania")).user


@pytest.fixture
def outlet(workspace):
    return OutletFactory(workspace=workspace, name="Hawran Voice", country="Syria", reliability="C")


def outlet_form(outlet: Outlet, **changes) -> dict:
    return {"version": outlet.version, "name": outlet.name, "country": outlet.country, **changes}


def post_as(client, user, url, data):
    client.force_login(user)
    return client.post(url, data)


def edit_url(outlet: Outlet) -> str:
    return reverse("archive:outlet_edit", args=[outlet.workspace.slug, outlet.pk])


def record_url(source: Source) -> str:
    return reverse("archive:source_edit", args=[source.workspace.slug, source.pk])


def test_a_field_only_they_changed_comes_back_with_their_value(client, ws_admin, other_admin, outlet):
    stale = outlet_form(outlet, name="Hawran Voice (Daraa)")
    assert (
        post_as(client, other_admin, edit_url(outlet), outlet_form(outlet, country="Jordan")).status_code
        == 302
    )
    response = post_as(client, ws_admin, edit_url(outlet), stale)
    assert response.status_code == 409
    form = response.context["form"]
    assert (form["name"].value(), form["country"].value()) == ("Hawran Voice (Daraa)", "Jordan")
    assert response.context["conflict"].taken == ["Country"]
    assert response.context["conflict"].clashes == []


def test_saving_again_after_a_conflict_keeps_both_changes(client, ws_admin, other_admin, outlet):
    stale = outlet_form(outlet, name="Hawran Voice (Daraa)")
    post_as(client, other_admin, edit_url(outlet), outlet_form(outlet, country="Jordan"))
    again = post_as(client, ws_admin, edit_url(outlet), stale).context["form"].data
    assert post_as(client, ws_admin, edit_url(outlet), again).status_code == 302
    outlet.refresh_from_db()
    assert (outlet.name, outlet.country) == ("Hawran Voice (Daraa)", "Jordan")


def test_a_field_both_changed_is_shown_with_both_values_and_keeps_yours(
    client, ws_admin, other_admin, workspace
):
    source = SourceFactory(workspace=workspace, title="Old title")
    stale = record_form(source, title="My title")
    post_as(client, other_admin, record_url(source), record_form(source, title="Their title"))
    response = post_as(client, ws_admin, record_url(source), stale)
    page = response.content.decode()
    assert response.status_code == 409
    assert response.context["form"]["title"].value() == "My title"
    assert [(c.label, c.theirs, c.yours) for c in response.context["conflict"].clashes] == [
        ("Title", "Their title", "My title")
    ]
    assert "Changed by both of you" in page and "Save mine over theirs" in page


def test_the_conflict_names_who_saved_the_version_now_there(client, ws_admin, other_admin, workspace):
    source = SourceFactory(workspace=workspace, title="Old title")
    stale = record_form(source, title="My title")
    post_as(client, other_admin, record_url(source), record_form(source, title="Their title"))
    page = post_as(client, ws_admin, record_url(source), stale).content.decode()
    assert "<bdi>rania</bdi> changed this source\u2019s record while you were editing (now version 2)" in page


def test_saving_mine_over_theirs_replaces_their_value(client, ws_admin, other_admin, workspace):
    source = SourceFactory(workspace=workspace, title="Old title")
    stale = record_form(source, title="My title")
    post_as(client, other_admin, record_url(source), record_form(source, title="Their title"))
    again = post_as(client, ws_admin, record_url(source), stale).context["form"].data
    assert post_as(client, ws_admin, record_url(source), again).status_code == 302
    source.refresh_from_db()
    assert (source.title, source.version) == ("My title", 3)


def test_their_new_authors_are_taken_as_a_list_when_you_changed_only_the_title(
    client, ws_admin, other_admin, workspace
):
    source = SourceFactory(workspace=workspace, title="Old title", authors=["A. Writer"])
    stale = record_form(source, title="My title")
    post_as(client, other_admin, record_url(source), record_form(source, authors="A. Writer\nB. Writer"))
    again = post_as(client, ws_admin, record_url(source), stale).context["form"].data
    post_as(client, ws_admin, record_url(source), again)
    source.refresh_from_db()
    assert (source.title, source.authors) == ("My title", ["A. Writer", "B. Writer"])


def test_a_stale_grade_lists_their_grade_beside_yours(client, ws_admin, other_admin, outlet):
    url = reverse("archive:outlet_grade", args=[outlet.workspace.slug, outlet.pk])
    stale = {"version": outlet.version, "reliability": "E", "reason": "From an old page."}
    post_as(
        client, other_admin, url, {"version": outlet.version, "reliability": "B", "reason": "First look."}
    )
    response = post_as(client, ws_admin, url, stale)
    clashes = response.context["conflict"].clashes
    assert [(c.theirs, c.yours) for c in clashes] == [("B: usually reliable", "E: unreliable")]
    assert response.context["form"]["version"].value() == str(outlet.version + 1)


def test_a_stale_derivation_comes_back_at_the_version_now_there(client, ws_admin, other_admin, workspace):
    original = SourceFactory(workspace=workspace, title="Original")
    source = SourceFactory(workspace=workspace, title="Translation")
    url = reverse("archive:source_derivation", args=[workspace.slug, source.pk])
    stale = {
        "version": source.version,
        "derivation": "translation",
        "derived_from": original.pk,
        "reason": "r",
    }
    theirs = {
        "version": source.version,
        "derivation": "translation",
        "unarchived_title": "Offline",
        "reason": "r",
    }
    assert post_as(client, other_admin, url, theirs).status_code == 302
    response = post_as(client, ws_admin, url, stale)
    assert response.status_code == 409
    source.refresh_from_db()
    assert response.context["form"]["version"].value() == str(source.version)
    assert response.context["conflict"].taken == ["Its title"]
