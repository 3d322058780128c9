"""Schedules: admins set them, `run_schedules` starts what is due, once."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks import task_backends

from archive.jobs import tasks
from archive.jobs.schedules import set_schedule
from archive.models import FixityCheck, HistoryVerification, Job, JobKind, Schedule, ScheduleKind, Workspace
from archive.workspaces import delete_workspace
from tests.factories import SourceFactory


@pytest.fixture
def web_source(workspace):
    return SourceFactory(workspace=workspace, original_url="https://hawranvoice.example/daraa")


def _run_schedules(capsys) -> str:
    call_command("run_schedules")
    return capsys.readouterr().out


def test_a_schedule_is_off_until_turned_on_and_kept_in_history(workspace, ws_admin):
    schedule = set_schedule(workspace=workspace, user=ws_admin, kind="fixity", every_hours=24, enabled=False)
    set_schedule(
        workspace=workspace, user=ws_admin, kind="fixity", every_hours=6, enabled=True, reason="weekly"
    )
    schedule.refresh_from_db()
    assert (schedule.every_hours, schedule.enabled) == (6, True)
    assert [row.history_user for row in schedule.history.all()] == [ws_admin, ws_admin]
    assert schedule.history.first().history_change_reason == "weekly"


def test_a_recapture_schedule_needs_its_source(workspace, ws_admin):
    with pytest.raises(ValidationError):
        set_schedule(workspace=workspace, user=ws_admin, kind="recapture", every_hours=24, enabled=True)


def test_a_recapture_schedule_is_refused_for_a_source_with_no_web_address(workspace, ws_admin, source):
    with pytest.raises(ValidationError, match="not captured from the web"):
        set_schedule(
            workspace=workspace, user=ws_admin, kind="recapture", source=source, every_hours=24, enabled=True
        )
    assert not Schedule.objects.exists()


def _delete_on_page(client, workspace, schedule: Schedule, reason: str):
    url = reverse("archive:schedules", args=[workspace.slug])
    return client.post(url, {"delete": schedule.pk, "reason": reason}, follow=True)


def test_an_admin_deletes_a_schedule_saying_why_and_its_history_keeps_it(client, workspace, ws_admin):
    schedule = set_schedule(workspace=workspace, user=ws_admin, kind="fixity", every_hours=24, enabled=True)
    client.force_login(ws_admin)
    assert (
        "Schedule deleted"
        in _delete_on_page(client, workspace, schedule, "Checked weekly by hand").content.decode()
    )
    assert not Schedule.objects.exists()
    deleted = schedule.history.latest("history_id")
    assert (deleted.history_type, deleted.history_change_reason, deleted.history_user) == (
        "-",
        "Checked weekly by hand",
        ws_admin,
    )


def test_deleting_a_schedule_without_a_reason_keeps_it(client, workspace, ws_admin):
    schedule = set_schedule(workspace=workspace, user=ws_admin, kind="fixity", every_hours=24, enabled=True)
    client.force_login(ws_admin)
    assert "Say why" in _delete_on_page(client, workspace, schedule, "").content.decode()
    assert Schedule.objects.filter(pk=schedule.pk).exists()


def test_a_workspace_with_a_schedule_can_be_deleted(workspace, ws_admin):
    set_schedule(workspace=workspace, user=ws_admin, kind="history_chain", every_hours=24, enabled=True)
    delete_workspace(workspace=workspace, user=ws_admin, reason="Closed investigation")
    assert not Workspace.objects.filter(pk=workspace.pk).exists()
    assert not Schedule.objects.exists()


def test_run_schedules_starts_due_workspace_checks_once_when_run_twice(workspace, ws_admin, source, capsys):
    set_schedule(workspace=workspace, user=ws_admin, kind="fixity", every_hours=24, enabled=True)
    set_schedule(workspace=workspace, user=ws_admin, kind="history_chain", every_hours=24, enabled=True)
    assert "2 scheduled jobs started." in _run_schedules(capsys)
    assert "0 scheduled jobs started." in _run_schedules(capsys)
    assert sorted(Job.objects.values_list("kind", "status")) == [
        ("fixity", "succeeded"),
        ("history_chain", "succeeded"),
    ]
    assert FixityCheck.objects.filter(source=source).count() == 1
    assert HistoryVerification.objects.filter(workspace=workspace).count() == 1


def test_a_disabled_schedule_never_fires(workspace, ws_admin, capsys):
    set_schedule(workspace=workspace, user=ws_admin, kind="fixity", every_hours=1, enabled=False)
    assert "0 scheduled jobs started." in _run_schedules(capsys)
    assert not Job.objects.exists()


def test_a_schedule_fires_again_once_its_interval_has_passed(workspace, ws_admin, capsys):
    schedule = set_schedule(workspace=workspace, user=ws_admin, kind="fixity", every_hours=2, enabled=True)
    _run_schedules(capsys)
    Schedule.objects.filter(pk=schedule.pk).update(last_fired_at=timezone.now() - timedelta(hours=1))
    assert "0 scheduled jobs started." in _run_schedules(capsys)
    Schedule.objects.filter(pk=schedule.pk).update(last_fired_at=timezone.now() - timedelta(hours=2))
    assert "1 scheduled job started." in _run_schedules(capsys)
    assert Job.objects.filter(schedule=schedule).count() == 2


def test_a_due_recapture_enqueues_the_recapture_task_for_its_source(
    settings, workspace, ws_admin, web_source, capsys
):
    source = web_source
    settings.JOBS_TASK_BACKEND = "dummy"  # keeps what is enqueued without running it
    schedule = set_schedule(
        workspace=workspace,
        user=ws_admin,
        kind=ScheduleKind.RECAPTURE,
        source=source,
        every_hours=12,
        enabled=True,
    )
    _run_schedules(capsys)
    job = Job.objects.get()
    [enqueued] = task_backends["dummy"].results
    assert (job.kind, job.source, job.schedule, job.started_by) == (JobKind.RECAPTURE, source, schedule, None)
    assert enqueued.task.func is tasks.recapture_source.func
    assert (enqueued.args, enqueued.kwargs) == ([], {"job_id": job.pk})
    assert job.task_result_id == enqueued.id


def test_admins_set_a_schedule_on_the_schedules_page(client, workspace, ws_admin, web_source):
    source = web_source
    client.force_login(ws_admin)
    url = reverse("archive:schedules", args=[workspace.slug])
    data = {"kind": "recapture", "source": source.pk, "every_hours": "48", "enabled": "on"}
    response = client.post(url, data)
    assert response.status_code == 302
    schedule = Schedule.objects.get()
    assert (schedule.kind, schedule.source, schedule.every_hours, schedule.enabled) == (
        "recapture",
        source,
        48,
        True,
    )
    assert "every 48 h" in client.get(url).content.decode()


def test_a_schedule_refused_by_the_rules_is_shown_with_the_reason(client, workspace, ws_admin):
    client.force_login(ws_admin)
    url = reverse("archive:schedules", args=[workspace.slug])
    response = client.post(url, {"kind": "recapture", "every_hours": "24"})
    assert response.status_code == 400
    assert "A recapture schedule is for one source" in response.content.decode()
    assert not Schedule.objects.exists()


def test_admins_run_a_fixity_check_now_from_the_schedules_page(client, workspace, ws_admin, source):
    client.force_login(ws_admin)
    response = client.post(reverse("archive:schedules", args=[workspace.slug]), {"run": "fixity"})
    job = Job.objects.get()
    assert response.url == reverse("archive:job", args=[job.pk])
    assert (job.kind, job.started_by, job.status) == ("fixity", ws_admin, "succeeded")


def test_schedules_page_links_each_schedule_to_the_job_it_started_last(
    client, workspace, ws_admin, source, capsys
):
    schedule = set_schedule(workspace=workspace, user=ws_admin, kind="fixity", every_hours=2, enabled=True)
    set_schedule(workspace=workspace, user=ws_admin, kind="history_chain", every_hours=2, enabled=False)
    _run_schedules(capsys)
    Schedule.objects.filter(pk=schedule.pk).update(last_fired_at=timezone.now() - timedelta(hours=2))
    _run_schedules(capsys)
    first, last = Job.objects.filter(schedule=schedule).order_by("pk")
    client.force_login(ws_admin)

    page = client.get(reverse("archive:schedules", args=[workspace.slug])).content.decode()

    assert reverse("archive:job", args=[last.pk]) in page
    assert reverse("archive:job", args=[first.pk]) not in page
    assert "never" in page  # the disabled schedule has started nothing
