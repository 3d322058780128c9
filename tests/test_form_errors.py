"""Server-rendered forms sent back with errors: a summary at their top linking each error
to its field (archive/_error_summary.html), and help texts with the ids fields name."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from archive.models import Membership, Role
from tests.test_import_views import confirm, token_of, upload


@pytest.fixture
def refused_language(client, analyst, workspace) -> str:
    """The import confirm page sent back for a language that is no BCP 47 tag."""
    client.force_login(analyst)
    proposed = upload(client, workspace, text="Pasted words.")
    response = confirm(client, workspace, token_of(proposed), language="Arabic!")
    assert response.status_code == 400
    return response.content.decode()


def element_with_id(page: str, element_id: str) -> str | None:
    found = re.search(rf'<[^>]*\bid="{re.escape(element_id)}"[^>]*>', page)
    return found.group(0) if found else None


def test_the_language_help_text_has_the_id_its_field_is_described_by(client, analyst, workspace):
    client.force_login(analyst)
    page = upload(client, workspace, text="Pasted words.").content.decode()
    described_by = re.search(r'aria-describedby="([^"]+)"', element_with_id(page, "id_language")).group(1)
    assert "id_language_helptext" in described_by.split()
    assert element_with_id(page, "id_language_helptext") is not None


def test_the_file_help_text_of_the_import_page_has_the_id_its_field_is_described_by(
    client, analyst, workspace
):
    client.force_login(analyst)
    page = client.get(reverse("archive:import", args=[workspace.slug])).content.decode()
    assert 'aria-describedby="id_file_helptext"' in element_with_id(page, "id_file")
    assert element_with_id(page, "id_file_helptext") is not None


def test_every_id_a_refused_field_is_described_by_is_on_the_page(refused_language):
    references = re.findall(r'aria-describedby="([^"]+)"', refused_language)
    assert references
    for element_id in " ".join(references).split():
        assert element_with_id(refused_language, element_id) is not None, element_id


def test_a_refused_form_starts_with_a_summary_linking_each_error_to_its_field(refused_language):
    summary = re.search(
        r'<div class="error-summary" role="alert" tabindex="-1">.*?</div>', refused_language, re.S
    )
    assert summary is not None
    assert re.search(r'<a href="#id_language">Language: Enter a BCP 47 language tag', summary.group(0))
    assert summary.start() < refused_language.index('id="id_title"')  # above the fields


def test_a_refused_claim_form_starts_with_the_error_summary(client, analyst, workspace):
    client.force_login(analyst)
    response = client.post(reverse("archive:claim_create", args=[workspace.slug]), {"statement": " "})
    page = response.content.decode()
    assert re.search(r'<div class="error-summary" role="alert" tabindex="-1">\s*<h2>', page)
    assert "js/error-summary.js" in page


def summaries(page: str) -> list[str]:
    return re.findall(r'<div class="error-summary" role="alert" tabindex="-1">.*?</div>', page, re.S)


def test_a_refused_import_is_said_in_the_one_summary_the_focus_starts_on(client, analyst, workspace):
    client.force_login(analyst)
    script = SimpleUploadedFile("notes.txt", b"#!/bin/sh\nrm -rf ~\n")
    page = upload(client, workspace, file=script).content.decode()
    [summary] = summaries(page)
    assert "<h2>Not imported</h2>" in summary and "This file is a script" in summary
    assert "js/error-summary.js" in page


def test_a_refused_member_change_is_said_in_the_summary(client, ws_admin, workspace, analyst):
    membership = Membership.objects.get(workspace=workspace, user=analyst)
    client.force_login(ws_admin)
    url = reverse("archive:member_remove", args=[workspace.slug, membership.pk])
    [summary] = summaries(client.post(url, {"reason": "  "}).content.decode())
    assert "<h2>Not changed</h2>" in summary and "was not removed." in summary


def test_a_refused_new_member_is_summarised_once(client, ws_admin, workspace):
    client.force_login(ws_admin)
    data = {"username": "nobody-here", "role": Role.ANALYST}
    page = client.post(reverse("archive:members", args=[workspace.slug]), data).content.decode()
    [summary] = summaries(page)
    assert "Accounts are made by the operator of the site." in summary
