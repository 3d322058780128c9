"""A source's title is marked with its language wherever it is shown (warrant_text's
source_title), so that a screen reader reads the demo's Arabic source in Arabic."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from archive.models import Source
from tests.factories import PassageFactory, SourceFactory
from tests.test_load_demo import run_load_demo

ARABIC_TITLE = "محطة المياه في تل الزيتون خارج الخدمة بعد القصف"


@pytest.fixture
def demo(client, db) -> Source:
    """The demo's Arabic source, and `client` logged in as the demo analyst."""
    run_load_demo()
    client.force_login(get_user_model().objects.get(username="demo-analyst"))
    return Source.objects.get(title=ARABIC_TITLE)


def test_the_workspace_page_links_the_arabic_source_by_its_title_in_arabic(client, demo):
    page = client.get(reverse("archive:workspace", args=[demo.workspace.slug])).content.decode()
    assert f'<bdi lang="ar">{ARABIC_TITLE}</bdi></a>' in page


def test_the_reading_page_heading_of_the_arabic_source_is_in_arabic(client, demo):
    page = client.get(reverse("archive:source", args=[demo.workspace.slug, demo.pk])).content.decode()
    assert f'<h1 dir="auto" lang="ar">{ARABIC_TITLE}</h1>' in page


def test_the_provenance_page_of_the_arabic_source_names_it_in_arabic(client, demo):
    url = reverse("archive:source_provenance", args=[demo.workspace.slug, demo.pk])
    page = client.get(url).content.decode()
    assert re.search(rf"<h1>Provenance of <a [^>]*><bdi lang=\"ar\">{ARABIC_TITLE}</bdi></a></h1>", page)


@pytest.fixture
def arabic_hits(client, analyst, workspace) -> str:
    """The search page finding an Arabic source by its title and a passage of it by its words."""
    source = SourceFactory(workspace=workspace, language="ar", title="سقوط حلب", text="حلب سقطت في الشتاء.")
    PassageFactory(source=source, start=0, length=3)
    client.force_login(analyst)
    return client.get(reverse("archive:search"), {"q": "حلب"}).content.decode()


def test_a_search_hit_gives_the_title_of_an_arabic_source_its_language(arabic_hits):
    titles = re.findall(r'<a class="hit-title" [^>]*>.*?</a>', arabic_hits)
    assert titles and all('<bdi lang="ar">' in title for title in titles)


def test_a_passage_hit_is_named_apart_from_the_hit_of_its_source(arabic_hits):
    source_hit, passage_hit = re.findall(r'<a class="hit-title" [^>]*>(.*?)</a>', arabic_hits)
    assert not source_hit.startswith('<span class="visually-hidden">')
    assert passage_hit.startswith('<span class="visually-hidden">Passage in </span>')
