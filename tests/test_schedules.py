"""Schedules: admins set them, `run_schedules` starts what is due, once."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks import task_backends

from archive.core.attribution import REASON_MAX_LENGTH
from archive.core.editing import AlreadyExists, StaleVersion
from archive.jobs import schedules as scheduling
from archive.jobs import tasks
from archive.jobs.schedules import change_schedule, pause_schedule, resume_schedule, set_schedule
from archive.models import FixityCheck, HistoryVerification, Job, JobKind, Schedule, ScheduleKind, Workspace
from archive.workspaces import delete_workspace
from tests.factories import SourceFactory, WorkspaceFactory


@pytest.fixture
def web_source(workspace):
    return SourceFactory(workspace=workspace, original_url="https://hawranvoice.example/daraa")


def _run_schedules(capsys) -> str:
    call_command("run_schedules")
    return capsys.readouterr().out


def test_a_schedule_is_paused_until_turned_on_and_kept_in_history(workspace, ws_admin):
    schedule = set_schedule(workspace=workspace, user=ws_admin, kind="fixity", every_hours=24, enabled=False)
    resume_schedule(schedule=schedule, user=ws_admin, reason="checked weekly from now on")
    schedule.refresh_from_db()
    assert schedule.enabled
    assert [row.history_user for row in schedule.history.all()] == [ws_admin, ws_admin]
    assert schedule.history.first().history_change_reason == "checked weekly from now on"


def test_setting_a_schedule_of_a_kind_there_is_already_is_refused_naming_it(workspace, ws_admin):
    schedule = set_schedule(workspace=workspace, user=ws_admin, kind="fixity", every_hours=24, enabled=True)
    with pytest.raises(AlreadyExists, match=r"already a schedule for this \(every 24 h, on\)") as refused:
        set_schedule(workspace=workspace, user=ws_admin, kind="fixity", every_hours=6, enabled=False)
    assert refused.value.existing == schedule
    schedule.refresh_from_db()
    assert (schedule.every_hours, schedule.enabled, schedule.history.count()) == (24, True, 1)


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


# --- Changing, pausing and resuming a schedule ----------------------------------


def _page(workspace) -> str:
    return reverse("archive:schedules", args=[workspace.slug])


def _edit_page(schedule: Schedule) -> str:
    return reverse("archive:schedule_edit", args=[schedule.workspace.slug, schedule.pk])


def test_setting_a_recapture_again_for_its_source_shows_the_existing_one_and_replaces_nothing(
    client, workspace, ws_admin, web_source
):
    schedule = set_schedule(
        workspace=workspace, user=ws_admin, kind="recapture", source=web_source, every_hours=24, enabled=True
    )
    client.force_login(ws_admin)
    data = {"kind": "recapture", "source": web_source.pk, "every_hours": "48", "reason": "slower"}

    response = client.post(_page(workspace), data)

    page = response.content.decode()
    assert response.status_code == 409
    assert "replaces the existing schedule (every 24 h, on)" in page
    assert 'name="every_hours" value="48"' in page  # what was asked, ready to confirm
    assert _edit_page(schedule) in page
    schedule.refresh_from_db()
    assert (schedule.every_hours, schedule.enabled, schedule.history.count()) == (24, True, 1)


def test_confirming_the_replacement_changes_the_existing_schedule_and_its_history_keeps_the_old(
    client, workspace, ws_admin, web_source
):
    schedule = set_schedule(
        workspace=workspace, user=ws_admin, kind="recapture", source=web_source, every_hours=24, enabled=True
    )
    client.force_login(ws_admin)
    data = {"version": schedule.version, "every_hours": "48", "enabled": "on", "reason": "weekly updates"}

    response = client.post(_edit_page(schedule), data)

    assert response.status_code == 302
    changed, before = schedule.history.all()[:2]
    assert (changed.every_hours, changed.enabled, changed.history_change_reason, changed.history_user) == (
        48,
        True,
        "weekly updates",
        ws_admin,
    )
    assert before.every_hours == 24
    assert Schedule.objects.count() == 1


def test_an_admin_changes_a_schedules_interval_from_its_page(client, workspace, ws_admin):
    schedule = set_schedule(workspace=workspace, user=ws_admin, kind="fixity", every_hours=24, enabled=True)
    client.force_login(ws_admin)
    assert 'value="24"' in client.get(_edit_page(schedule)).content.decode()
    data = {"version": schedule.version, "every_hours": "6", "enabled": "on", "reason": "an incident"}

    page = client.post(_edit_page(schedule), data, follow=True).content.decode()

    assert "Schedule changed: fixity check of the workspace, every 6 h." in page
    schedule.refresh_from_db()
    assert (schedule.every_hours, schedule.enabled) == (6, True)


def test_changing_a_schedule_without_a_reason_changes_nothing(client, workspace, ws_admin):
    schedule = set_schedule(workspace=workspace, user=ws_admin, kind="fixity", every_hours=24, enabled=True)
    client.force_login(ws_admin)
    data = {"version": schedule.version, "every_hours": "6", "enabled": "on", "reason": " "}

    response = client.post(_edit_page(schedule), data)

    assert response.status_code == 400
    assert "Say why" in response.content.decode()
    schedule.refresh_from_db()
    assert schedule.every_hours == 24


def test_a_change_made_from_an_outdated_page_is_refused(workspace, ws_admin):
    schedule = set_schedule(workspace=workspace, user=ws_admin, kind="fixity", every_hours=24, enabled=True)
    change_schedule(schedule=schedule, user=ws_admin, reason="first", every_hours=12)
    with pytest.raises(StaleVersion):
        change_schedule(schedule=schedule, user=ws_admin, reason="second", every_hours=6, expected_version=1)
    schedule.refresh_from_db()
    assert schedule.every_hours == 12


def _switch_on_page(client, schedule: Schedule, switch: str, reason: str):
    data = {switch: schedule.pk, "version": schedule.version, "reason": reason}
    return client.post(_page(schedule.workspace), data, follow=True)


def test_an_admin_pauses_a_schedule_with_a_reason_and_the_page_shows_it_paused(client, workspace, ws_admin):
    schedule = set_schedule(workspace=workspace, user=ws_admin, kind="fixity", every_hours=24, enabled=True)
    client.force_login(ws_admin)

    page = _switch_on_page(client, schedule, "pause", "storage migration this week").content.decode()

    assert "Schedule paused" in page
    assert "<strong>paused</strong>" in page
    assert ">Resume<" in page
    schedule.refresh_from_db()
    paused = schedule.history.first()
    assert (schedule.enabled, paused.history_change_reason, paused.history_user) == (
        False,
        "storage migration this week",
        ws_admin,
    )


def test_pausing_without_a_reason_keeps_the_schedule_on(client, workspace, ws_admin):
    schedule = set_schedule(workspace=workspace, user=ws_admin, kind="fixity", every_hours=24, enabled=True)
    client.force_login(ws_admin)
    assert "Say why" in _switch_on_page(client, schedule, "pause", "").content.decode()
    schedule.refresh_from_db()
    assert schedule.enabled


def test_pausing_a_paused_schedule_says_it_is_paused_already(workspace, ws_admin):
    schedule = set_schedule(workspace=workspace, user=ws_admin, kind="fixity", every_hours=24, enabled=False)
    with pytest.raises(ValidationError, match="paused already"):
        pause_schedule(schedule=schedule, user=ws_admin, reason="again")
    assert schedule.history.count() == 1


def test_a_schedule_of_another_workspace_cannot_be_paused_from_this_one(client, workspace, ws_admin):
    elsewhere = set_schedule(
        workspace=WorkspaceFactory(), user=ws_admin, kind="fixity", every_hours=24, enabled=True
    )
    client.force_login(ws_admin)
    data = {"pause": elsewhere.pk, "version": elsewhere.version, "reason": "not mine"}
    assert client.post(_page(workspace), data).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.enabled


def test_a_paused_schedule_never_fires_even_when_overdue(workspace, ws_admin, capsys):
    schedule = set_schedule(workspace=workspace, user=ws_admin, kind="fixity", every_hours=1, enabled=True)
    Schedule.objects.filter(pk=schedule.pk).update(last_fired_at=timezone.now() - timedelta(days=30))
    pause_schedule(schedule=schedule, user=ws_admin, reason="storage migration")
    assert "0 scheduled jobs started." in _run_schedules(capsys)
    assert not Job.objects.exists()


def test_a_schedule_paused_after_the_run_listed_it_as_due_does_not_fire(monkeypatch, workspace, ws_admin):
    schedule = set_schedule(workspace=workspace, user=ws_admin, kind="fixity", every_hours=1, enabled=True)
    listed = scheduling.due_schedules()

    def paused_meanwhile(now=None):
        pause_schedule(schedule=schedule, user=ws_admin, reason="storage migration")
        return listed

    monkeypatch.setattr(scheduling, "due_schedules", paused_meanwhile)
    assert scheduling.fire_due() == []
    assert not Job.objects.exists()


def test_a_resumed_schedule_fires_when_due(client, workspace, ws_admin, capsys):
    schedule = set_schedule(workspace=workspace, user=ws_admin, kind="fixity", every_hours=24, enabled=True)
    pause_schedule(schedule=schedule, user=ws_admin, reason="storage migration")
    client.force_login(ws_admin)
    schedule.refresh_from_db()

    assert (
        "Schedule resumed" in _switch_on_page(client, schedule, "resume", "migration done").content.decode()
    )

    assert "1 scheduled job started." in _run_schedules(capsys)
    assert Job.objects.filter(schedule=schedule).count() == 1


def test_the_pause_and_delete_reason_boxes_take_the_shared_length(client, ws_admin, workspace):
    set_schedule(workspace=workspace, user=ws_admin, kind="fixity", every_hours=24, enabled=True, reason="r")
    client.force_login(ws_admin)
    page = client.get(reverse("archive:schedules", args=[workspace.slug])).content.decode()
    boxes = re.findall(r'<input id="(?:pause|delete)-reason-[^>]*>', page)
    assert len(boxes) == 2
    assert all(f'maxlength="{REASON_MAX_LENGTH}"' in box for box in boxes)
