"""Recapturing a web source: versions, carried passages, alerts, "unchanged"."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from archive.alerts import mark_read, set_email_alerts
from archive.alignment import current_alignment
from archive.audit.ledger import verify_workspace
from archive.core.text import sha256_hex
from archive.jobs import tasks
from archive.models import (
    Alert,
    AlertKind,
    Alignment,
    AnchorStatus,
    CheckOutcome,
    HistoryEntry,
    JobStatus,
    PassageAnchor,
    RecaptureCheck,
    Source,
    SourceVersion,
)
from archive.monitoring.recapture import recapture
from archive.sources.writes import create_source
from tests.pages import AFTER, DELETED, EDITED, KEPT, article, capture_source
from tests.support import api_client_for


@pytest.fixture
def mailed(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def test_capture_records_version_one_with_hashes_and_warc(captured):
    source, _ = captured
    [version] = SourceVersion.objects.filter(source=source)
    assert version.number == 1
    assert (
        version.original_sha256
        == source.original_sha256
        == sha256_hex(default_storage.open(version.original.name).read())
    )
    assert version.text_sha256 == sha256_hex(source.text)
    assert version.warc_sha256 == sha256_hex(default_storage.open(version.warc.name).read())
    assert version.captured_by.username == "analyst"


def test_changed_page_gives_version_two_carried_passages_and_alerts(live_site, captured, analyst, ws_admin):
    source, evidence = captured
    live_site.serve("/daraa", article(AFTER))

    outcome = recapture(source_id=source.pk, by=ws_admin)

    assert outcome.outcome == CheckOutcome.NEW_VERSION
    first, second = SourceVersion.objects.filter(source=source).order_by("number")
    assert (first.number, second.number) == (1, 2)
    assert first.original_sha256 != second.original_sha256
    assert first.text_sha256 != second.text_sha256 == sha256_hex(Source.objects.get(pk=source.pk).text)
    assert DELETED in first.text and DELETED not in second.text

    carried = {
        anchor.carried_from.exact: anchor
        for anchor in PassageAnchor.objects.filter(source_version=second).select_related("carried_from")
    }
    assert carried[EDITED].status == AnchorStatus.FUZZY
    assert "said fourteen families returned" in carried[EDITED].exact
    assert carried[KEPT].status == AnchorStatus.MOVED
    assert carried[DELETED].status == AnchorStatus.ORPHANED
    assert all(anchor.carried_from.source_version == first for anchor in carried.values())

    alerts = Alert.objects.filter(check_record=outcome.check)
    assert {(a.recipient.username, a.kind, a.evidence_id) for a in alerts} == {
        (user, kind, evidence[key].pk)
        for user in ("analyst", "ws-admin")
        for key, kind in (("edited", AlertKind.EVIDENCE_CHANGED), ("deleted", AlertKind.EVIDENCE_REMOVED))
    }
    assert verify_workspace(source.workspace_id).ok


def test_new_version_realigns_the_sources_derived_from_it_once_committed(
    live_site, captured, analyst, ws_admin, django_capture_on_commit_callbacks
):
    source, _ = captured
    translation = create_source(
        workspace=source.workspace,
        user=analyst,
        title="Daraa (summary)",
        text="Forty families returned to Daraa.",
        language="en",
        derived_from=source,
        derivation="translation",
    )
    Alignment.objects.all().delete()
    live_site.serve("/daraa", article(AFTER))

    with django_capture_on_commit_callbacks(execute=True):
        recapture(source_id=source.pk, by=ws_admin)

    # Realigned by the job the new version queued, against the recaptured text.
    stored = Alignment.objects.get(source=translation)
    assert current_alignment(source=Source.objects.get(pk=translation.pk)).pk == stored.pk


def test_unchanged_page_records_the_check_and_nothing_new(live_site, captured, ws_admin):
    source, _ = captured
    live_site.serve("/daraa", article(AFTER))
    recapture(source_id=source.pk, by=ws_admin)
    counts = (SourceVersion.objects.count(), PassageAnchor.objects.count(), Alert.objects.count())
    source_version = Source.objects.get(pk=source.pk).version

    outcome = recapture(source_id=source.pk, by=ws_admin)

    assert outcome.outcome == CheckOutcome.UNCHANGED
    assert outcome.version.number == 2
    assert (SourceVersion.objects.count(), PassageAnchor.objects.count(), Alert.objects.count()) == counts
    assert Source.objects.get(pk=source.pk).version == source_version
    assert list(RecaptureCheck.objects.filter(source=source).values_list("outcome", flat=True)) == [
        CheckOutcome.UNCHANGED,
        CheckOutcome.NEW_VERSION,
    ]
    assert HistoryEntry.objects.filter(model="recapturecheck", object_id=outcome.check.pk).exists()


@pytest.mark.parametrize(
    ("status", "expected"),
    [(404, "answered HTTP 404"), (410, "answered HTTP 410")],
)
def test_gone_page_fails_with_its_status_and_alerts(live_site, captured, status, expected):
    source, _ = captured
    live_site.serve("/daraa", "gone", status=status)
    outcome = recapture(source_id=source.pk)
    assert outcome.outcome == CheckOutcome.FAILED
    assert expected in outcome.reason
    assert SourceVersion.objects.filter(source=source).count() == 1
    assert {alert.kind for alert in outcome.alerts} == {AlertKind.RECAPTURE_FAILED}
    assert len(outcome.alerts) == 2  # the analyst and the admin


def test_paywalled_page_fails_instead_of_becoming_a_version(live_site, captured):
    source, _ = captured
    live_site.serve("/daraa", article(["Subscribe to read this article and the rest of our coverage today."]))
    outcome = recapture(source_id=source.pk)
    assert outcome.outcome == CheckOutcome.FAILED
    assert "paywall" in outcome.reason
    assert Source.objects.get(pk=source.pk).text == source.text


def test_redirect_to_another_site_fails(live_site, captured):
    source, _ = captured
    live_site.serve(
        "/daraa",
        "",
        status=301,
        headers=[("Location", f"http://localhost:{live_site.server_port}/elsewhere")],
    )
    live_site.serve("/elsewhere", article(AFTER))
    outcome = recapture(source_id=source.pk)
    assert outcome.outcome == CheckOutcome.FAILED
    assert "another site" in outcome.reason


def test_source_not_captured_from_the_web_is_refused(workspace, analyst):
    source = create_source(
        workspace=workspace, user=analyst, title="Notes", text="Typed notes.", language="en"
    )
    with pytest.raises(ValidationError, match="not captured from the web"):
        recapture(source_id=source.pk)


def test_members_who_opt_in_get_their_alerts_by_email(live_site, captured, analyst, ws_admin, mailed):
    source, _ = captured
    analyst.email = "analyst@example.org"
    analyst.save()
    set_email_alerts(membership=analyst.memberships.get(), user=analyst, enabled=True)
    live_site.serve("/daraa", article(AFTER))
    with mailed(execute=True):
        recapture(source_id=source.pk, by=ws_admin)
    [message] = mail.outbox
    assert message.to == ["analyst@example.org"]
    assert "fourteen" in message.body and DELETED in message.body


def test_command_prints_new_version_with_alerts_then_unchanged(live_site, captured, capsys):
    source, _ = captured
    live_site.serve("/daraa", article(AFTER))
    call_command("recapture", str(source.pk))
    printed = capsys.readouterr().out
    assert printed.startswith("new version 2")
    assert printed.count("Alert to ") == 4
    call_command("recapture", str(source.pk))
    assert capsys.readouterr().out.strip() == "unchanged"


def test_command_fails_with_the_reason(live_site, captured):
    source, _ = captured
    live_site.serve("/daraa", "gone", status=410)
    with pytest.raises(CommandError, match=r"failed: .*410"):
        call_command("recapture", str(source.pk))


def test_server_error_is_a_transient_failure_without_alerts(live_site, captured):
    source, _ = captured
    live_site.serve("/daraa", "busy", status=503)
    outcome = recapture(source_id=source.pk)
    assert (outcome.outcome, outcome.transient, outcome.alerts) == (CheckOutcome.FAILED, True, [])
    assert "503" in RecaptureCheck.objects.get(source=source).reason


def test_a_recapture_job_whose_last_attempt_cannot_reach_the_page_alerts_each_member_once(
    live_site, captured, analyst
):
    source, _ = captured
    live_site.shutdown()  # nothing answers on its port now: the connection is refused
    live_site.server_close()

    job = tasks.start_recapture(source=source, user=analyst)

    assert (job.status, job.attempts) == (JobStatus.FAILED, 4)
    assert RecaptureCheck.objects.filter(source=source).count() == 4
    last = RecaptureCheck.objects.filter(source=source).latest()
    alerts = Alert.objects.filter(kind=AlertKind.RECAPTURE_FAILED)
    assert sorted((a.recipient.username, a.check_record_id) for a in alerts) == [
        ("analyst", last.pk),
        ("ws-admin", last.pk),
    ]


def test_a_passage_still_orphaned_in_a_later_version_is_not_alerted_as_removed_again(
    live_site, captured, ws_admin
):
    source, evidence = captured
    live_site.serve("/daraa", article(AFTER))
    recapture(source_id=source.pk, by=ws_admin)
    live_site.serve("/daraa", article([*AFTER, "The market reopened on Friday after a week of closures."]))

    outcome = recapture(source_id=source.pk, by=ws_admin)

    assert outcome.outcome == CheckOutcome.NEW_VERSION
    assert PassageAnchor.objects.get(
        source_version=outcome.version, passage=evidence["deleted"].passage
    ).status == (AnchorStatus.ORPHANED)
    assert [alert for alert in outcome.alerts if alert.kind == AlertKind.EVIDENCE_REMOVED] == []


def test_a_page_still_gone_is_not_alerted_again_while_its_alert_is_unread(live_site, captured):
    source, _ = captured
    live_site.serve("/daraa", "gone", status=410)
    recapture(source_id=source.pk)

    again = [recapture(source_id=source.pk) for _ in range(3)]

    assert [outcome.alerts for outcome in again] == [[], [], []]
    assert Alert.objects.filter(kind=AlertKind.RECAPTURE_FAILED).count() == 2  # the analyst and the admin


def test_a_page_still_gone_is_alerted_again_to_a_member_who_read_its_alert(live_site, captured, analyst):
    source, _ = captured
    live_site.serve("/daraa", "gone", status=410)
    recapture(source_id=source.pk)
    mark_read(user=analyst)

    outcome = recapture(source_id=source.pk)

    assert [alert.recipient.username for alert in outcome.alerts] == ["analyst"]


def test_a_page_that_fails_for_another_reason_is_alerted_again(live_site, captured):
    source, _ = captured
    live_site.serve("/daraa", "gone", status=404)
    recapture(source_id=source.pk)
    live_site.serve("/daraa", "gone", status=410)

    outcome = recapture(source_id=source.pk)

    assert len(outcome.alerts) == 2


def test_removed_cited_text_is_recorded_in_history_as_removed(live_site, captured, ws_admin):
    source, _ = captured
    live_site.serve("/daraa", article(AFTER))

    outcome = recapture(source_id=source.pk, by=ws_admin)

    reasons = {
        alert.kind: HistoryEntry.objects.get(model="alert", object_id=alert.pk).reason
        for alert in outcome.alerts
    }
    assert reasons[AlertKind.EVIDENCE_REMOVED].endswith("cited text removed")
    assert reasons[AlertKind.EVIDENCE_CHANGED].endswith("cited text changed")


ARABIC_BEFORE = [
    "قال مدير محطة المياه في درعا إن المضخات توقفت صباح الخميس بعد انقطاع الكهرباء عن المدينة.",
    "وأضاف أن الفرق الفنية تعمل على إصلاح الخط الرئيسي وأن الضخ سيعود خلال أيام قليلة.",
    "وقال سكان في الأحياء الشرقية إنهم يشترون المياه من الصهاريج بأسعار مرتفعة منذ أسبوع.",
]
ARABIC_AFTER = [*ARABIC_BEFORE[:2], "وعادت المياه إلى الأحياء الشرقية مساء الأحد بعد إصلاح الخط الرئيسي."]


def arabic_page(paragraphs: list[str]) -> bytes:
    """An Arabic article in Windows-1256, as such a site serves it."""
    page = article(paragraphs, title="توقف محطة المياه في درعا", lang="ar")
    return page.replace('<meta charset="utf-8">', '<meta charset="windows-1256">').encode("cp1256")


@pytest.fixture
def recaptured_in_windows_1256(live_site, workspace, analyst, ws_admin):
    """An Arabic page in Windows-1256, captured, then changed and captured again."""
    headers = [("Content-Type", "text/html; charset=windows-1256")]
    url = live_site.serve("/water", arabic_page(ARABIC_BEFORE), headers=headers)
    source = capture_source(url, workspace=workspace, user=analyst)
    live_site.serve("/water", arabic_page(ARABIC_AFTER), headers=headers)
    outcome = recapture(source_id=source.pk, by=ws_admin)
    assert outcome.outcome == CheckOutcome.NEW_VERSION
    return outcome.version


def test_a_recaptured_version_records_the_charset_its_bytes_were_decoded_from(recaptured_in_windows_1256):
    assert recaptured_in_windows_1256.media_type == "text/html; charset=windows-1256"


def test_a_recaptured_versions_original_is_downloaded_with_its_charset(
    recaptured_in_windows_1256, workspace, analyst, client
):
    client.force_login(analyst)
    source_id = recaptured_in_windows_1256.source_id
    page = client.get(f"/w/{workspace.slug}/sources/{source_id}/versions/2/original/")
    assert (page["Content-Type"], page["Content-Disposition"][-6:]) == (
        "text/html; charset=windows-1256",
        '.html"',
    )


def test_a_recaptured_sources_original_is_served_by_the_api_with_its_charset(
    recaptured_in_windows_1256, analyst
):
    source_id = recaptured_in_windows_1256.source_id
    response = api_client_for(analyst).get(f"/api/sources/{source_id}/original/")
    assert response["Content-Type"] == "text/html; charset=windows-1256"
