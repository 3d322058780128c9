"""Navigation links say which one is the page shown (aria-current="page"), and the header's
second navigation has a name."""

from django.urls import reverse


def test_the_workspace_navigation_marks_the_page_shown(client, workspace, analyst):
    client.force_login(analyst)
    url = reverse("archive:claims", args=[workspace.slug])
    page = client.get(url).content.decode()
    assert f'<a href="{url}" aria-current="page">Claims</a>' in page
    assert page.count('aria-current="page"') == 1


def test_the_audit_navigation_marks_the_review_queue_when_it_is_shown(client, workspace, reviewer):
    client.force_login(reviewer)
    url = reverse("archive:review_queue", args=[workspace.slug])
    page = client.get(url).content.decode()
    assert f'<a href="{url}" aria-current="page">Review queue</a>' in page
    assert f'<a href="{url}" aria-current="page">Review</a>' in page


def test_the_header_names_its_account_navigation(client, analyst):
    client.force_login(analyst)
    page = client.get(reverse("archive:home")).content.decode()
    assert '<nav class="account" aria-label="Account">' in page
