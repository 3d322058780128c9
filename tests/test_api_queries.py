"""The REST API's query strings: every list takes its filters, ordering and pages
by name, one object's URL takes none (but a delete's reason), and each refuses
anything else by name rather than ignoring it."""

import base64

import pytest
from rest_framework.test import APIClient

from archive.models import Claim
from tests.factories import AnnotationFactory, ClaimFactory, PassageFactory
from tests.support import api_client_for, field_errors

LISTS = [
    "/api/workspaces/",
    "/api/outlets/",
    "/api/sources/",
    "/api/passages/",
    "/api/annotations/",
    "/api/claims/",
    "/api/evidence/",
]


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.parametrize("url", LISTS)
def test_an_unknown_query_parameter_is_refused_by_name(analyst, url):
    response = api_client_for(analyst).get(f"{url}?bogusfilter=1")
    assert response.status_code == 400
    assert list(field_errors(response.json())) == ["bogusfilter"]


def test_a_history_list_refuses_an_unknown_query_parameter(analyst, workspace):
    claim = ClaimFactory(workspace=workspace)
    response = api_client_for(analyst).get(f"/api/claims/{claim.pk}/history/?q=water")
    assert list(field_errors(response.json())) == ["q"]


@pytest.mark.parametrize("path", ["/api/claims/{pk}/", "/api/claims/{pk}/grade/", "/api/workspaces/{slug}/"])
def test_a_query_parameter_on_one_objects_url_is_refused_by_name(analyst, workspace, path):
    claim = ClaimFactory(workspace=workspace)
    url = path.format(pk=claim.pk, slug=workspace.slug)
    response = api_client_for(analyst).get(f"{url}?workspace={workspace.slug}")
    assert response.status_code == 400
    assert list(field_errors(response.json())) == ["workspace"]


def test_a_delete_takes_its_reason_and_refuses_any_other_parameter_deleting_nothing(ws_admin, workspace):
    claim = ClaimFactory(workspace=workspace)
    response = api_client_for(ws_admin).delete(f"/api/claims/{claim.pk}/?reason=duplicate&force=1")
    assert list(field_errors(response.json())) == ["force"]
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_a_filter_given_twice_is_refused_by_name(analyst):
    response = api_client_for(analyst).get("/api/annotations/?source=1&source=2")
    assert response.status_code == 400
    assert list(field_errors(response.json())) == ["source"]


def test_page_size_cursor_and_ordering_are_taken_with_filters(analyst, workspace):
    claims = [ClaimFactory(workspace=workspace) for _ in range(3)]
    client = api_client_for(analyst)
    first = client.get(f"/api/claims/?workspace={workspace.slug}&ordering=-id&page_size=2")
    assert ids(first) == [claims[2].pk, claims[1].pk]
    assert ids(client.get(first.json()["next"])) == [claims[0].pk]


def test_a_page_size_over_the_maximum_is_refused_as_the_schema_says(analyst):
    response = api_client_for(analyst).get("/api/claims/?page_size=501")
    assert response.status_code == 400
    assert field_errors(response.json())["page_size"] == ["At most 500."]


def test_an_unknown_ordering_field_is_refused(analyst):
    response = api_client_for(analyst).get("/api/annotations/?ordering=body")
    assert response.status_code == 400
    assert "body" in field_errors(response.json())["ordering"][0]


@pytest.mark.parametrize("blank", ["", "%20"])
def test_a_blank_ordering_is_refused_as_the_schema_names_no_blank_term(analyst, blank):
    response = api_client_for(analyst).get(f"/api/outlets/?ordering={blank}")
    assert response.status_code == 400
    assert field_errors(response.json())["ordering"] == ["Name a field to order by, or leave ordering out."]


def test_claims_filter_by_their_status_field(analyst, workspace):
    ClaimFactory(workspace=workspace)
    debunked = ClaimFactory(workspace=workspace, status="debunked")
    assert ids(api_client_for(analyst).get("/api/claims/?status=debunked")) == [debunked.pk]


def test_claims_filter_by_their_review_status_field(analyst, workspace):
    ClaimFactory(workspace=workspace, review_status="approved")
    draft = ClaimFactory(workspace=workspace, review_status="draft")
    assert ids(api_client_for(analyst).get("/api/claims/?review_status=draft")) == [draft.pk]


def test_annotations_filter_by_their_review_status_field(analyst, workspace, source):
    passage = PassageFactory(source=source)
    AnnotationFactory(workspace=workspace, passages=[passage], review_status="approved")
    draft = AnnotationFactory(workspace=workspace, passages=[passage], review_status="draft")
    assert ids(api_client_for(analyst).get("/api/annotations/?review_status=draft")) == [draft.pk]


def test_a_malformed_cursor_is_a_400_naming_it(analyst):
    response = api_client_for(analyst).get("/api/claims/?cursor=garbage")
    assert response.status_code == 400
    assert list(field_errors(response.json())) == ["cursor"]


@pytest.mark.parametrize("ordering", ["id", "created_at"])
def test_a_cursor_with_a_forged_position_is_a_400_naming_it(analyst, workspace, ordering):
    ClaimFactory(workspace=workspace)
    cursor = base64.b64encode(b"p=abc").decode()
    response = api_client_for(analyst).get(f"/api/claims/?ordering={ordering}&cursor={cursor}")
    assert response.status_code == 400
    assert list(field_errors(response.json())) == ["cursor"]


def test_a_query_value_with_a_nul_is_refused_in_the_api_error_shape(analyst):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(analyst)
    body = client.get("/api/annotations/?tag=%00").json()
    assert "NUL" in field_errors(body)["tag"][0]


def test_an_unknown_ordering_field_is_refused_saying_how_to_order(analyst):
    message = field_errors(api_client_for(analyst).get("/api/claims/?ordering=-credibility").json())[
        "ordering"
    ]
    assert message == [
        "Cannot order by -credibility: order by one of created_at, id, updated_at; "
        "put - before it for the reverse order (-id: newest first)."
    ]
