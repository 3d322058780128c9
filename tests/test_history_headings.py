"""An object's history page gives each of its entries a heading, for a screen reader to go
from one to the next by heading."""

import re

from django.urls import reverse

from archive.claims import edit_item
from tests.factories import ClaimFactory


def test_each_entry_of_a_history_page_is_a_heading(client, analyst, workspace):
    claim = ClaimFactory(workspace=workspace, created_by=analyst)
    edit_item(
        claim, user=analyst, expected_version=claim.version, changes={"statement": "Reworded."}, reason="typo"
    )
    client.force_login(analyst)
    page = client.get(
        reverse("archive:object_history", args=[workspace.slug, "claim", claim.pk])
    ).content.decode()
    entries = re.findall(r'<li id="v\d+" class="version">\s*<header>.*?</header>', page, re.S)
    assert len(entries) == claim.history.count() == 2
    assert all(re.search(r"<h2[^>]*>.*</h2>", entry, re.S) for entry in entries)


def test_the_history_of_an_object_without_a_page_of_its_own_has_no_empty_paragraph(
    client, analyst, workspace, passage
):
    client.force_login(analyst)
    url = reverse("archive:object_history", args=[workspace.slug, "passage", passage.pk])
    page = client.get(url).content.decode()
    assert 'class="history-status"' not in page
    assert not re.search(r"<p[^>]*>\s*</p>", page)


def test_the_history_of_a_claim_links_to_it_now_and_as_of_a_time(client, analyst, workspace):
    claim = ClaimFactory(workspace=workspace, created_by=analyst)
    client.force_login(analyst)
    page = client.get(
        reverse("archive:object_history", args=[workspace.slug, "claim", claim.pk])
    ).content.decode()
    status = re.search(r'<p class="history-status">(.*?)</p>', page, re.S)[1]
    assert "Open it as it is now" in status and "· <a" in status and "as of a date and time" in status
