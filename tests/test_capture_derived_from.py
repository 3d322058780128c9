"""Capturing a web page that derives from an archived source (a translation of an archived
original, say): from the import page (a job, and its "Try again") and `manage.py capture`,
refused at once by the domain's rule, as an original that is not archived is."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from archive.jobs import tasks
from archive.models import Derivation, Job, JobStatus, Source
from tests.factories import SourceFactory, WorkspaceFactory
from tests.websites import capturable, tried_again_after_failing_twice


@pytest.fixture
def site(settings):
    with capturable(settings, failures=2) as site:
        yield site


@pytest.fixture
def original(workspace):
    return SourceFactory(workspace=workspace, title="تقرير عن محطة المياه", language="ar")


def captured(workspace) -> Source:
    return Source.objects.get(workspace=workspace, capture__requested_url__contains="/article")


def test_a_page_captured_from_the_import_page_derives_from_the_archived_source_chosen(
    site, client, analyst, workspace, original
):
    client.force_login(analyst)
    fields = {"url": f"{site.url}/article", "derived_from": original.pk, "derivation": "translation"}
    client.post(reverse("archive:import", args=[workspace.slug]), fields)
    source = captured(workspace)
    assert (source.derived_from, source.derivation) == (original, Derivation.TRANSLATION)


def test_the_import_page_offers_only_the_workspaces_sources_to_derive_from(
    client, analyst, workspace, original
):
    elsewhere = SourceFactory(workspace=WorkspaceFactory(), title="Another workspace's report")
    client.force_login(analyst)
    page = client.get(reverse("archive:import", args=[workspace.slug])).content.decode()
    assert f'<option value="{original.pk}">' in page
    assert f'<option value="{elsewhere.pk}">' not in page


def test_deriving_from_an_archived_source_without_the_kind_is_refused_without_a_job(
    site, client, analyst, workspace, original
):
    client.force_login(analyst)
    fields = {"url": f"{site.url}/article", "derived_from": original.pk}
    response = client.post(reverse("archive:import", args=[workspace.slug]), fields)
    assert response.status_code == 400
    assert "Give both the source derived from (archived or not) and the kind" in response.content.decode()
    assert (Job.objects.exists(), site.paths) == (False, [])


def test_deriving_from_both_an_archived_source_and_an_unarchived_original_is_refused_without_a_job(
    site, client, analyst, workspace, original
):
    client.force_login(analyst)
    fields = {
        "url": f"{site.url}/article",
        "derived_from": original.pk,
        "derivation": "translation",
        "unarchived_title": "The council's post",
    }
    response = client.post(reverse("archive:import", args=[workspace.slug]), fields)
    assert response.status_code == 400
    assert (Job.objects.exists(), site.paths) == (False, [])


def test_an_archived_source_given_with_pasted_text_is_left_to_the_confirm_step(
    client, analyst, workspace, original
):
    client.force_login(analyst)
    fields = {"text": "The station stopped.", "derived_from": original.pk, "derivation": "translation"}
    response = client.post(reverse("archive:import", args=[workspace.slug]), fields)
    assert response.status_code == 400
    assert "for one file or pasted text, the next step asks for it" in response.content.decode()


def test_trying_a_failed_capture_again_keeps_the_source_it_derives_from(
    site, settings, analyst, workspace, original
):
    tried_again_after_failing_twice(
        site, settings, workspace=workspace, user=analyst, derivation="excerpt", derived_from=original
    )
    source = Source.objects.exclude(pk=original.pk).get(workspace=workspace)
    assert (source.derived_from, source.derivation) == (original, Derivation.EXCERPT)


@pytest.mark.django_db(transaction=True)  # the worker takes the queued task in a transaction of its own
def test_a_capture_whose_source_was_deleted_before_it_ran_fails_saying_so(
    site, settings, analyst, workspace, original
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # queued, not run at once
    job = tasks.start_capture(
        workspace=workspace,
        user=analyst,
        url=f"{site.url}/article",
        derivation="excerpt",
        derived_from=original,
    )
    Source.objects.filter(pk=original.pk).delete()
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", stdout=io.StringIO())
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert f"The source it was to derive from (#{original.pk}) has been deleted since." in job.failure
    assert site.paths == []


def test_the_capture_command_derives_from_an_archived_source(site, workspace, original):
    call_command(
        "capture",
        f"{site.url}/article",
        *("--workspace", workspace.slug, "--derived-from", str(original.pk), "--derivation", "translation"),
        stdout=io.StringIO(),
    )
    source = captured(workspace)
    assert (source.derived_from, source.derivation) == (original, Derivation.TRANSLATION)


def test_the_capture_command_refuses_a_source_of_another_workspace_before_fetching(site, workspace):
    elsewhere = SourceFactory(workspace=WorkspaceFactory())
    with pytest.raises(CommandError, match=rf"--derived-from: no source {elsewhere.pk} in {workspace.slug}"):
        call_command(
            "capture",
            f"{site.url}/article",
            *(
                "--workspace",
                workspace.slug,
                "--derived-from",
                str(elsewhere.pk),
                "--derivation",
                "translation",
            ),
            stdout=io.StringIO(),
        )
    assert site.paths == []
