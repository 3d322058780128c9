"""Fixity verification: re-hashing stored originals, WARC records and texts."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.urls import reverse

from archive.core.text import sha256_hex
from archive.jobs import tasks
from archive.models import Alert, AlertKind, FixityCheck, FixityStatus, JobStatus, Source
from archive.sources.writes import create_source
from tests.factories import CaptureFactory


@pytest.fixture
def archived(workspace, analyst, request):
    """A source whose original is stored; its text is unique to the test."""
    return create_source(
        workspace=workspace,
        user=analyst,
        title="Report",
        text=f"Fixity of {request.node.name}.",
        language="en",
    )


def verify() -> tuple[str, CommandError | None]:
    out = io.StringIO()
    try:
        call_command("verify_fixity", stdout=out)
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


def overwrite_stored(name: str, data: bytes) -> None:
    with open(default_storage.path(name), "wb") as stored:
        stored.write(data)


def test_intact_archive_verifies_and_records_an_ok_check(archived):
    output, error = verify()
    assert error is None
    assert "1 intact, 0 with problems" in output
    assert FixityCheck.objects.get(source=archived).status == FixityStatus.OK


def test_one_verified_source_is_counted_in_the_singular(archived):
    output, _ = verify()
    assert "Verified 1 source: 1 intact, 0 with problems." in output


def test_one_failed_source_is_counted_in_the_singular(archived):
    default_storage.delete(archived.original.name)
    _, error = verify()
    assert str(error) == "Fixity verification failed for 1 source."


def test_one_changed_byte_in_an_original_is_reported_and_fails_the_command(archived):
    with default_storage.open(archived.original.name, "rb") as stored:
        data = bytearray(stored.read())
    data[0] ^= 0x01
    overwrite_stored(archived.original.name, bytes(data))
    output, error = verify()
    assert error is not None
    assert f"source {archived.pk}" in output and f"expected {archived.original_sha256}" in output
    assert FixityCheck.objects.get(source=archived).status == FixityStatus.MISMATCH


def test_missing_original_is_reported(archived):
    default_storage.delete(archived.original.name)
    output, error = verify()
    assert error is not None
    assert "is missing" in output
    assert FixityCheck.objects.get(source=archived).status == FixityStatus.MISSING


def test_changed_warc_record_is_reported(archived):
    capture = CaptureFactory(source=archived, web=True)
    overwrite_stored(capture.warc.name, b"WARC/1.0 tampered")
    output, error = verify()
    assert error is not None
    assert "WARC record" in output


def test_text_changed_behind_the_archive_s_back_is_reported(archived):
    Source.objects.filter(pk=archived.pk).update(text="Quietly rewritten.")
    output, error = verify()
    assert error is not None
    assert "text has SHA-256" in output


def test_verify_fixity_can_be_limited_to_one_workspace(archived, outsider):
    other = create_source(
        workspace=outsider.memberships.get().workspace,
        user=outsider,
        title="Elsewhere",
        text="Elsewhere.",
        language="en",
    )
    call_command("verify_fixity", "--workspace", archived.workspace.slug, stdout=io.StringIO())
    assert FixityCheck.objects.filter(source=other).count() == 0


def test_provenance_page_shows_the_last_verification(client, analyst, archived):
    verify()
    client.force_login(analyst)
    response = client.get(reverse("archive:source_provenance", args=[archived.workspace.slug, archived.pk]))
    page = response.content.decode()
    assert "intact, last verified" in page


# --- alerts ---------------------------------------------------------------------


def fixity_alerts() -> list[Alert]:
    return list(Alert.objects.filter(kind=AlertKind.FIXITY_FAILED).order_by("recipient_id", "id"))


def test_a_changed_file_alerts_each_admin_naming_the_source_version_kind_and_both_hashes(
    archived, ws_admin, analyst, reviewer
):
    overwrite_stored(archived.original.name, b"altered")
    verify()
    [alert] = fixity_alerts()
    assert (alert.recipient, alert.source, alert.workspace) == (ws_admin, archived, archived.workspace)
    assert f"The original of “{archived.title}” (source {archived.pk}, version 1)" in alert.message
    assert f"has SHA-256 {sha256_hex(b'altered')}, not {archived.original_sha256}" in alert.message


def test_a_missing_file_alerts_each_admin_naming_it_and_its_hash(archived, ws_admin):
    default_storage.delete(archived.original.name)
    verify()
    [alert] = fixity_alerts()
    assert f"stored as {archived.original.name}, is missing" in alert.message
    assert archived.original_sha256 in alert.message


def test_each_failing_file_of_a_source_has_its_own_alert(archived, ws_admin):
    capture = CaptureFactory(source=archived, web=True)
    overwrite_stored(capture.warc.name, b"WARC/1.0 tampered")
    default_storage.delete(archived.original.name)
    verify()
    messages = [alert.message for alert in fixity_alerts()]
    assert len(messages) == 2
    assert any("The WARC record of" in message for message in messages)
    assert any("The original of" in message and "is missing" in message for message in messages)


def test_a_file_still_failing_is_not_alerted_again(archived, ws_admin):
    default_storage.delete(archived.original.name)
    verify()
    verify()
    assert len(fixity_alerts()) == 1
    assert FixityCheck.objects.filter(source=archived).count() == 2


def test_a_file_that_fails_again_after_it_was_restored_is_alerted_again(archived, ws_admin):
    with default_storage.open(archived.original.name, "rb") as stored:
        data = stored.read()
    overwrite_stored(archived.original.name, b"altered")
    verify()
    overwrite_stored(archived.original.name, data)
    verify()
    overwrite_stored(archived.original.name, b"altered")
    verify()
    assert len(fixity_alerts()) == 2


def test_an_intact_source_alerts_no_one(archived, ws_admin):
    verify()
    assert fixity_alerts() == []


def test_the_scheduled_fixity_job_alerts_the_admins_too(archived, ws_admin):
    Source.objects.filter(pk=archived.pk).update(text="Quietly rewritten.")
    job = tasks.start_fixity(workspace=archived.workspace)
    assert job.status == JobStatus.FAILED
    [alert] = fixity_alerts()
    assert alert.recipient == ws_admin
    assert f"The text of “{archived.title}” (source {archived.pk})" in alert.message


def test_the_alerts_page_links_a_fixity_alert_to_the_source_s_provenance(client, archived, ws_admin):
    default_storage.delete(archived.original.name)
    verify()
    client.force_login(ws_admin)
    page = client.get(reverse("archive:alerts")).content.decode()
    assert "stored file damaged or missing" in page
    assert reverse("archive:source_provenance", args=[archived.workspace.slug, archived.pk]) in page


def test_a_missing_folder_of_stored_files_is_said_and_nothing_is_checked(
    archived, ws_admin, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path / "not-mounted")
    _, error = verify()
    assert str(error) == (
        f"The folder of stored files, MEDIA_ROOT {tmp_path / 'not-mounted'}, is not there: is its volume "
        "mounted, and the setting right? Nothing was checked."
    )
    assert not FixityCheck.objects.exists()
    assert fixity_alerts() == []


def test_the_scheduled_fixity_job_fails_saying_the_folder_is_missing(archived, ws_admin, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "not-mounted")
    job = tasks.start_fixity(workspace=archived.workspace, user=ws_admin)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "MEDIA_ROOT" in job.failure and "is not there" in job.failure
    assert not FixityCheck.objects.exists()
