"""What a grade or a heading means is on the page, not only in a title attribute that touch
screens cannot open: outlet grades, claim credibility, the hypotheses grid's headings."""

import re

from django.urls import reverse

from tests.factories import ClaimFactory, OutletFactory, SourceFactory

SAID_B = '<span class="grade-said"><span class="grade">B</span> · usually reliable</span>'


def page(client, user, name, *args) -> str:
    client.force_login(user)
    response = client.get(reverse(f"archive:{name}", args=args))
    assert response.status_code == 200
    return response.content.decode()


def no_grade_titles(html: str) -> bool:
    return not re.search(r'<span class="grade"[^>]* title=', html)


def test_the_sources_list_says_what_an_outlets_grade_means(client, analyst, workspace):
    SourceFactory(workspace=workspace, outlet=OutletFactory(workspace=workspace, reliability="B"))
    html = page(client, analyst, "workspace", workspace.slug)
    assert SAID_B in html and no_grade_titles(html)


def test_the_reading_page_says_what_its_outlets_grade_means(client, analyst, workspace):
    source = SourceFactory(workspace=workspace, outlet=OutletFactory(workspace=workspace, reliability="B"))
    html = page(client, analyst, "source", workspace.slug, source.pk)
    assert SAID_B in html and no_grade_titles(html)


def test_the_outlets_list_says_what_each_grade_means(client, analyst, workspace):
    OutletFactory(workspace=workspace, reliability="B")
    html = page(client, analyst, "outlets", workspace.slug)
    assert SAID_B in html and no_grade_titles(html)


def test_a_claim_card_names_its_credibility_and_says_what_it_means(client, analyst, workspace):
    ClaimFactory(workspace=workspace, credibility=6)
    html = page(client, analyst, "claims", workspace.slug)
    assert "<th>Credibility</th>" in html and "Cred." not in html
    assert '<span class="grade">6</span> · truth cannot be judged' in html and no_grade_titles(html)
