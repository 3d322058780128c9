"""An edit or delete of what someone deleted meanwhile is 410, saying who, when and why
(README, "Every JSON endpoint answers a refusal the same way"), through the REST API and
the W3C protocol as on the reading page; a GET of it stays 404."""

import pytest

from archive.api.views import AnnotationDetail
from archive.claims import delete_annotation, delete_claim
from archive.models import Annotation
from tests.factories import AnnotationFactory, ClaimFactory, PassageFactory
from tests.support import api_client_for, etag_of


def _deleted_claim(analyst, workspace):
    claim = ClaimFactory(workspace=workspace, created_by=analyst)
    delete_claim(claim=claim, user=analyst, reason="a duplicate")
    return claim


def test_a_rest_edit_of_a_claim_deleted_meanwhile_is_gone_saying_who_and_why(analyst, workspace):
    claim = _deleted_claim(analyst, workspace)
    response = api_client_for(analyst).patch(
        f"/api/claims/{claim.pk}/", {"statement": "New"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 410
    assert analyst.username in response.json()["error"] and "a duplicate" in response.json()["error"]


def test_a_rest_delete_of_a_claim_deleted_meanwhile_is_gone(analyst, workspace):
    claim = _deleted_claim(analyst, workspace)
    response = api_client_for(analyst).delete(f"/api/claims/{claim.pk}/?reason=again", HTTP_IF_MATCH='"1"')
    assert response.status_code == 410


def test_a_rest_get_of_a_deleted_claim_stays_not_found(analyst, workspace):
    claim = _deleted_claim(analyst, workspace)
    assert api_client_for(analyst).get(f"/api/claims/{claim.pk}/").status_code == 404


def test_an_outsider_editing_a_deleted_claim_learns_nothing(analyst, outsider, workspace):
    claim = _deleted_claim(analyst, workspace)
    response = api_client_for(outsider).patch(
        f"/api/claims/{claim.pk}/", {"statement": "New"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 404


def test_a_w3c_delete_of_an_annotation_deleted_meanwhile_is_gone(analyst, source):
    passage = PassageFactory(source=source, created_by=analyst)
    annotation = AnnotationFactory(workspace=source.workspace, author=analyst, passages=[passage])
    client = api_client_for(analyst)
    item = f"/w3c/sources/{source.pk}/annotations/{annotation.pk}/"
    assert client.delete(item).status_code == 204
    response = client.delete(item)
    assert response.status_code == 410 and analyst.username in response.json()["error"]


@pytest.fixture
def deleted_after_its_first_read(monkeypatch, analyst, ws_admin, source):
    """An annotation an admin deletes between the view's first read and the domain's
    locked re-read, as when a DELETE with the same If-Match wins the race."""
    passage = PassageFactory(source=source, created_by=analyst)
    annotation = AnnotationFactory(workspace=source.workspace, author=analyst, passages=[passage])
    first_read = AnnotationDetail.expected_version

    def deleting_meanwhile(view, obj):
        version = first_read(view, obj)
        delete_annotation(annotation=Annotation.objects.get(pk=obj.pk), user=ws_admin, reason="spam")
        return version

    monkeypatch.setattr(AnnotationDetail, "expected_version", deleting_meanwhile)
    return annotation


def test_a_rest_edit_losing_the_race_with_a_delete_is_gone_saying_who_and_why(
    analyst, ws_admin, deleted_after_its_first_read
):
    client, url = api_client_for(analyst), f"/api/annotations/{deleted_after_its_first_read.pk}/"
    response = client.patch(url, {"body": "New"}, format="json", HTTP_IF_MATCH=etag_of(client, url))
    assert response.status_code == 410
    assert ws_admin.username in response.json()["error"] and "spam" in response.json()["error"]


def test_a_rest_delete_losing_the_race_with_a_delete_is_gone(analyst, deleted_after_its_first_read):
    client, url = api_client_for(analyst), f"/api/annotations/{deleted_after_its_first_read.pk}/"
    response = client.delete(f"{url}?reason=again", HTTP_IF_MATCH=etag_of(client, url))
    assert response.status_code == 410
