"""POST /api/annotations/batch/: many annotations in one request, all or none."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.api.serializers import BATCH_MAX
from archive.audit.ledger import verify_workspace
from archive.models import Annotation, HistoryEntry
from archive.search import search
from tests.factories import PassageFactory, SourceFactory
from tests.support import api_client_for

URL = "/api/annotations/batch/"


@pytest.fixture
def passages(source):
    return [PassageFactory(source=source, start=n * 5, length=4) for n in range(3)]


def batch(workspace, *notes: dict) -> dict:
    return {"workspace": workspace.slug, "annotations": list(notes)}


def test_a_batch_creates_every_annotation_in_the_order_sent(analyst, workspace, passages):
    notes = [
        {"passages": [p.pk], "body": f"Note {n}", "tags": ["casualties"]} for n, p in enumerate(passages)
    ]
    response = api_client_for(analyst).post(URL, batch(workspace, *notes), format="json")
    assert response.status_code == 201
    results = response.json()["results"]
    assert [(r["body"], r["passages"], r["author"]) for r in results] == [
        (f"Note {n}", [p.pk], "analyst") for n, p in enumerate(passages)
    ]
    assert Annotation.objects.filter(workspace=workspace).count() == 3


def test_each_annotation_of_a_batch_has_one_history_row_and_one_ledger_entry(analyst, workspace, passages):
    notes = [{"passages": [p.pk for p in passages]}, {"passages": [passages[0].pk]}]
    api_client_for(analyst).post(URL, batch(workspace, *notes), format="json")
    for annotation in Annotation.objects.filter(workspace=workspace):
        (row,) = annotation.history.all()
        assert (row.history_type, row.history_user) == ("+", analyst)
        assert {link.passage_id for link in row.passages.all()} == set(
            annotation.passages.values_list("pk", flat=True)
        )
    assert HistoryEntry.objects.filter(workspace=workspace, model="annotation").count() == 2
    assert verify_workspace(workspace.pk).ok


def test_a_batch_is_searchable_at_once(analyst, workspace, passages):
    api_client_for(analyst).post(
        URL, batch(workspace, {"passages": [passages[0].pk], "body": "barrel bombs"})
    )
    (annotations,) = [
        kind for kind in search(user=analyst, query="barrel").kinds if kind.kind == "annotation"
    ]
    assert [hit.object.pk for hit in annotations.hits] == list(
        Annotation.objects.values_list("pk", flat=True)
    )


def test_one_bad_annotation_refuses_the_whole_batch_naming_it(analyst, workspace, passages, outsider):
    foreign = PassageFactory(source=SourceFactory())
    notes = [{"passages": [passages[0].pk]}, {"passages": [foreign.pk]}, {"passages": []}]
    response = api_client_for(analyst).post(URL, batch(workspace, *notes), format="json")
    assert response.status_code == 400
    errors = response.json()["annotations"]  # by position, only the bad ones
    assert {position: list(fields) for position, fields in errors.items()} == {
        "1": ["passages"],
        "2": ["passages"],
    }
    assert not Annotation.objects.exists()
    assert not Annotation.history.exists()


def test_a_batch_over_the_limit_is_refused(analyst, workspace, passages):
    notes = [{"passages": [passages[0].pk]}] * (BATCH_MAX + 1)
    response = api_client_for(analyst).post(URL, batch(workspace, *notes), format="json")
    assert response.status_code == 400
    assert "annotations" in response.json()
    assert not Annotation.objects.exists()


def test_reviewers_cannot_post_a_batch(reviewer, workspace, passages):
    response = api_client_for(reviewer).post(
        URL, batch(workspace, {"passages": [passages[0].pk]}), format="json"
    )
    assert response.status_code == 403
    assert not Annotation.objects.exists()


def test_outsiders_get_404_for_a_batch_into_the_workspace(outsider, workspace, passages):
    response = api_client_for(outsider).post(
        URL, batch(workspace, {"passages": [passages[0].pk]}), format="json"
    )
    assert response.status_code == 404
    assert not Annotation.objects.exists()


def test_a_batchs_query_count_does_not_grow_with_its_size(analyst, workspace, passages):
    client = api_client_for(analyst)

    def queries_for(size: int) -> int:
        notes = [{"passages": [passages[n % 3].pk], "body": f"n{n}"} for n in range(size)]
        with CaptureQueriesContext(connection) as queries:
            assert client.post(URL, batch(workspace, *notes), format="json").status_code == 201
        return len(queries)

    queries_for(1)  # the chain and the search terms exist from here on
    assert queries_for(2) == queries_for(40)


def refusal_of_second_item(analyst, workspace, passages, item: dict) -> dict:
    notes = [{"passages": [passages[0].pk]}, {"passages": [passages[1].pk], **item}]
    response = api_client_for(analyst).post(URL, batch(workspace, *notes), format="json")
    assert response.status_code == 400
    return response.json()


def test_a_control_character_in_a_batch_items_body_is_refused_naming_the_item(analyst, workspace, passages):
    body = refusal_of_second_item(
        analyst, workspace, passages, {"body": "x\u0007", "motivation": "commenting", "tags": []}
    )
    assert list(body["annotations"]) == ["1"]
    assert "U+0007" in body["annotations"]["1"]["body"][0]
    assert body["error"].startswith("annotations[1].body: ")


def test_a_control_character_in_a_batch_items_tag_is_refused_naming_the_item(analyst, workspace, passages):
    body = refusal_of_second_item(analyst, workspace, passages, {"body": "x", "tags": ["a\u001b"]})
    assert list(body["annotations"]) == ["1"]
    assert body["error"].startswith("annotations[1].tags: ")


def test_an_empty_note_in_a_batch_is_refused_naming_the_item(analyst, workspace, passages):
    body = refusal_of_second_item(analyst, workspace, passages, {"body": "", "motivation": "commenting"})
    assert list(body["annotations"]["1"]) == ["body"]
    assert not Annotation.objects.exists()


def test_a_batch_items_refused_passage_is_summarised_naming_the_item(analyst, workspace, passages):
    body = refusal_of_second_item(analyst, workspace, passages, {"passages": [0]})
    assert body["error"].startswith("annotations[1].passages: ")
