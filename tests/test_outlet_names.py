"""An outlet's name is unique in its workspace, capitals aside, on every way in:
the outlet form, the API, the admin and the domain; and the migration that
made it so renames the case-duplicates already stored."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from archive.audit.ledger import verify_chain
from archive.models import Outlet
from archive.models.outlet import NameUniqueIgnoringCase
from archive.sources.outlets import create_outlet
from tests.factories import OutletFactory, WorkspaceFactory
from tests.support import api_client_for, field_errors

TAKEN = (
    "This workspace already has an outlet called “\u2068Hawran Voice\u2069” (names are compared "
    "ignoring capitals): use it, or choose another name."
)


@pytest.fixture
def outlet(workspace):
    return OutletFactory(workspace=workspace, name="Hawran Voice")


@pytest.mark.parametrize("name", ["Hawran Voice", "hawran voice", "HAWRAN VOICE"])
def test_adding_an_outlet_named_like_another_but_for_capitals_is_refused_naming_it(
    client, ws_admin, workspace, outlet, name
):
    client.force_login(ws_admin)
    response = client.post(reverse("archive:outlet_create", args=[workspace.slug]), {"name": name})
    assert response.status_code == 400
    assert TAKEN in response.content.decode()
    assert list(Outlet.objects.filter(workspace=workspace).values_list("name", flat=True)) == ["Hawran Voice"]


def test_an_outlet_added_at_the_same_moment_as_the_same_one_is_a_conflict_not_an_error(
    client, ws_admin, workspace, outlet, monkeypatch
):
    # The other request's outlet is not there yet when this one checks, so only the database refuses it.
    monkeypatch.setattr(NameUniqueIgnoringCase, "validate", lambda *args, **kwargs: None)
    client.force_login(ws_admin)
    response = client.post(reverse("archive:outlet_create", args=[workspace.slug]), {"name": "hawran voice"})
    assert response.status_code == 409
    assert "Someone saved something that conflicts with this at the same moment" in response.content.decode()
    assert list(Outlet.objects.filter(workspace=workspace).values_list("name", flat=True)) == ["Hawran Voice"]


def test_renaming_an_outlet_to_another_ones_name_in_other_capitals_is_refused(
    client, ws_admin, workspace, outlet
):
    other = OutletFactory(workspace=workspace, name="Enab Baladi")
    client.force_login(ws_admin)
    url = reverse("archive:outlet_edit", args=[workspace.slug, other.pk])
    response = client.post(url, {"version": other.version, "name": "HAWRAN voice"})
    assert response.status_code == 400
    assert TAKEN in response.content.decode()
    other.refresh_from_db()
    assert other.name == "Enab Baladi"


def test_the_api_refuses_an_outlet_named_like_another_with_a_400_naming_it(ws_admin, workspace, outlet):
    response = api_client_for(ws_admin).post(
        "/api/outlets/", {"workspace": workspace.slug, "name": "hawran VOICE"}, format="json"
    )
    assert response.status_code == 400
    assert field_errors(response.json()) == {"non_field_errors": [TAKEN]}
    assert Outlet.objects.filter(workspace=workspace).count() == 1


def test_the_site_admin_is_refused_an_outlet_named_like_another_naming_it(
    client, superuser, workspace, outlet
):
    client.force_login(superuser)
    form = {"workspace": workspace.pk, "name": "hawran voice", "reliability": "F", "change_reason": "x"}
    response = client.post(reverse("admin:archive_outlet_add"), form)
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [TAKEN]
    assert Outlet.objects.filter(workspace=workspace).count() == 1


def test_the_database_refuses_a_case_duplicate_written_past_validation(workspace, outlet):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Outlet.objects.bulk_create([Outlet(workspace=workspace, name="HAWRAN voice")])


def test_the_domain_refuses_a_case_duplicate_with_one_message_naming_it(ws_admin, workspace, outlet):
    with pytest.raises(ValidationError) as refused:
        create_outlet(workspace=workspace, user=ws_admin, name="hawran voice")
    assert refused.value.messages == [TAKEN]


BEFORE, AFTER = ("archive", "0022_list_indexes"), ("archive", "0023_outlet_names_unique_ignoring_case")


@pytest.mark.django_db(transaction=True)
def test_the_migration_renames_case_duplicates_in_their_history_and_the_ledger():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    try:
        workspace = WorkspaceFactory()
        old = executor.loader.project_state([BEFORE]).apps
        OldOutlet = old.get_model("archive", "Outlet")
        names = ["Hawran Voice", "hawran voice", "HAWRAN VOICE", "hawran voice (2)", "Enab Baladi"]
        ids = [OldOutlet.objects.create(workspace_id=workspace.pk, name=name).pk for name in names]
        executor = MigrationExecutor(connection)
        executor.migrate([AFTER])
    finally:
        MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    renamed = dict(Outlet.objects.filter(pk__in=ids).values_list("pk", "name"))
    assert [renamed[pk] for pk in ids] == [
        "Hawran Voice",
        "hawran voice (3)",
        "HAWRAN VOICE (4)",
        "hawran voice (2)",
        "Enab Baladi",
    ]
    history = Outlet.history.filter(id=ids[1]).first()
    assert (history.name, history.history_type) == ("hawran voice (3)", "~")
    assert "same name, ignoring capitals" in history.history_change_reason
    # The chain: the outlets made above in the old state have no history of their own.
    assert verify_chain(workspace.pk).ok
