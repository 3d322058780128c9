"""Verification compares the live rows with their history: a row changed, inserted,
deleted or restored in the database directly, outside the history, is found even
though the chain itself is intact."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from archive.audit.ledger import verify_chain, verify_workspace
from archive.claims import delete_claim
from archive.models import Annotation, Claim, Outlet
from tests.factories import AnnotationFactory, ClaimFactory, OutletFactory, PassageFactory

pytestmark = pytest.mark.django_db


def _sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_an_untouched_workspace_verifies(workspace, analyst, source):
    ClaimFactory(workspace=workspace, created_by=analyst)
    AnnotationFactory(workspace=workspace, author=analyst, passages=[PassageFactory(source=source)])
    assert verify_workspace(workspace.pk).ok


def test_a_claim_changed_outside_its_history_is_found_though_the_chain_is_intact(workspace, analyst):
    claim = ClaimFactory(workspace=workspace, created_by=analyst, statement="The station stopped on Tuesday.")
    Claim.objects.filter(pk=claim.pk).update(statement="Shelling put the station out of service.")
    assert verify_chain(workspace.pk).ok
    result = verify_workspace(workspace.pk)
    assert not result.ok
    assert result.problem == (
        "claim “The station stopped on Tuesday.” differs from its last history row (statement): "
        "it was changed outside the history"
    )


def test_an_annotation_moved_to_another_passage_outside_its_history_is_found(workspace, analyst, source):
    annotation = AnnotationFactory(
        workspace=workspace, author=analyst, passages=[PassageFactory(source=source)]
    )
    other = PassageFactory(source=source, start=40)
    links = Annotation.passages.through._meta.db_table
    _sql(f"INSERT INTO {links} (annotation_id, passage_id) VALUES (%s, %s)", [annotation.pk, other.pk])  # noqa: S608
    assert verify_workspace(workspace.pk).problem == (
        f"annotation “{annotation}” differs from its last history row (passages): "
        "it was changed outside the history"
    )


def test_a_row_inserted_outside_the_history_is_found(workspace):
    (outlet,) = Outlet.objects.bulk_create([Outlet(workspace=workspace, name="Planted Wire")])
    assert not outlet.history.exists()
    assert verify_workspace(workspace.pk).problem == (
        "outlet “Planted Wire” has no history: it was inserted outside the history"
    )


def test_a_row_deleted_outside_the_history_is_found(workspace):
    outlet = OutletFactory(workspace=workspace)
    _sql(f"DELETE FROM {Outlet._meta.db_table} WHERE id = %s", [outlet.pk])  # noqa: S608
    assert verify_workspace(workspace.pk).problem == (
        f"outlet “{outlet.name}” is gone, but its history does not record its deletion: "
        "it was deleted outside the history"
    )


def test_a_row_put_back_outside_the_history_after_its_deletion_is_found(workspace, analyst):
    claim = ClaimFactory(workspace=workspace, created_by=analyst)
    table, columns = Claim._meta.db_table, ", ".join(field.column for field in Claim._meta.concrete_fields)
    _sql(f"CREATE TEMPORARY TABLE kept AS SELECT * FROM {table} WHERE id = %s", [claim.pk])  # noqa: S608
    delete_claim(claim=claim, user=analyst, reason="Duplicate of another claim")
    _sql(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM kept", [])  # noqa: S608
    assert verify_workspace(workspace.pk).problem == (
        f"claim “{claim.statement}” exists, but its history records its deletion: "
        "it was restored outside the history"
    )


def test_the_command_reports_a_row_changed_outside_its_history(workspace, analyst):
    claim = ClaimFactory(workspace=workspace, created_by=analyst)
    Claim.objects.filter(pk=claim.pk).update(credibility=1)
    with pytest.raises(CommandError, match=r"claim “.*” differs from its last history row \(credibility\)"):
        call_command("verify_history", workspace=workspace.slug)
