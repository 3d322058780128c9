"""Naming an original that is not archived when a web page is captured: from the import page
(a job, and its "Try again") and with `manage.py capture`, refused at once by the domain's rule."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from archive.models import Derivation, Job, Source
from tests.test_unarchived_original import ARABIC_REPORT
from tests.websites import capturable, tried_again_after_failing_twice

# As typed on the import page: the address without its scheme.
TYPED = {
    "unarchived_title": ARABIC_REPORT.title,
    "unarchived_url": "baladi-news.example/ar/2017/water",
    "unarchived_outlet": ARABIC_REPORT.outlet,
    "unarchived_language": ARABIC_REPORT.language,
    "unarchived_published_on": "2017-07-04",
}
# As given to the command.
OPTIONS = [
    *("--unarchived-title", ARABIC_REPORT.title, "--unarchived-url", ARABIC_REPORT.url),
    *("--unarchived-outlet", ARABIC_REPORT.outlet, "--unarchived-language", ARABIC_REPORT.language),
    *("--unarchived-published-on", "2017-07-04"),
]


@pytest.fixture
def site(settings):
    with capturable(settings, failures=2) as site:
        yield site


def capture(client, user, workspace, **fields):
    client.force_login(user)
    return client.post(reverse("archive:import", args=[workspace.slug]), fields)


def test_a_page_captured_from_the_import_page_records_its_unarchived_original(
    site, client, analyst, workspace
):
    capture(client, analyst, workspace, url=f"{site.url}/article", derivation="translation", **TYPED)
    source = Source.objects.get(workspace=workspace)
    assert (source.derivation, source.derived_from, source.unarchived_original) == (
        Derivation.TRANSLATION,
        None,
        ARABIC_REPORT,
    )


def test_capturing_an_unarchived_original_without_its_title_or_address_is_refused_without_a_job(
    site, client, analyst, workspace
):
    response = capture(
        client, analyst, workspace, url=f"{site.url}/article", derivation="translation", unarchived_outlet="X"
    )
    assert response.status_code == 400
    assert "Give the title or the address of the original that is not archived." in response.content.decode()
    assert (Job.objects.exists(), site.paths) == (False, [])


def test_capturing_an_unarchived_original_without_its_kind_of_derivation_is_refused_without_a_job(
    site, client, analyst, workspace
):
    response = capture(client, analyst, workspace, url=f"{site.url}/article", **TYPED)
    assert response.status_code == 400
    assert "Give both the source derived from (archived or not) and the kind" in response.content.decode()
    assert (Job.objects.exists(), site.paths) == (False, [])


def test_capturing_an_unarchived_original_published_in_the_future_is_refused_without_a_job(
    site, client, analyst, workspace
):
    typed = TYPED | {"unarchived_published_on": "2999-01-01"}
    response = capture(
        client, analyst, workspace, url=f"{site.url}/article", derivation="translation", **typed
    )
    assert response.status_code == 400
    assert "2999-01-01 is not a plausible publication date" in response.content.decode()
    assert (Job.objects.exists(), site.paths) == (False, [])


def test_an_unarchived_original_given_with_pasted_text_is_left_to_the_confirm_step(
    client, analyst, workspace
):
    response = capture(
        client, analyst, workspace, text="The station stopped.", derivation="translation", **TYPED
    )
    assert response.status_code == 400
    assert "for one file or pasted text, the next step asks for it" in response.content.decode()


def test_trying_a_failed_capture_again_keeps_its_unarchived_original(site, settings, analyst, workspace):
    tried_again_after_failing_twice(
        site,
        settings,
        workspace=workspace,
        user=analyst,
        derivation="translation",
        unarchived_original=ARABIC_REPORT,
    )
    assert Source.objects.get(workspace=workspace).unarchived_original == ARABIC_REPORT


def test_the_capture_command_records_an_unarchived_original(site, workspace):
    url = f"{site.url}/article"
    call_command("capture", url, "--workspace", workspace.slug, "--derivation", "translation", *OPTIONS)
    source = Source.objects.get(workspace=workspace)
    assert (source.derivation, source.unarchived_original) == (Derivation.TRANSLATION, ARABIC_REPORT)


def test_the_capture_command_refuses_an_unarchived_original_without_its_kind_before_fetching(site, workspace):
    with pytest.raises(CommandError, match=r"--derivation: Give both the source derived from"):
        call_command(
            "capture", f"{site.url}/article", "--workspace", workspace.slug, *OPTIONS, stdout=io.StringIO()
        )
    assert site.paths == []
