"""Exporting the whole workspace from the browser: an admin starts a job, its page offers the
ZIP to the workspace's admins only, and `import_archive` restores that ZIP as it restores the
directory `export_archive` writes."""

import datetime
import io
import os
import zipfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from archive.backups.archive import export_workspace
from archive.backups.packed import EXPORTS_DIR, KEPT_FOR
from archive.jobs.running import Progress
from archive.jobs.tasks import export_name, start_export
from archive.models import Annotation, Job, JobKind, JobStatus, Membership, Role, Workspace
from tests.test_exchange import files_of, generated_workspace, wipe_database


@pytest.fixture
def admin_client(client, ws_admin):
    client.force_login(ws_admin)
    return client


def _export(client, workspace) -> Job:
    response = client.post(reverse("archive:workspace_export", args=[workspace.slug]))
    job = Job.objects.get(kind=JobKind.EXPORT)
    assert response["Location"] == reverse("archive:job", args=[job.pk])
    return job


def _download(client, job: Job):
    return client.get(reverse("archive:workspace_export_download", args=[job.workspace.slug, job.pk]))


def _saved(response, path: Path) -> Path:
    path.write_bytes(b"".join(response.streaming_content))
    return path


def test_an_admins_export_runs_as_a_job_whose_page_offers_the_zip(admin_client, workspace):
    job = _export(admin_client, workspace)
    page = admin_client.get(reverse("archive:job", args=[job.pk])).content.decode()
    download = reverse("archive:workspace_export_download", args=[workspace.slug, job.pk])
    assert Job.objects.get().status == JobStatus.SUCCEEDED
    assert f'<a href="{download}" download>Download the ZIP file</a>' in page


def test_the_downloaded_zip_is_named_after_the_workspace_and_the_time_of_the_export(admin_client, workspace):
    job = _export(admin_client, workspace)
    response = _download(admin_client, job)
    made = job.created_at.astimezone(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="southern-syria-2017-{made}.zip"'
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as packed:
        assert {name.split("/")[0] for name in packed.namelist()} == {f"southern-syria-2017-{made}"}
        assert f"southern-syria-2017-{made}/manifest.json" in packed.namelist()


def test_import_archive_restores_the_downloaded_zip_byte_for_byte(
    admin_client, workspace, analyst, ws_admin, tmp_path
):
    generated_workspace(workspace, analyst, ws_admin)
    zipped = _saved(_download(admin_client, _export(admin_client, workspace)), tmp_path / "download.zip")
    with zipfile.ZipFile(zipped) as packed:
        packed.extractall(tmp_path / "unpacked")
    [exported] = (tmp_path / "unpacked").iterdir()
    wipe_database()
    call_command("import_archive", str(zipped), stdout=io.StringIO())
    export_workspace(workspace=Workspace.objects.get(), directory=tmp_path / "restored")
    assert files_of(tmp_path / "restored") == files_of(exported)
    assert Annotation.objects.get().body == "Same place."


def test_import_archive_copies_the_downloaded_zip_as_a_new_workspace(
    admin_client, workspace, analyst, ws_admin, tmp_path
):
    generated_workspace(workspace, analyst, ws_admin)
    zipped = _saved(_download(admin_client, _export(admin_client, workspace)), tmp_path / "download.zip")
    call_command("import_archive", str(zipped), "--as-new-workspace", "copy", stdout=io.StringIO())
    copy = Workspace.objects.get(slug="copy")
    assert copy.name == "Southern Syria 2017 (copy)"
    assert Annotation.objects.filter(passages__source__workspace=copy).distinct().count() == 1


def test_import_archive_refuses_a_zip_without_a_manifest_saying_so(db, tmp_path):
    zipped = tmp_path / "other.zip"
    with zipfile.ZipFile(zipped, "w") as packed:
        packed.writestr("notes/readme.txt", "Not an archive.")
    with pytest.raises(CommandError, match=r"The ZIP file holds no manifest\.json"):
        call_command("import_archive", str(zipped), stdout=io.StringIO())
    assert not Workspace.objects.exists()


def test_an_admin_who_became_an_analyst_no_longer_downloads_the_export_they_started(
    admin_client, workspace, ws_admin
):
    job = _export(admin_client, workspace)
    Membership.objects.filter(workspace=workspace, user=ws_admin).update(role=Role.ANALYST)
    assert _download(admin_client, job).status_code == 403


def test_an_export_no_longer_kept_says_so_and_to_export_again(admin_client, workspace):
    job = _export(admin_client, workspace)
    default_storage.delete(export_name(job).stored)
    response = _download(admin_client, job)
    assert response.status_code == 410
    assert "That export is no longer kept" in response.content.decode()


def test_a_download_names_only_a_finished_export_of_this_workspace(admin_client, workspace):
    running = start_export(workspace=workspace, user=None)
    Job.objects.filter(pk=running.pk).update(status=JobStatus.RUNNING)
    assert _download(admin_client, running).status_code == 404


def test_exports_older_than_they_are_kept_are_deleted_when_another_is_made(admin_client, workspace):
    old = default_storage.save(f"{EXPORTS_DIR}/1-old.zip", ContentFile(b"PK"))
    long_ago = (timezone.now() - KEPT_FOR - datetime.timedelta(minutes=1)).timestamp()
    os.utime(default_storage.path(old), (long_ago, long_ago))
    job = _export(admin_client, workspace)
    assert not default_storage.exists(old)
    assert default_storage.exists(export_name(job).stored)


def test_the_export_page_lists_recent_exports_with_their_downloads(admin_client, workspace):
    job = _export(admin_client, workspace)
    page = admin_client.get(reverse("archive:workspace_export", args=[workspace.slug])).content.decode()
    assert reverse("archive:workspace_export_download", args=[workspace.slug, job.pk]) in page
    assert "Each export is kept for 7 days." in page


def test_the_workspace_page_links_admins_to_the_export(client, workspace, ws_admin, analyst):
    export_page = reverse("archive:workspace_export", args=[workspace.slug])
    shown = {}
    for user in (ws_admin, analyst):
        client.force_login(user)
        shown[user.username] = (
            export_page in client.get(reverse("archive:workspace", args=[workspace.slug])).content.decode()
        )
    assert shown == {"ws-admin": True, "analyst": False}


def test_an_export_job_beats_while_it_reads_the_rows_before_it_has_anything_to_count(
    admin_client, workspace, analyst, ws_admin, monkeypatch
):
    generated_workspace(workspace, analyst, ws_admin)
    said = []
    monkeypatch.setattr(Progress, "beat", lambda progress: said.append("alive"))
    monkeypatch.setattr(Progress, "__call__", lambda progress, done, total, note="": said.append("counted"))
    _export(admin_client, workspace)
    assert said[0] == "alive" and "counted" in said
