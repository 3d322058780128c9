"""Downloads a script fetches with its API token (CSV and JSON lists, annotation
exports, evidence packages); every other page keeps to the session."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from archive.models import Claim
from archive.sources.writes import create_source
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


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("archive:source_prov_json", "application/json"),
        ("archive:source_prov_n", "text/provenance-notation"),
        ("archive:claim_prov_json", "application/json"),
    ],
)
def test_a_prov_export_downloads_with_an_api_token(analyst, workspace, source, name, kind):
    claim = ClaimFactory(workspace=workspace)
    pk = claim.pk if name.startswith("archive:claim") else source.pk
    response = token_client(analyst).get(reverse(name, args=[workspace.slug, pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(kind)


def test_a_workspace_read_with_a_token_gives_what_verify_py_expects(analyst, workspace):
    from archive.findings.keys import fingerprint
    from archive.findings.package import verifier_sha256

    response = token_client(analyst).get(f"/api/workspaces/{workspace.slug}/")
    assert response.json()["signing_key_fingerprint"] == fingerprint(workspace)
    assert response.json()["verifier_sha256"] == verifier_sha256()


def test_a_script_without_credentials_is_refused_as_a_bad_token_is(workspace):
    url = reverse("exchange:annotations-jsonld", args=[workspace.slug])
    response = Client().get(url, HTTP_ACCEPT="application/ld+json, */*;q=0.1")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"error": "Authentication credentials were not provided."}


def test_a_browser_without_a_session_is_still_sent_to_sign_in(workspace):
    url = reverse("exchange:annotations-jsonld", args=[workspace.slug])
    response = Client().get(url, HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_filter_a_download_refuses_is_said_to_a_script_in_json(analyst, workspace):
    response = token_client(analyst).get(
        reverse("archive:claims_csv", args=[workspace.slug]), {"credibility": "9"}
    )
    assert response.status_code == 400
    assert "credibility" in response.json()["error"]


def test_another_workspaces_download_is_a_404_in_json_for_a_script(outsider, workspace):
    response = token_client(outsider).get(reverse("archive:claims_csv", args=[workspace.slug]))
    assert response.json() == {"error": "Not found."}


def test_a_role_refused_a_download_is_a_403_in_json_for_a_script(analyst, workspace):
    response = token_client(analyst).get(reverse("archive:activity_csv", args=[workspace.slug]))
    assert response.status_code == 403 and response.json()["error"]


def test_a_browser_refused_a_download_still_gets_the_page(analyst, workspace, client):
    client.force_login(analyst)
    url = reverse("archive:claims_csv", args=[workspace.slug])
    response = client.get(url, {"credibility": "9"}, HTTP_ACCEPT="text/html,*/*;q=0.8")
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")


def test_a_sources_original_downloads_with_an_api_token(analyst, workspace):
    source = create_source(workspace=workspace, user=analyst, title="Statement", text="Said.", language="en")
    response = token_client(analyst).get(reverse("archive:source_original", args=[workspace.slug, source.pk]))
    assert b"".join(response.streaming_content) == b"Said."


def test_a_refused_evidence_package_says_why_to_a_script(analyst, workspace):
    claim = ClaimFactory(workspace=workspace)
    Claim.history.filter(id=claim.pk).update(statement="Edited in the database.")  # the chain breaks
    url = reverse("archive:claim_evidence_package", args=[workspace.slug, claim.pk])
    response = token_client(analyst).get(url)
    assert response.status_code == 409
    assert response.json()["error"].startswith("The evidence package was not built.")


def test_a_method_a_download_refuses_keeps_its_allow_header_for_a_script(analyst, workspace, client):
    client.force_login(analyst)
    response = client.post(reverse("archive:claims_csv", args=[workspace.slug]), HTTP_ACCEPT="*/*")
    assert response.status_code == 405 and "GET" in response["Allow"]
    assert response.json() == {"error": "Method Not Allowed."}
