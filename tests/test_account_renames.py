"""An account's username is what the history attributes work by: once it has recorded
work it cannot change, in the admin or through the domain."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from archive.claims import create_claim
from archive.workspaces import keep_username_of
from tests.factories import UserFactory

FIXED = "has recorded work; its username is what the history attributes it by and cannot change."


@pytest.fixture
def staff(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def worker(workspace, analyst):
    """An analyst the history attributes a claim to."""
    create_claim(workspace=workspace, user=analyst, statement="The bridge was shelled at dawn.")
    return analyst


def rename_in_admin(staff, account, username: str):
    data = {
        "username": username,
        "is_active": "on",
        "date_joined_0": "2024-01-01",
        "date_joined_1": "00:00:00",
    }
    return staff.post(reverse("admin:auth_user_change", args=[account.pk]), data)


def test_renaming_an_account_with_recorded_work_in_the_admin_is_refused_on_its_field(staff, worker):
    response = rename_in_admin(staff, worker, "demo-reviewer-x")
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert FIXED in errors["username"][0] and "Change the name instead." in errors["username"][0]
    worker.refresh_from_db()
    assert worker.username == "analyst"


def test_an_account_without_recorded_work_can_be_renamed_in_the_admin(staff, db):
    newcomer = UserFactory(username="newcomer")
    response = rename_in_admin(staff, newcomer, "newcomer-2")
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.username == "newcomer-2"


def test_the_domain_refuses_a_new_username_for_an_account_with_recorded_work(worker):
    with pytest.raises(ValidationError, match=FIXED) as refused:
        keep_username_of(worker, "someone-else")
    assert refused.value.code == "username_fixed"


def test_the_domain_lets_an_account_without_recorded_work_take_a_new_username(db):
    keep_username_of(UserFactory(username="newcomer"), "newcomer-2")  # no ValidationError
