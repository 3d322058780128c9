"""The history chain's status page: the chain's head, the last recorded
verification, and "Verify now" (also recorded by `manage.py verify_history`)."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from archive.audit import verification
from archive.audit.ledger import live_ledger
from archive.audit.verification import verify_and_record
from archive.models import HistoryChain, HistoryEntry, HistoryVerification, Outlet
from tests.factories import ClaimFactory, OutletFactory


def status_url(workspace) -> str:
    return reverse("archive:audit_status", args=[workspace.slug])


def verify_url(workspace) -> str:
    return reverse("archive:audit_verify", args=[workspace.slug])


def status_page(client, user, workspace) -> str:
    client.force_login(user)
    response = client.get(status_url(workspace))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def claims(workspace):
    return [ClaimFactory(workspace=workspace) for _ in range(3)]


def test_page_shows_the_last_recorded_verification_without_verifying(
    client, reviewer, workspace, claims, monkeypatch
):
    recorded = verify_and_record(workspace_id=workspace.pk, user=reviewer)

    def verify_workspace(*args, **kwargs):
        raise AssertionError("the status page must not verify the chain")

    monkeypatch.setattr(verification, "verify_workspace", verify_workspace)
    page = status_page(client, reviewer, workspace)
    assert "Verified." in page
    assert f"{recorded.checked} of {recorded.length}" in page
    assert f"<dd>{reviewer.username}</dd>" in page
    assert f"{recorded.length}:{recorded.head_hash}" in page


def test_page_costs_the_same_queries_however_long_the_chain(
    client, reviewer, workspace, django_assert_max_num_queries
):
    client.force_login(reviewer)
    verify_and_record(workspace_id=workspace.pk, user=reviewer)
    with django_assert_max_num_queries(8) as short:
        client.get(status_url(workspace))
    for _ in range(30):
        ClaimFactory(workspace=workspace)
    verify_and_record(workspace_id=workspace.pk, user=reviewer)
    with django_assert_max_num_queries(len(short.captured_queries)):
        client.get(status_url(workspace))


def test_page_shows_the_current_head_and_length_from_the_chain(client, reviewer, workspace, claims):
    chain = HistoryChain.objects.get(workspace=workspace)
    page = status_page(client, reviewer, workspace)
    assert f'<dd id="chain-length">{chain.length}</dd>' in page
    assert f'<dd class="hash" id="head-hash">{chain.head_hash}</dd>' in page


def test_page_before_any_verification_says_so(client, reviewer, workspace):
    page = status_page(client, reviewer, workspace)
    assert "Not verified yet." in page
    assert "Verify now" in page


def test_page_counts_the_entries_added_since_the_last_verification(client, reviewer, workspace):
    verify_and_record(workspace_id=workspace.pk, user=reviewer)
    ClaimFactory(workspace=workspace)
    ClaimFactory(workspace=workspace)
    assert "2 entries added since then: not verified yet." in status_page(client, reviewer, workspace)


@pytest.mark.parametrize("role", ["reviewer", "ws_admin"])
def test_verify_now_verifies_and_records_who_ran_it(client, workspace, claims, role, request):
    user = request.getfixturevalue(role)
    client.force_login(user)
    response = client.post(verify_url(workspace), follow=True)
    assert response.redirect_chain == [(status_url(workspace), 302)]
    chain = HistoryChain.objects.get(workspace=workspace)
    run = HistoryVerification.objects.get()
    assert (run.workspace_id, run.run_by, run.ok) == (workspace.pk, user, True)
    assert (run.checked, run.length, run.head_hash) == (chain.length, chain.length, chain.head_hash)
    assert f"Verified: all {chain.length} entries link up." in response.content.decode()


def test_analyst_may_neither_see_nor_run_the_verification(client, analyst, workspace):
    client.force_login(analyst)
    assert client.get(status_url(workspace)).status_code == 403
    assert client.post(verify_url(workspace)).status_code == 403
    assert not HistoryVerification.objects.exists()


def test_outsider_gets_404_and_runs_nothing(client, outsider, workspace):
    client.force_login(outsider)
    assert client.get(status_url(workspace)).status_code == 404
    assert client.post(verify_url(workspace)).status_code == 404
    assert not HistoryVerification.objects.exists()


def test_verify_now_needs_post(client, reviewer, workspace):
    client.force_login(reviewer)
    assert client.get(verify_url(workspace)).status_code == 405
    assert not HistoryVerification.objects.exists()


def test_tampering_found_by_a_run_shows_as_failed_on_the_page(client, reviewer, workspace, claims):
    entry = HistoryEntry.objects.filter(workspace=workspace, model="claim").order_by("sequence")[1]
    HistoryEntry.objects.filter(pk=entry.pk).update(reason="rewritten")
    client.force_login(reviewer)
    response = client.post(verify_url(workspace), follow=True)
    page = response.content.decode()
    assert "Verification failed:" in page  # the message
    assert '<p class="verdict tampered" role="alert"><strong>Verification failed.</strong>' in page
    assert f"entry #{entry.sequence} in the feed" in page
    assert "--expect" not in page  # no head to publish from a failed run
    run = HistoryVerification.objects.get()
    assert (run.ok, run.sequence, run.checked) == (False, entry.sequence, entry.sequence - 1)


def test_verify_history_command_records_a_run_for_each_workspace(client, reviewer, workspace, claims):
    call_command("verify_history")
    run = HistoryVerification.objects.get(workspace=workspace)
    assert (run.ok, run.run_by) == (True, None)
    assert "the <code>verify_history</code> command" in status_page(client, reviewer, workspace)


def test_a_failed_command_run_is_recorded_too(workspace, claims):
    HistoryEntry.objects.filter(workspace=workspace).order_by("-sequence").first().delete()
    with pytest.raises(CommandError, match="FAILED"):
        call_command("verify_history", "--workspace", workspace.slug)
    assert HistoryVerification.objects.get().ok is False


def test_verifications_are_not_history_tracked_nor_in_the_ledger():
    assert not hasattr(HistoryVerification, "history")
    assert "historyverification" not in live_ledger().history_models


@pytest.mark.django_db(transaction=True)
def test_a_run_outside_a_transaction_walks_one_snapshot_on_postgresql(workspace, claims, monkeypatch):
    """Entries appended while the chain is walked must not look like a broken chain."""
    isolation = []
    real_verify = verification.verify_workspace

    def verify_workspace(workspace_id):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW transaction_isolation")
                isolation.append(cursor.fetchone()[0])
        return real_verify(workspace_id)

    monkeypatch.setattr(verification, "verify_workspace", verify_workspace)
    assert verify_and_record(workspace_id=workspace.pk).ok
    assert isolation == (["repeatable read"] if connection.vendor == "postgresql" else [])


def test_a_failed_verification_names_the_entry_s_object_as_the_feed_does(workspace):
    claim = ClaimFactory(workspace=workspace, statement="The pumps stopped on Tuesday.")
    entry = HistoryEntry.objects.get(workspace=workspace, model="claim", object_id=claim.pk)
    HistoryEntry.objects.filter(pk=entry.pk).update(reason="rewritten")
    run = verify_and_record(workspace_id=workspace.pk)
    assert f"entry #{entry.sequence} (claim “The pumps stopped on Tuesday.”, history row" in run.problem
    assert f"claim {claim.pk}," not in run.problem


def test_status_page_links_the_object_a_failed_verification_found_to_its_history(client, reviewer, workspace):
    claim = ClaimFactory(workspace=workspace, statement="The pumps stopped on Tuesday.")
    entry = HistoryEntry.objects.get(workspace=workspace, model="claim", object_id=claim.pk)
    HistoryEntry.objects.filter(pk=entry.pk).update(reason="rewritten")
    verify_and_record(workspace_id=workspace.pk, user=reviewer)
    history = reverse("archive:object_history", args=[workspace.slug, "claim", claim.pk])
    page = status_page(client, reviewer, workspace)
    assert f'<a href="{history}"><bdi>claim “The pumps stopped on Tuesday.”</bdi></a>, history row' in page


def test_status_page_links_a_row_changed_outside_its_history_to_its_history(client, reviewer, workspace):
    outlet = OutletFactory(workspace=workspace, name="Hawran Voice")
    Outlet.objects.filter(pk=outlet.pk).update(name="Planted name")
    verify_and_record(workspace_id=workspace.pk, user=reviewer)
    history = reverse("archive:object_history", args=[workspace.slug, "outlet", outlet.pk])
    page = status_page(client, reviewer, workspace)
    assert (
        f'<a href="{history}"><bdi>outlet “Hawran Voice”</bdi></a> differs from its last history row' in page
    )
