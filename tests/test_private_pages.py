"""A signed-in member's pages are not stored by the browser: Back asks for them anew."""

import pytest
from django.urls import reverse

from tests.support import api_client_for


def test_a_members_page_is_not_stored(client, analyst, workspace, source):
    client.force_login(analyst)
    response = client.get(reverse("archive:source", args=[workspace.slug, source.pk]))
    assert response.status_code == 200
    assert set(response["Cache-Control"].split(", ")) == {"no-store", "private"}


@pytest.mark.parametrize("address", ["/api/workspaces/", "w3c"])
def test_an_api_answer_is_private_and_left_to_its_etag(analyst, workspace, source, address):
    address = f"/w3c/sources/{source.pk}/" if address == "w3c" else address
    response = api_client_for(analyst).get(address)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private"
