"""The rules for a source's text and publication date, the same on every path: the
import page, the REST API and the model's own validation (the admin)."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from archive.models import Source
from tests.factories import SourceFactory
from tests.media import stored_files
from tests.support import api_client_for, field_errors

BLANK = "No text was found: the text is empty or only white space."
ESCAPE = (
    "The text contains a control character (U+001B) on line 2: only tabs, line breaks and form feeds "
    "may appear in a text. Remove it and try again."
)


def post_source(user, workspace, **fields):
    body = {"workspace": workspace.slug, "title": "Statement", "language": "en", "text": "Words."} | fields
    return api_client_for(user).post("/api/sources/", body, format="json")


def import_page(client, workspace, **data):
    return client.post(reverse("archive:import", args=[workspace.slug]), data)


def token_of(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


# --- the text ------------------------------------------------------------------------


def test_the_api_refuses_a_blank_text(analyst, workspace):
    response = post_source(analyst, workspace, text="   \n\t ")
    assert (response.status_code, field_errors(response.json())) == (400, {"text": [BLANK]})


def test_the_api_refuses_a_text_with_a_control_character(analyst, workspace):
    response = post_source(analyst, workspace, text="First line.\nThe \x1b[31mred\x1b[0m part.")
    assert (response.status_code, field_errors(response.json())) == (400, {"text": [ESCAPE]})


def test_a_refused_text_leaves_nothing_stored(analyst, workspace):
    before = stored_files()
    post_source(analyst, workspace, text="First line.\nA bell\x07.")
    assert (Source.objects.count(), stored_files()) == (0, before)


def test_pasted_text_with_a_control_character_is_refused_with_the_same_message(client, analyst, workspace):
    client.force_login(analyst)
    response = import_page(client, workspace, text="First line.\nThe \x1b[31mred\x1b[0m part.")
    assert response.status_code == 400
    assert ESCAPE in response.content.decode()


def test_a_file_with_a_control_character_is_refused_with_the_same_message(client, analyst, workspace):
    client.force_login(analyst)
    # One stray escape in a long text: too few control characters to call the file binary.
    data = b"First line.\r\nThe \x1b[31mred part." + b" The pumps stopped on Tuesday." * 40
    upload = SimpleUploadedFile("notes.txt", data)
    response = import_page(client, workspace, file=upload)
    assert response.status_code == 400
    assert ESCAPE in response.content.decode()


# --- the publication date --------------------------------------------------------------


@pytest.mark.parametrize("date", ["9999-12-31", "0001-01-01", "1399-12-31"])
def test_the_api_refuses_an_implausible_publication_date(analyst, workspace, date):
    response = post_source(analyst, workspace, published_on=date)
    assert response.status_code == 400
    assert field_errors(response.json())["published_on"][0].startswith(
        f"{date} is not a plausible publication date"
    )


def test_a_sources_own_validation_refuses_an_implausible_publication_date(workspace):
    # What the admin's forms run.
    source = SourceFactory(workspace=workspace)
    source.published_on = datetime.date(9999, 12, 31)
    with pytest.raises(ValidationError) as refused:
        source.full_clean()
    assert list(refused.value.message_dict) == ["published_on"]


def test_the_import_confirmation_refuses_an_implausible_publication_date(client, analyst, workspace):
    client.force_login(analyst)
    token = token_of(import_page(client, workspace, text="The pumps stopped on Tuesday."))
    response = client.post(
        reverse("archive:import_confirm", args=[workspace.slug]),
        {
            "token": token,
            "title": "Pumps",
            "language": "en",
            "direction": "ltr",
            "published_on": "9999-12-31",
        },
    )
    assert response.status_code == 400
    assert "9999-12-31 is not a plausible publication date" in response.content.decode()
    assert not Source.objects.exists()
