"""A tag cannot contain a comma, Latin or Arabic: the browser's forms take tags comma-separated,
so such a tag would be split at its next edit there. Nor a vertical bar, which
joins tags in CSV exports. Every path refuses them."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from archive.claims import clean_tags
from archive.claims.tags import tags_typed
from archive.models import Annotation, Claim
from tests.factories import PassageFactory
from tests.support import api_client_for, field_errors

COMMA_TAGS = ["Daraa, Syria", "x"]
REFUSAL = "A tag cannot contain a comma: “Daraa, Syria”."


def test_cleaning_tags_refuses_a_tag_with_a_comma():
    with pytest.raises(ValidationError) as refused:
        clean_tags(COMMA_TAGS)
    assert refused.value.message_dict == {"tags": [REFUSAL]}


def test_cleaning_tags_refuses_a_tag_with_a_vertical_bar():
    # The claims CSV joins tags with "|": "zzq|yyk" would read as two tags.
    with pytest.raises(ValidationError) as refused:
        clean_tags(["zzq|yyk"])
    assert refused.value.message_dict == {"tags": ["A tag cannot contain a vertical bar (|): “zzq|yyk”."]}


def test_the_rest_api_refuses_an_annotation_tag_with_a_comma(analyst, workspace, source):
    passage = PassageFactory(source=source, created_by=analyst)
    body = {"workspace": workspace.slug, "passages": [passage.pk], "body": "Where?", "tags": COMMA_TAGS}
    response = api_client_for(analyst).post("/api/annotations/", body, format="json")
    assert response.status_code == 400
    assert field_errors(response.json())["tags"] == [REFUSAL]
    assert not Annotation.objects.exists()


def test_the_rest_api_refuses_a_claim_tag_with_a_comma(analyst, workspace):
    body = {
        "workspace": workspace.slug,
        "statement": "Daraa was shelled.",
        "credibility": 2,
        "tags": COMMA_TAGS,
    }
    response = api_client_for(analyst).post("/api/claims/", body, format="json")
    assert response.status_code == 400
    assert field_errors(response.json())["tags"] == [REFUSAL]
    assert not Claim.objects.exists()


def test_the_w3c_protocol_refuses_a_tag_with_a_comma(analyst, source):
    start = source.text.index("Aleppo")
    annotation = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "body": [
            {"type": "TextualBody", "value": "Where?"},
            {"type": "TextualBody", "value": "Daraa, Syria", "purpose": "tagging"},
        ],
        "target": {
            "source": f"http://testserver/api/sources/{source.pk}/text/",
            "selector": [{"type": "TextPositionSelector", "start": start, "end": start + 6}],
        },
    }
    response = api_client_for(analyst).post(
        f"/w3c/sources/{source.pk}/", json.dumps(annotation), content_type="application/ld+json"
    )
    assert response.status_code == 400 and REFUSAL in response.json()["error"]
    assert not Annotation.objects.exists()


def test_cleaning_tags_refuses_a_tag_with_an_arabic_comma():
    with pytest.raises(ValidationError) as refused:
        clean_tags(["مياه، قصف"])
    assert refused.value.message_dict == {"tags": ["A tag cannot contain an Arabic comma (،): “مياه، قصف”."]}


def test_a_forms_tags_are_separated_by_latin_or_arabic_commas():
    assert tags_typed("مياه، قصف, water ,، ") == ["مياه", "قصف", "water"]


def test_a_claim_form_takes_arabic_comma_separated_tags_as_several(client, workspace, analyst):
    client.force_login(analyst)
    form = {"statement": "انقطاع المياه.", "credibility": "3", "tags": "مياه، محطة"}
    client.post(reverse("archive:claim_create", args=[workspace.slug]), form)
    assert Claim.objects.get().tags == ["مياه", "محطة"]
