"""Highlights never split a grapheme cluster (a letter with its marks, an emoji
with its modifiers, a flag): every write path refuses such a span, and every
shortened quote or context around one keeps whole clusters, with "…" only
where text was left out."""

import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from archive.core.graphemes import shorten
from archive.core.spans import CONTEXT_LENGTH
from archive.models import Passage
from archive.passages.selectors import selector_from_target
from archive.passages.writes import create_passage
from tests.factories import ClaimFactory, EvidenceFactory, PassageFactory, SourceFactory
from tests.support import api_client_for, field_errors

TEXT = "Family 👩‍👩‍👧 fled Daraa; the flag 🇸🇾 was raised.\nArabic: مُحَطَّةُ المياه. Thumbs 👍🏽 up."
FLAG = TEXT.index("🇸🇾")
FAMILY = TEXT.index("👩")
DAMMA_MEEM = TEXT.index("مُ")
THUMB = TEXT.index("👍")
SPLIT = "splits a character"


@pytest.fixture
def emoji_source(workspace):
    return SourceFactory(workspace=workspace, text=TEXT)


def position(start: int, end: int) -> dict:
    return {"type": "TextPositionSelector", "start": start, "end": end}


# --- every write path refuses a span that splits a cluster ------------------------------


def test_creating_a_passage_half_a_flag_is_refused_as_a_grapheme_split(emoji_source, analyst):
    with pytest.raises(ValidationError) as refused:
        create_passage(source=emoji_source, user=analyst, start=FLAG + 1, end=FLAG + 2)
    assert refused.value.code == "grapheme_split"
    assert not Passage.objects.exists()


def test_a_quote_alone_is_found_only_where_it_is_whole_letters():
    # The first meem carries a damma: the bare quote is the meem of "المياه".
    selector = selector_from_target(TEXT, {"selector": {"type": "TextQuoteSelector", "exact": "م"}})
    assert selector.start == TEXT.index("المياه") + 2


def test_a_quote_alone_that_is_only_half_a_flag_is_refused_as_a_grapheme_split():
    with pytest.raises(ValidationError) as refused:
        selector_from_target(TEXT, {"selector": {"type": "TextQuoteSelector", "exact": "🇾"}})
    assert refused.value.code == "grapheme_split"


def _half_a_flag(source) -> dict:
    return {"workspace": source.workspace.slug, "source": source.pk, "start": FLAG + 1, "end": FLAG + 2}


def test_the_rest_api_refuses_a_passage_of_half_a_flag_with_400(emoji_source, analyst):
    response = api_client_for(analyst).post("/api/passages/", _half_a_flag(emoji_source), format="json")
    assert response.status_code == 400
    assert SPLIT in response.json()["error"] and field_errors(response.json())
    assert not Passage.objects.exists()


def test_the_rest_api_refuses_to_reuse_a_stored_passage_that_splits_a_cluster(emoji_source, analyst):
    PassageFactory(source=emoji_source, start=FLAG + 1, length=1)  # stored before the rule
    response = api_client_for(analyst).post("/api/passages/", _half_a_flag(emoji_source), format="json")
    assert response.status_code == 400 and SPLIT in response.json()["error"]


def test_the_w3c_protocol_refuses_a_target_on_a_lone_zero_width_joiner_with_400(emoji_source, analyst):
    annotation = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "body": {"type": "TextualBody", "value": "Who?"},
        "target": {
            "source": f"http://testserver/api/sources/{emoji_source.pk}/text/",
            "selector": [position(8, 9)],
        },
    }
    response = api_client_for(analyst).post(
        f"/w3c/sources/{emoji_source.pk}/", json.dumps(annotation), content_type="application/ld+json"
    )
    assert response.status_code == 400 and SPLIT in response.json()["error"]
    assert not Passage.objects.exists()


@pytest.mark.parametrize(
    "start, end",
    [(0, FAMILY + 1), (DAMMA_MEEM, DAMMA_MEEM + 1), (THUMB, THUMB + 1)],
    ids=["family-without-its-members", "meem-without-its-damma", "thumb-without-its-skin-tone"],
)
def test_the_reading_page_refuses_to_annotate_part_of_a_character_with_400(
    client, emoji_source, analyst, start, end
):
    client.force_login(analyst)
    url = reverse("archive:annotation_create", args=[emoji_source.workspace.slug, emoji_source.pk])
    payload = {"target": {"selector": [position(start, end)]}, "body": "x"}
    response = client.post(url, json.dumps(payload), content_type="application/json")
    assert response.status_code == 400 and SPLIT in response.json()["error"]
    assert not Passage.objects.exists()


# --- shortened quotes and context keep whole clusters ------------------------------------


def test_the_reading_sidebar_shortens_a_long_quote_before_an_emoji_not_inside_it(client, workspace, analyst):
    words = "The crowd answered the call with a thumbs up: "
    text = words * 4
    text = text[:158] + "👍🏽 and more words after the emoji to make the quote long."
    source = SourceFactory(workspace=workspace, text=text)
    client.force_login(analyst)
    url = reverse("archive:annotation_create", args=[workspace.slug, source.pk])
    payload = {"target": {"selector": [position(0, len(text))]}, "body": "x"}
    html = client.post(url, json.dumps(payload), content_type="application/json").json()["item"]["html"]
    quote = re.search(r"<q[^>]*><bdi>(.*?)</bdi></q>", html)[1]
    assert quote == text[:158] + "…"


def test_shorten_keeps_a_flag_whole_or_leaves_it_out():
    assert shorten("the flag 🇸🇾 was raised", 11) == "the flag …"


def _context_on_the_claim_page(client, user, passage) -> str:
    evidence = EvidenceFactory(passage=passage, claim=ClaimFactory(workspace=passage.workspace))
    client.force_login(user)
    page = client.get(reverse("archive:claim", args=[passage.workspace.slug, evidence.claim_id])).content
    return re.search(r'<blockquote class="in-context".*?</blockquote>', page.decode(), re.S)[0]


def test_the_claim_page_leaves_out_a_flag_its_context_would_cut_in_half(client, emoji_source, analyst):
    passage = PassageFactory(source=emoji_source, start=0, length=FLAG + 1 - CONTEXT_LENGTH)
    context = _context_on_the_claim_page(client, analyst, passage)
    assert "🇸" not in context and "the flag…" in context


def test_the_claim_page_shows_no_ellipsis_before_context_that_starts_the_text(client, emoji_source, analyst):
    passage = PassageFactory(source=emoji_source, start=FAMILY, length=5)
    context = _context_on_the_claim_page(client, analyst, passage)
    assert '<span class="context">Family ' in context and "…Family" not in context
