"""Fixity verification: re-hashing stored originals, WARC records and texts."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.urls import reverse

from archive.models import FixityCheck, FixityStatus, Source
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
