"""A chain cut short or rewritten links up by itself: each verification holds it to the
last run that found it intact (archive.audit.verification), on every way it runs."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from archive.audit.ledger import backfill
from archive.audit.verification import verify_and_record
from archive.core.times import human_time
from archive.models import Claim, HistoryChain, HistoryEntry
from tests.factories import ClaimFactory


@pytest.fixture
def claims(workspace):
    return [ClaimFactory(workspace=workspace, statement=f"Claim {n}.") for n in range(4)]


def raw(sql: str, params: list) -> None:
    """Raw SQL, as someone with access to the database would write it."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def cut_off_the_end(workspace, count: int) -> None:
    """Delete the chain's last `count` entries, creations of claims, with their history rows
    and their claims, and set the head back to the entry before: a shorter chain that links up."""
    quote = connection.ops.quote_name
    for entry in HistoryEntry.objects.filter(workspace=workspace).order_by("-sequence")[:count]:
        assert (entry.model, entry.action) == ("claim", "created")
        raw(f"DELETE FROM {quote(HistoryEntry._meta.db_table)} WHERE id = %s", [entry.pk])  # noqa: S608
        history = quote(Claim.history.model._meta.db_table)
        raw(f"DELETE FROM {history} WHERE history_id = %s", [entry.history_id])  # noqa: S608
        raw(f"DELETE FROM {quote(Claim._meta.db_table)} WHERE id = %s", [entry.object_id])  # noqa: S608
    end = HistoryEntry.objects.filter(workspace=workspace).order_by("-sequence").first()
    HistoryChain.objects.filter(workspace=workspace).update(length=end.sequence, head_hash=end.hash)


def test_a_chain_cut_short_since_the_last_verification_fails_naming_it(workspace, reviewer, claims):
    before = verify_and_record(workspace_id=workspace.pk, user=reviewer)
    cut_off_the_end(workspace, 3)
    run = verify_and_record(workspace_id=workspace.pk)
    assert run.ok is False
    assert run.problem == (
        f"the chain had {before.length} entries ending in {before.head_hash} at the verification of "
        f"{human_time(before.started_at, exact=True)} by reviewer; now it has {before.length - 3}: "
        "its end was removed"
    )
    assert (run.sequence, run.checked) == (before.length - 2, before.length - 3)


def test_a_chain_rewritten_since_the_last_verification_fails_naming_the_entry(workspace, claims):
    before = verify_and_record(workspace_id=workspace.pk)
    history = connection.ops.quote_name(Claim.history.model._meta.db_table)
    raw(f"UPDATE {history} SET statement = %s WHERE id = %s", ["Forged.", claims[0].pk])  # noqa: S608
    Claim.objects.filter(pk=claims[0].pk).update(statement="Forged.")
    HistoryEntry.objects.all().delete()
    HistoryChain.objects.all().delete()
    backfill(apps)  # every hash recomputed: the chain links up by itself
    run = verify_and_record(workspace_id=workspace.pk)
    assert run.ok is False
    assert run.problem.endswith(
        f"by the verify_history command; entry #{before.length} no longer has the hash recorded then: "
        "the history was rewritten"
    )
    assert run.sequence == before.length


def test_a_chain_that_only_grew_since_the_last_verification_passes(workspace, claims):
    verify_and_record(workspace_id=workspace.pk)
    ClaimFactory(workspace=workspace)
    assert verify_and_record(workspace_id=workspace.pk).ok


def test_a_failed_run_does_not_vouch_for_the_chain_it_found(workspace, claims):
    verify_and_record(workspace_id=workspace.pk)
    cut_off_the_end(workspace, 1)
    assert not verify_and_record(workspace_id=workspace.pk).ok
    assert "its end was removed" in verify_and_record(workspace_id=workspace.pk).problem


def test_the_command_fails_a_chain_cut_short_since_the_last_verification(workspace, claims):
    verify_and_record(workspace_id=workspace.pk)
    cut_off_the_end(workspace, 1)
    with pytest.raises(CommandError, match="its end was removed"):
        call_command("verify_history", "--workspace", workspace.slug)


def test_verify_now_on_the_audit_page_fails_a_chain_cut_short(client, workspace, reviewer, claims):
    verify_and_record(workspace_id=workspace.pk)
    cut_off_the_end(workspace, 1)
    client.force_login(reviewer)
    response = client.post(reverse("archive:audit_verify", args=[workspace.slug]), follow=True)
    assert "its end was removed" in response.content.decode()


def test_expecting_an_entry_beyond_the_chains_end_says_its_end_was_removed_without_ok(
    workspace, claims, capsys
):
    length = HistoryChain.objects.get(workspace=workspace).length
    expect = f"{length + 3}:{'a' * 64}"
    with pytest.raises(CommandError) as error:
        call_command("verify_history", "--workspace", workspace.slug, "--expect", expect)
    assert str(error.value) == (
        f"{workspace.slug}: the chain has {length} entries, fewer than the {length + 3} the published "
        f"hash {'a' * 64} was given for: its end was removed."
    )
    assert "OK" not in capsys.readouterr().out
