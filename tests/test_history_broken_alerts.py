"""A verification that finds the history chain broken tells the workspace's reviewers and
admins in their alerts (and by e-mail if they asked), once per problem, on every way it runs."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from archive.audit.verification import verify_and_record
from archive.models import Alert, AlertKind, Claim
from tests.factories import ClaimFactory


@pytest.fixture
def claims(workspace):
    return [ClaimFactory(workspace=workspace, statement=f"Claim {n}.") for n in range(3)]


def forge(claim: Claim) -> None:
    """Change a claim and its history row behind the history's back, as raw SQL would."""
    history = connection.ops.quote_name(Claim.history.model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {history} SET statement = %s WHERE id = %s", ["Forged.", claim.pk])  # noqa: S608
    Claim.objects.filter(pk=claim.pk).update(statement="Forged.")


def broken_alerts() -> list[Alert]:
    return list(
        Alert.objects.filter(kind=AlertKind.HISTORY_BROKEN).select_related("recipient").order_by("pk")
    )


def test_a_broken_chain_alerts_the_reviewers_and_admins(workspace, analyst, reviewer, ws_admin, claims):
    forge(claims[0])
    run = verify_and_record(workspace_id=workspace.pk, user=reviewer)
    assert run.ok is False
    alerts = broken_alerts()
    assert {alert.recipient for alert in alerts} == {reviewer, ws_admin}
    assert alerts[0].message == (
        f"The history chain failed verification at entry #{run.sequence} (run by reviewer): {run.problem}"
    )


def test_an_intact_chain_alerts_nobody(workspace, reviewer, ws_admin, claims):
    assert verify_and_record(workspace_id=workspace.pk).ok
    assert broken_alerts() == []


def test_the_same_problem_found_again_alerts_nobody_again(workspace, reviewer, claims):
    forge(claims[0])
    verify_and_record(workspace_id=workspace.pk)
    verify_and_record(workspace_id=workspace.pk)
    assert len(broken_alerts()) == 1


def test_the_command_alerts_too_naming_itself(workspace, reviewer, claims):
    forge(claims[1])
    with pytest.raises(CommandError):
        call_command("verify_history", "--workspace", workspace.slug)
    (alert,) = broken_alerts()
    assert "(run by the verify_history command)" in alert.message


def test_the_alert_links_to_the_chains_status(client, workspace, reviewer, claims):
    forge(claims[0])
    verify_and_record(workspace_id=workspace.pk)
    client.force_login(reviewer)
    page = client.get(reverse("archive:alerts")).content.decode()
    assert "history chain failed verification" in page
    assert f'href="{reverse("archive:audit_status", args=[workspace.slug])}"' in page
