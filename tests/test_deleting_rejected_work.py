"""Deleting rejected work clears its alerts' links through their history, so the
workspace still verifies: a link cleared by a plain UPDATE reads as tampering."""

from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import deletion

from archive.audit.ledger import verify_workspace
from archive.audit.review import reject, submit_for_review
from archive.claims import delete_annotation, delete_claim, delete_evidence
from archive.core.attribution import recorded_as
from archive.models import Alert, AlertKind, Claim, Evidence, PackageExport
from tests.factories import AnnotationFactory, ClaimFactory, EvidenceFactory, PassageFactory
from tests.support import reverted

REASON = "a duplicate of another claim"


def rejected(item, author, reviewer):
    return reject(submit_for_review(item, user=author), user=reviewer, comment="no source given")


def alert_history(alert: Alert) -> list[tuple]:
    rows = Alert.history.filter(id=alert.pk).order_by("history_id")
    return [(row.history_type, row.claim_id, row.history_user, row.history_change_reason) for row in rows]


def test_deleting_a_rejected_claim_clears_its_alert_through_the_history(
    workspace, analyst, reviewer, ws_admin
):
    claim = rejected(ClaimFactory(workspace=workspace, created_by=analyst), analyst, reviewer)
    alert = Alert.objects.get()
    delete_claim(claim=claim, user=ws_admin, reason=REASON)
    assert verify_workspace(workspace.pk).ok
    assert alert_history(alert) == [
        ("+", claim.pk, reviewer, "no source given"),
        ("~", None, ws_admin, REASON),
    ]


def test_deleting_rejected_evidence_clears_its_alert_through_the_history(
    workspace, analyst, reviewer, ws_admin, source
):
    evidence = EvidenceFactory(
        passage=PassageFactory(workspace=workspace, source=source),
        claim=ClaimFactory(workspace=workspace),
        created_by=analyst,
    )
    rejected(evidence, analyst, reviewer)
    alert = Alert.objects.get()
    delete_evidence(evidence=evidence, user=ws_admin, reason=REASON)
    assert verify_workspace(workspace.pk).ok
    last = alert.history.latest("history_id")
    assert (last.evidence_id, last.claim_id, last.history_user, last.history_change_reason) == (
        None,
        evidence.claim_id,
        ws_admin,
        REASON,
    )


def test_deleting_a_rejected_annotation_clears_its_alert_through_the_history(
    workspace, analyst, reviewer, ws_admin, source
):
    note = AnnotationFactory(
        workspace=workspace, passages=[PassageFactory(workspace=workspace, source=source)], author=analyst
    )
    rejected(note, analyst, reviewer)
    alert = Alert.objects.get()
    delete_annotation(annotation=note, user=ws_admin, reason=REASON)
    assert verify_workspace(workspace.pk).ok
    last = alert.history.latest("history_id")
    assert (last.annotation_id, last.history_user, last.history_change_reason) == (None, ws_admin, REASON)


def test_restoring_a_deleted_claim_brings_its_evidence_back_and_still_verifies(
    workspace, analyst, reviewer, ws_admin, source
):
    """The restore cascade brings back what the deletion deleted; the alert's link,
    cleared as a change of its own, stays cleared."""
    claim = ClaimFactory(workspace=workspace)
    evidence = EvidenceFactory(
        passage=PassageFactory(workspace=workspace, source=source), claim=claim, created_by=analyst
    )
    rejected(evidence, analyst, reviewer)
    delete_claim(claim=claim, user=ws_admin, reason=REASON)
    deletion = Claim.history.filter(id=claim.pk).latest("history_id")
    reverted(claim, history_id=deletion.history_id, user=ws_admin, reason="deleted by mistake")
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    assert (Alert.objects.get().claim_id, Alert.objects.get().evidence_id) == (None, None)
    assert verify_workspace(workspace.pk).ok


def test_a_claims_rejection_alert_is_named_after_the_claim(workspace, analyst, reviewer):
    rejected(
        ClaimFactory(workspace=workspace, created_by=analyst, statement="The pump was hit."),
        analyst,
        reviewer,
    )
    assert str(Alert.objects.get()) == "your work was rejected: The pump was hit."


def test_an_alert_about_nothing_left_is_named_by_its_kind(workspace, analyst, reviewer, ws_admin):
    claim = rejected(ClaimFactory(workspace=workspace, created_by=analyst), analyst, reviewer)
    delete_claim(claim=claim, user=ws_admin, reason=REASON)
    assert str(Alert.objects.get()) == AlertKind.REJECTED.label


BEFORE, AFTER = ("archive", "0027_history_action_graded"), ("archive", "0028_links_cleared_by_deletions")
# Alert's columns that later migrations add and this code writes: there while the test writes
# rows in the schema of then, gone again before the migrations add them.
LATER_ALERT_FIELDS = ("source_version",)


@contextmanager
def later_alert_columns():
    fields = [
        (model, model._meta.get_field(name))
        for model in (Alert, Alert.history.model)
        for name in LATER_ALERT_FIELDS
    ]
    with connection.schema_editor() as editor:
        for model, field in fields:
            editor.add_field(model, field)
    try:
        yield
    finally:
        with connection.schema_editor() as editor:
            for model, field in fields:
                editor.remove_field(model, field)


_relations_to_delete = deletion.get_candidate_relations_to_delete


def _in_the_schema_then(options):
    # Deleting looks for what refers to the object; tables a later migration adds are not there yet.
    return [
        relation for relation in _relations_to_delete(options) if relation.related_model is not PackageExport
    ]


@pytest.mark.django_db(transaction=True)
def test_the_migration_records_links_that_earlier_deletions_cleared_outside_the_history(
    workspace, analyst, reviewer, ws_admin
):
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    try:
        with later_alert_columns():
            claim = rejected(ClaimFactory(workspace=workspace, created_by=analyst), analyst, reviewer)
            claim_id = claim.pk
            with (
                recorded_as(user=ws_admin, reason=REASON),
                mock.patch.object(deletion, "get_candidate_relations_to_delete", _in_the_schema_then),
            ):
                claim.delete()  # as deletions were: Django cleared the alert's claim with a plain UPDATE
            # Cleared in its row, not in its history. (Not verify_workspace: this code reads this
            # code's schema, and a later migration added columns the schema here lacks.)
            alert = Alert.objects.get()
            assert (alert.claim_id, alert.history.latest("history_id").claim_id) == (None, claim_id)
        MigrationExecutor(connection).migrate([AFTER])
    finally:
        MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert verify_workspace(workspace.pk).ok
    last = Alert.objects.get().history.latest("history_id")
    assert (last.claim_id, last.history_type) == (None, "~")
    assert f"the claim #{claim_id} it pointed at" in last.history_change_reason
