"""Deleting a passage through the API: never out from under what rests on it."""

from django.urls import reverse

from archive.models import Annotation, Passage
from tests.factories import AnnotationFactory, PassageFactory
from tests.support import api_client_for, etag_of


def test_a_passage_an_annotation_rests_on_is_not_deleted(analyst, source):
    passage = PassageFactory(source=source, created_by=analyst)
    annotation = AnnotationFactory(workspace=source.workspace, author=analyst, passages=[passage])
    client, url = api_client_for(analyst), f"/api/passages/{passage.pk}/"
    response = client.delete(f"{url}?reason=unused", HTTP_IF_MATCH=etag_of(client, url))
    assert response.status_code == 409
    assert "error" in response.json()
    assert Passage.objects.filter(pk=passage.pk).exists()
    assert list(Annotation.objects.get(pk=annotation.pk).passages.all()) == [passage]


def test_the_admin_names_the_annotations_that_keep_a_passage(client, superuser, source, analyst):
    passage = PassageFactory(source=source, created_by=analyst)
    AnnotationFactory(workspace=source.workspace, author=analyst, passages=[passage], body="Keep me")
    client.force_login(superuser)
    url = reverse("admin:archive_passage_delete", args=[passage.pk])
    response = client.post(url, {"post": "yes", "reason": "unused"})
    assert response.status_code == 200 and "Keep me" in response.content.decode()
    assert Passage.objects.filter(pk=passage.pk).exists()


def test_a_refused_delete_names_what_still_refers_to_the_passage(analyst, source):
    passage = PassageFactory(source=source, created_by=analyst)
    annotations = [
        AnnotationFactory(workspace=source.workspace, author=analyst, passages=[passage]) for _ in range(2)
    ]
    client, url = api_client_for(analyst), f"/api/passages/{passage.pk}/"
    response = client.delete(f"{url}?reason=unused", HTTP_IF_MATCH=etag_of(client, url))
    body = response.json()
    assert response.status_code == 409
    assert body["referring"] == [{"type": "annotation", "id": each.pk} for each in annotations]
    assert f"annotation {annotations[0].pk}, annotation {annotations[1].pk}" in body["error"]
