"""Downloads a script fetches with its API token (CSV and JSON lists, annotation
exports, evidence packages); every other page keeps to the session."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from tests.factories import ClaimFactory


def token_client(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("archive:sources_csv", "text/csv"),
        ("archive:claims_csv", "text/csv"),
        ("exchange:annotations-csv", "text/csv"),
        ("exchange:annotations-jsonld", "application/ld+json"),
    ],
)
def test_a_list_downloads_with_an_api_token(analyst, workspace, name, kind):
    response = token_client(analyst).get(reverse(name, args=[workspace.slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(kind)


def test_the_activity_export_with_a_token_still_needs_an_auditors_role(analyst, reviewer, workspace):
    url = reverse("archive:activity_csv", args=[workspace.slug])
    assert token_client(reviewer).get(url).status_code == 200
    assert token_client(analyst).get(url).status_code == 403


def test_a_token_reads_no_other_workspaces_download(outsider, workspace):
    assert token_client(outsider).get(reverse("archive:claims_csv", args=[workspace.slug])).status_code == 404


def test_an_unknown_token_is_a_401_saying_so(workspace):
    client = Client(HTTP_AUTHORIZATION="Token not-a-token")
    response = client.get(reverse("archive:claims_csv", args=[workspace.slug]))
    assert response.status_code == 401
    assert response.json() == {"error": "Invalid token."}


def test_a_token_opens_no_other_page(analyst, workspace):
    response = token_client(analyst).get(reverse("archive:claims", args=[workspace.slug]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_token_makes_no_write_through_a_page(analyst, workspace):
    claim = ClaimFactory(workspace=workspace)
    client = token_client(analyst)
    response = client.post(reverse("archive:claim_delete", args=[workspace.slug, claim.pk]), {"reason": "x"})
    assert response.status_code in (302, 403)
    assert type(claim).objects.filter(pk=claim.pk).exists()


def test_an_evidence_package_downloads_with_an_api_token(analyst, workspace):
    claim = ClaimFactory(workspace=workspace)
    url = reverse("archive:claim_evidence_package", args=[workspace.slug, claim.pk])
    response = token_client(analyst).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
