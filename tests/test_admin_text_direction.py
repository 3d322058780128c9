"""The admin's boxes for what people write (names, titles, statements, bodies) take their
direction from their text (dir="auto"), so Arabic is typed and read right to left; an
address stays left to right."""

import lxml.html
import pytest
from django.urls import reverse

from tests.factories import AnnotationFactory, ClaimFactory, OutletFactory, SourceFactory, UserFactory


@pytest.fixture
def staff(client, superuser):
    client.force_login(superuser)
    return client


def control(staff, page: str, obj, name: str) -> lxml.html.HtmlElement:
    """The form control named `name` on the admin's change page of `obj`."""
    html = staff.get(reverse(page, args=[obj.pk])).content.decode()
    [found] = lxml.html.fromstring(html).xpath(f"//form//*[self::input or self::textarea][@name='{name}']")
    return found


@pytest.mark.parametrize(
    ("page", "make", "name", "tag"),
    [
        (
            "admin:archive_outlet_change",
            lambda workspace: OutletFactory(workspace=workspace),
            "name",
            "input",
        ),
        (
            "admin:archive_source_change",
            lambda workspace: SourceFactory(workspace=workspace),
            "title",
            "input",
        ),
        (
            "admin:archive_claim_change",
            lambda workspace: ClaimFactory(workspace=workspace),
            "statement",
            "textarea",
        ),
        (
            "admin:archive_annotation_change",
            lambda workspace: AnnotationFactory(workspace=workspace),
            "body",
            "textarea",
        ),
        ("admin:archive_workspace_change", lambda workspace: workspace, "description", "textarea"),
        ("admin:auth_user_change", lambda workspace: UserFactory(), "first_name", "input"),
    ],
    ids=[
        "outlet name",
        "source title",
        "claim statement",
        "annotation body",
        "workspace description",
        "user name",
    ],
)
def test_an_admin_change_forms_text_box_takes_its_direction_from_its_text(
    staff, workspace, page, make, name, tag
):
    box = control(staff, page, make(workspace), name)
    assert (box.tag, box.get("dir")) == (tag, "auto")


def test_an_admin_change_forms_address_box_stays_left_to_right(staff, workspace):
    outlet = OutletFactory(workspace=workspace, url="https://www.enabbaladi.net/")
    assert control(staff, "admin:archive_outlet_change", outlet, "url").get("dir") is None
