"""The W3C JSON says in which language and direction a source's text is written (on the
target's source, from the source's record) and in which direction a TextualBody is
(from its script), and a client that sends them back as it got them is not refused."""

import json

import pytest

from tests.factories import AnnotationFactory, PassageFactory, SourceFactory
from tests.support import api_client_for
from tests.test_w3c import ANNO, post, text_iri
from tests.w3c_schemas import assertion_failures, model_violations

TEXT = "قال مدير المحطة إن المياه انقطعت عن الحي منذ ثلاثة أيام."
WORDS = "مدير المحطة"
LANGUAGE_AND_DIRECTION = [
    "annotations/bodiesTargets/3.2.1-targSingleLanguage.json",
    "annotations/bodiesTargets/3.2.1-targTextDirection.json",
    "annotations/bodiesTargets/3.2.1-bodyTextDirection.json",
]


@pytest.fixture
def arabic(workspace):
    return SourceFactory(workspace=workspace, text=TEXT, language="ar", direction="rtl")


@pytest.fixture
def annotation(workspace, arabic, analyst):
    passage = PassageFactory(source=arabic, created_by=analyst, start=TEXT.index(WORDS), length=len(WORDS))
    return AnnotationFactory(workspace=workspace, passages=[passage], author=analyst, body="أي محطة؟")


def arabic_posted(arabic, **source) -> dict:
    """A client's Arabic note on WORDS, its target's source an object with `source` in it."""
    start = TEXT.index(WORDS)
    return {
        "@context": ANNO,
        "type": "Annotation",
        "body": {"type": "TextualBody", "value": "أي محطة؟", "textDirection": "rtl"},
        "target": {
            "type": "SpecificResource",
            "source": {"id": text_iri(arabic), **source},
            "selector": [
                {"type": "TextPositionSelector", "start": start, "end": start + len(WORDS)},
                {"type": "TextQuoteSelector", "exact": WORDS},
            ],
        },
    }


def test_an_arabic_annotation_names_its_sources_language_and_directions_and_validates(
    analyst, arabic, annotation
):
    emitted = api_client_for(analyst).get(f"/w3c/annotations/{annotation.pk}/").json()
    assert emitted["target"]["source"] == {"id": text_iri(arabic), "language": "ar", "textDirection": "rtl"}
    # The body's direction is told from its script; its language is recorded nowhere, so not given.
    assert emitted["body"] == {
        "type": "TextualBody",
        "value": "أي محطة؟",
        "format": "text/plain",
        "textDirection": "rtl",
    }
    assert model_violations(emitted) == []
    assert assertion_failures(emitted, LANGUAGE_AND_DIRECTION) == []


def test_an_arabic_annotation_put_back_with_its_languages_and_directions_is_accepted(
    analyst, arabic, annotation
):
    client = api_client_for(analyst)
    got = client.get(f"/w3c/sources/{arabic.pk}/annotations/{annotation.pk}/")
    assert (got.json()["target"]["source"]["language"], got.json()["body"]["textDirection"]) == ("ar", "rtl")
    response = client.put(
        got.json()["id"],
        json.dumps(got.json()),
        content_type="application/ld+json",
        HTTP_IF_MATCH=got["ETag"],
    )
    assert response.status_code == 200, response.content
    assert (response.json()["target"], response.json()["body"]) == (got.json()["target"], got.json()["body"])


def test_a_post_giving_the_sources_language_and_direction_is_accepted(analyst, arabic):
    response = post(
        api_client_for(analyst), arabic, arabic_posted(arabic, language="ar", textDirection="rtl")
    )
    assert response.status_code == 201, response.content
    assert response.json()["target"]["source"]["language"] == "ar"


@pytest.mark.parametrize(("member", "value"), [("language", "en"), ("textDirection", "ltr")])
def test_a_target_source_language_or_direction_other_than_the_records_is_refused_by_name(
    analyst, arabic, member, value
):
    response = post(api_client_for(analyst), arabic, arabic_posted(arabic, **{member: value}))
    assert response.status_code == 400 and f"target.source.{member}" in response.json(), response.content


@pytest.mark.parametrize(("recorded", "echoed"), [("ar", "AR"), ("ar-SY", "AR-sy"), ("ar-SY", "ar-sy")])
def test_a_target_source_language_echoed_in_another_case_is_accepted_as_the_records(
    analyst, workspace, recorded, echoed
):
    # BCP 47 tags are not case-sensitive: the client names the record's language, in its own case.
    source = SourceFactory(workspace=workspace, text=TEXT, language=recorded, direction="rtl")
    response = post(api_client_for(analyst), source, arabic_posted(source, language=echoed))
    assert response.status_code == 201, response.content
    assert response.json()["target"]["source"]["language"] == recorded


@pytest.mark.parametrize(("recorded", "given"), [("ar", "ar-SY"), ("ar-SY", "ar-LB"), ("ar", "ara")])
def test_a_target_source_language_that_is_another_tag_in_any_case_is_refused(
    analyst, workspace, recorded, given
):
    source = SourceFactory(workspace=workspace, text=TEXT, language=recorded, direction="rtl")
    response = post(api_client_for(analyst), source, arabic_posted(source, language=given.upper()))
    assert response.status_code == 400 and "target.source.language" in response.json(), response.content
