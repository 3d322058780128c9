"""Web addresses typed in the browser: a text box with a phone's URL keyboard, not
<input type="url">, so an address without its scheme ("enabbaladi.net") reaches the
server, which takes it as https, instead of the browser refusing it."""

import re

import pytest
from django.urls import reverse

from tests.factories import OutletFactory


def address_box(html: str, name: str) -> str:
    """The <input> named `name` on the page."""
    found = re.findall(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("view", "name"),
    [("archive:outlet_create", "url"), ("archive:outlet_edit", "url"), ("archive:import", "url")],
)
def test_an_address_box_in_the_app_lets_an_address_without_https_through(
    client, ws_admin, workspace, view, name
):
    outlet = OutletFactory(workspace=workspace)
    args = [workspace.slug, outlet.pk] if view == "archive:outlet_edit" else [workspace.slug]
    client.force_login(ws_admin)
    box = address_box(client.get(reverse(view, args=args)).content.decode(), name)
    assert 'type="text"' in box and 'inputmode="url"' in box


@pytest.mark.parametrize(("model", "name"), [("outlet", "url"), ("source", "original_url")])
def test_an_address_box_in_the_admin_lets_an_address_without_https_through(client, superuser, model, name):
    client.force_login(superuser)
    box = address_box(client.get(reverse(f"admin:archive_{model}_add")).content.decode(), name)
    assert 'type="text"' in box and 'inputmode="url"' in box
