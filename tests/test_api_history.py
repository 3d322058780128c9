"""GET /api/<resource>/<id>/history/: each row's state named as the resource is (usernames,
the workspace's slug, passages, a stored file by its hash and never its storage path), one
form of "no reason", and a deleted object's history for the members of its workspace."""

import json

from archive.claims import delete_annotation
from tests.factories import AnnotationFactory, PassageFactory
from tests.support import api_client_for, etag_of


def history(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_an_annotations_history_shows_the_passages_each_version_had(analyst, workspace, source):
    first, second, third = (PassageFactory(source=source, start=start, length=5) for start in (0, 10, 20))
    annotation = AnnotationFactory(workspace=workspace, author=analyst, passages=[first])
    client = api_client_for(analyst)
    url = f"/api/annotations/{annotation.pk}/"
    moved = client.patch(
        url,
        {"passages": [second.pk, third.pk], "reason": "the figure is in the next paragraphs"},
        format="json",
        HTTP_IF_MATCH=etag_of(client, url),
    )
    assert moved.status_code == 200, moved.content
    rows = history(client, f"/api/annotations/{annotation.pk}/history/")
    # (The factory links the passages after creating the annotation: two rows before the edit.)
    assert [row["state"]["passages"] for row in rows[-2:]] == [[first.pk], sorted([second.pk, third.pk])]


def test_a_sources_history_names_users_and_workspace_and_shows_no_storage_path(analyst, workspace):
    client = api_client_for(analyst)
    created = client.post(
        "/api/sources/",
        {"workspace": workspace.slug, "title": "Statement", "text": "The council said so.", "language": "en"},
        format="json",
    ).json()
    [row] = history(client, f"/api/sources/{created['id']}/history/")
    state = row["state"]
    assert "originals/" not in json.dumps(row)
    assert state["original"]["sha256"] == created["original_sha256"]
    assert state["original"]["size"] == len(b"The council said so.")
    assert state["original"]["download"].endswith(
        f"/w/{workspace.slug}/sources/{created['id']}/versions/1/original/"
    )
    assert (state["workspace"], state["captured_by"]) == (workspace.slug, "analyst")
    assert not [name for name in state if name.endswith("_id")]


def test_no_reason_is_the_empty_text_whether_stored_as_null_or_empty(analyst, workspace, source):
    passage = PassageFactory(source=source)
    client = api_client_for(analyst)
    rest = client.post(
        "/api/annotations/",
        {"workspace": workspace.slug, "passages": [passage.pk], "body": "A"},
        format="json",
    ).json()
    start = source.text.index("Al-Rashideen")
    body = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "body": {"type": "TextualBody", "value": "Which district?"},
        "target": {
            "source": f"http://testserver/api/sources/{source.pk}/text/",
            "selector": {"type": "TextPositionSelector", "start": start, "end": start + 12},
        },
    }
    w3c = client.post(f"/w3c/sources/{source.pk}/", json.dumps(body), content_type="application/ld+json")
    assert w3c.status_code == 201, w3c.content
    w3c_id = int(w3c.json()["id"].rstrip("/").rsplit("/", 1)[-1])
    reasons = [
        row["history_change_reason"]
        for pk in (rest["id"], w3c_id)
        for row in history(client, f"/api/annotations/{pk}/history/")
    ]
    assert reasons == ["", ""]


def test_a_deleted_annotations_history_is_read_with_the_deletion_reason(analyst, reviewer, workspace, source):
    annotation = AnnotationFactory(
        workspace=workspace, author=analyst, passages=[PassageFactory(source=source)]
    )
    delete_annotation(annotation=annotation, user=analyst, reason="posted twice")
    rows = history(api_client_for(reviewer), f"/api/annotations/{annotation.pk}/history/")
    assert (rows[-1]["history_type"], rows[-1]["history_user"]) == ("-", "analyst")
    assert rows[-1]["history_change_reason"] == "posted twice"


def test_an_outsider_gets_no_deleted_objects_history(analyst, outsider, workspace, source):
    annotation = AnnotationFactory(
        workspace=workspace, author=analyst, passages=[PassageFactory(source=source)]
    )
    delete_annotation(annotation=annotation, user=analyst, reason="posted twice")
    assert api_client_for(outsider).get(f"/api/annotations/{annotation.pk}/history/").status_code == 404
