"""Grading outlets: a reason is required and every change is in the history."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from archive.models import Outlet
from archive.sources.outlets import GRADE_NEEDS_REASON, create_outlet, edit_outlet
from tests.factories import OutletFactory


@pytest.fixture
def outlet(workspace):
    return OutletFactory(workspace=workspace, name="Hawran Voice", reliability="C")


def grade(client, user, outlet, **data):
    client.force_login(user)
    url = reverse("archive:outlet_grade", args=[outlet.workspace.slug, outlet.pk])
    return client.post(url, {"version": outlet.version} | data)


def add_outlet(client, user, workspace, **data):
    client.force_login(user)
    return client.post(reverse("archive:outlet_create", args=[workspace.slug]), data)


def edit_details(client, user, outlet, version, **data):
    """Post the outlet's details form as loaded at `version`."""
    client.force_login(user)
    url = reverse("archive:outlet_edit", args=[outlet.workspace.slug, outlet.pk])
    return client.post(url, {"version": version} | data)


def test_grade_change_is_saved_with_its_reason_in_the_history(client, ws_admin, outlet):
    grade(client, ws_admin, outlet, reliability="B", reason="Two years of accurate reports.")
    outlet.refresh_from_db()
    assert (outlet.reliability, outlet.reliability_reason) == ("B", "Two years of accurate reports.")
    latest = outlet.history.first()
    assert latest.history_user == ws_admin
    assert latest.history_change_reason == "reliability graded B: Two years of accurate reports."


def test_grade_change_without_a_reason_is_refused(client, ws_admin, outlet):
    response = grade(client, ws_admin, outlet, reliability="A", reason="  ")
    assert response.status_code == 400
    outlet.refresh_from_db()
    assert outlet.reliability == "C"


def test_grade_change_from_a_stale_form_is_refused(client, ws_admin, outlet):
    grade(client, ws_admin, outlet, reliability="B", reason="First look.")
    response = grade(client, ws_admin, outlet, reliability="E", reason="From an old page.")
    assert response.status_code == 409
    assert "changed this outlet\u2019s grade while you were editing" in response.content.decode()
    outlet.refresh_from_db()
    assert outlet.reliability == "B"


def test_outlet_list_shows_grades_and_reasons_to_members(client, reviewer, outlet):
    outlet.reliability_reason = "Local, mostly accurate."
    outlet.save()
    client.force_login(reviewer)
    page = client.get(reverse("archive:outlets", args=[outlet.workspace.slug])).content.decode()
    assert "Hawran Voice" in page and "Local, mostly accurate." in page
    assert "Change grade" not in page


def test_the_message_after_grading_keeps_an_arabic_name_apart_from_the_english_around_it(
    client, ws_admin, workspace
):
    outlet = OutletFactory(workspace=workspace, name="صوت حوران", reliability="C")
    response = grade(client, ws_admin, outlet, reliability="B", reason="Accurate.")
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert messages == ["\u2068صوت حوران\u2069 is now graded B."]


def test_admin_adds_an_outlet_ungraded_with_its_reason(client, ws_admin, workspace):
    details = {"url": "enabbaladi.net", "country": "Syria", "language": "ar"}
    response = add_outlet(client, ws_admin, workspace, name="عنب بلدي", reason="cited often", **details)
    assert response.status_code == 302
    outlet = Outlet.objects.get(workspace=workspace, name="عنب بلدي")
    assert (outlet.url, outlet.language, outlet.reliability) == ("https://enabbaladi.net", "ar", "F")
    assert outlet.history.get().history_change_reason == "cited often"


def test_admin_corrects_an_outlets_details_and_its_grade_stays(client, ws_admin, outlet):
    renamed = {"name": "Hawran Voice (Arabic)", "language": "ar", "reason": "its own name"}
    assert edit_details(client, ws_admin, outlet, outlet.version, **renamed).status_code == 302
    outlet.refresh_from_db()
    assert (outlet.name, outlet.language, outlet.reliability) == ("Hawran Voice (Arabic)", "ar", "C")
    assert outlet.history.first().history_change_reason == "its own name"


