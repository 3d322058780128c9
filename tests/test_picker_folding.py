"""The claim and passage pickers and the claim list's filter fold case, accents
and harakat as search does, on every database."""

import pytest
from django.urls import reverse

from tests.factories import ClaimFactory, PassageFactory, SourceFactory

STATEMENT = "Émeutes à Daraa: مُحَطَّةُ المياه"


@pytest.fixture
def claim(workspace):
    return ClaimFactory(workspace=workspace, statement=STATEMENT)


def picked(client, user, url: str, q: str) -> list[dict]:
    client.force_login(user)
    response = client.get(url, {"q": q})
    assert response.status_code == 200
    return response.json()["results"]


@pytest.mark.parametrize("q", ["Émeutes", "émeutes", "EMEUTES", "emeutes", "meute", "emeutes a daraa"])
def test_the_claim_picker_finds_a_claim_whatever_the_case_and_accents(client, analyst, workspace, claim, q):
    url = reverse("archive:claim_search", args=[workspace.slug])
    assert [row["id"] for row in picked(client, analyst, url, q)] == [claim.pk]


def test_the_claim_picker_finds_arabic_written_without_harakat(client, analyst, workspace, claim):
    url = reverse("archive:claim_search", args=[workspace.slug])
    assert [row["id"] for row in picked(client, analyst, url, "محطة")] == [claim.pk]


def test_the_claim_picker_leaves_out_claims_without_the_words(client, analyst, workspace, claim):
    ClaimFactory(workspace=workspace, statement="Shelling in Aleppo.")
    url = reverse("archive:claim_search", args=[workspace.slug])
    assert [row["id"] for row in picked(client, analyst, url, "émeutes")] == [claim.pk]


def test_the_claim_list_filter_finds_a_claim_without_its_accents(client, analyst, workspace, claim):
    ClaimFactory(workspace=workspace, statement="Shelling in Aleppo.")
    client.force_login(analyst)
    page = client.get(reverse("archive:claims", args=[workspace.slug]), {"q": "emeutes"}).content.decode()
    assert "Émeutes à Daraa" in page and "Shelling in Aleppo" not in page


def test_the_passage_picker_finds_arabic_written_without_harakat(client, analyst, workspace, claim):
    source = SourceFactory(workspace=workspace, text="قال مدير مُحَطَّةُ المياه إن القصف بدأ", language="ar")
    start = source.text.index("مُحَطَّةُ")
    passage = PassageFactory(source=source, start=start, length=len("مُحَطَّةُ المياه"))
    PassageFactory(source=source, start=0, length=3)
    url = reverse("archive:claim_passages", args=[workspace.slug, claim.pk])
    assert [row["id"] for row in picked(client, analyst, url, "محطة")] == [passage.pk]


def test_the_passage_picker_finds_a_source_title_without_its_accents(client, analyst, workspace, claim):
    source = SourceFactory(workspace=workspace, title="Émeutes du Sud")
    passage = PassageFactory(source=source)
    url = reverse("archive:claim_passages", args=[workspace.slug, claim.pk])
    assert [row["id"] for row in picked(client, analyst, url, "EMEUTES")] == [passage.pk]