def test_an_outlet_edit_from_a_stale_page_is_refused(client, ws_admin, outlet):
    edit_details(client, ws_admin, outlet, outlet.version, name="First edit")
    response = edit_details(client, ws_admin, outlet, outlet.version, name="Second edit from the old page")
    assert response.status_code == 409
    outlet.refresh_from_db()
    assert outlet.name == "First edit"


def test_an_outlet_without_a_name_is_refused(client, ws_admin, workspace):
    before = Outlet.objects.count()
    response = add_outlet(client, ws_admin, workspace, name="  ")
    assert response.status_code == 400
    assert Outlet.objects.count() == before


def test_an_outlet_added_with_a_language_that_is_no_bcp47_tag_is_refused(client, ws_admin, workspace):
    response = add_outlet(client, ws_admin, workspace, name="Tagged", language="not a tag!!")
    assert response.status_code == 400
    assert "Enter a BCP 47 language tag" in response.content.decode()
    assert not Outlet.objects.filter(name="Tagged").exists()


def test_a_grade_changed_with_the_outlets_details_is_stored_with_the_edits_reason(ws_admin, outlet):
    # The API and the Django admin change a grade with the outlet's other details.
    changes = {"reliability": "A"}
    edit_outlet(outlet, user=ws_admin, expected_version=outlet.version, changes=changes, reason="checked")
    outlet.refresh_from_db()
    assert (outlet.reliability, outlet.reliability_reason) == ("A", "checked")


def test_an_outlet_created_with_a_grade_and_no_reason_for_it_is_refused(ws_admin, workspace):
    with pytest.raises(ValidationError) as refused:
        create_outlet(workspace=workspace, user=ws_admin, name="Graded", reliability="A")
    assert refused.value.message_dict == {"reliability_reason": [GRADE_NEEDS_REASON]}


def test_the_grade_page_lists_grades_and_not_the_outlets_other_edits(client, ws_admin, outlet):
    grade(client, ws_admin, outlet, reliability="B", reason="Two years of accurate reports.")
    outlet.refresh_from_db()
    edit_details(client, ws_admin, outlet, outlet.version, name="Hawran Voice (Daraa)")
    client.force_login(ws_admin)
    page = client.get(reverse("archive:outlet_grade", args=[outlet.workspace.slug, outlet.pk]))
    assert [(r.reliability, r.reliability_reason) for r in page.context["history"]] == [
        ("B", "Two years of accurate reports."),
        ("C", ""),
    ]


def test_the_same_grade_with_a_new_reason_is_kept_and_said_to_stay(client, ws_admin, outlet):
    response = grade(client, ws_admin, outlet, reliability="C", reason="Checked again in 2026.")
    outlet.refresh_from_db()
    assert outlet.reliability_reason == "Checked again in 2026."
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("stays graded C" in m for m in messages)


def test_the_grade_page_leads_back_to_all_outlets(client, ws_admin, outlet):
    client.force_login(ws_admin)
    html = client.get(
        reverse("archive:outlet_grade", args=[outlet.workspace.slug, outlet.pk])
    ).content.decode()
    assert f'class="crumbs"><a href="{reverse("archive:outlets", args=[outlet.workspace.slug])}"' in html


def test_the_grade_page_of_an_outlet_never_graded_says_it_has_no_grades_yet(client, ws_admin, workspace):
    outlet = OutletFactory(workspace=workspace, name="Open Notes", reliability="F")
    client.force_login(ws_admin)
    page = client.get(reverse("archive:outlet_grade", args=[workspace.slug, outlet.pk])).content.decode()
    assert "No grades given yet." in page
    assert '<ol class="history">' not in page


def test_each_outlet_row_is_headed_by_its_name_which_describes_its_links(client, ws_admin, outlet):
    client.force_login(ws_admin)
    page = client.get(reverse("archive:outlets", args=[outlet.workspace.slug])).content.decode()
    header = f'<th scope="row" id="outlet-{outlet.pk}-name" data-label="Outlet"><bdi>{outlet.name}</bdi>'
    assert header in page
    edit = reverse("archive:outlet_edit", args=[outlet.workspace.slug, outlet.pk])
    assert f'<a href="{edit}" aria-describedby="outlet-{outlet.pk}-name">Edit</a>' in page
