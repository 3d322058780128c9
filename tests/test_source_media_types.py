"""A source's media type: one the archive keeps, and a text one in UTF-8 for a source
whose original is its own text (its original is served with that type)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from archive.models import Source
from archive.sources.writes import create_source
from tests.support import api_client_for, field_errors


def create(workspace, user, **fields):
    return create_source(
        workspace=workspace, user=user, title="Notes", text="<b>Words</b>.", language="en", **fields
    )


@pytest.mark.parametrize("media_type", ["text/html", "application/pdf"])
def test_a_source_of_text_only_is_refused_a_media_type_that_is_not_text(workspace, analyst, media_type):
    with pytest.raises(ValidationError) as refused:
        create(workspace, analyst, media_type=media_type)
    assert "without an original file" in refused.value.message_dict["media_type"][0]


@pytest.mark.parametrize("media_type", ["garbage", "image/svg+xml", "text/plain\r\nX-Injected: 1"])
def test_a_media_type_the_archive_does_not_keep_is_refused(workspace, analyst, media_type):
    with pytest.raises(ValidationError) as refused:
        create(workspace, analyst, original=b"%PDF-1.7", media_type=media_type)
    assert "not a media type the archive keeps" in refused.value.message_dict["media_type"][0]


@pytest.mark.parametrize("media_type", ["garbage", "application/pdf", "text/html", "image/svg+xml"])
def test_the_api_refuses_a_text_source_of_another_media_type_with_400_naming_it(
    workspace, analyst, media_type
):
    body = {"workspace": workspace.slug, "title": "t", "language": "en", "text": "<svg onload=alert(1)>"}
    response = api_client_for(analyst).post(
        "/api/sources/", {**body, "media_type": media_type}, format="json"
    )
    assert response.status_code == 400
    assert "media_type" in field_errors(response.json())


@pytest.mark.parametrize("media_type", ["text/plain; charset=windows-1256", "text/plain; charset=utf-16"])
def test_a_source_of_text_only_is_refused_a_charset_other_than_utf8(workspace, analyst, media_type):
    with pytest.raises(ValidationError) as refused:
        create(workspace, analyst, media_type=media_type)
    assert "kept as its text in UTF-8" in refused.value.message_dict["media_type"][0]


@pytest.mark.parametrize("charset", ["utf-8", "UTF-8", "utf8"])
def test_a_source_of_text_only_may_say_its_charset_is_utf8(workspace, analyst, charset):
    source = create(workspace, analyst, media_type=f"text/plain; charset={charset}")
    assert source.media_type == f"text/plain; charset={charset}"


def test_a_source_with_its_original_file_keeps_the_charset_declared_with_it(workspace, analyst):
    original = "<b>Words</b>.".encode("utf-16")
    source = create(workspace, analyst, original=original, media_type="text/plain; charset=utf-16")
    assert source.media_type == "text/plain; charset=utf-16"


def test_the_api_refuses_a_text_declared_in_another_charset_with_400_naming_it(workspace, analyst):
    body = {"workspace": workspace.slug, "title": "t", "language": "ar", "text": "قال مدير المحطة"}
    response = api_client_for(analyst).post(
        "/api/sources/", {**body, "media_type": "text/plain; charset=windows-1256"}, format="json"
    )
    assert response.status_code == 400
    [message] = field_errors(response.json())["media_type"]
    assert "charset=windows-1256 would be false" in message
    assert not Source.objects.exists()


def test_an_original_whose_media_type_names_its_charset_is_downloaded_with_its_extension(
    client, workspace, analyst
):
    source = create(workspace, analyst, media_type="text/plain; charset=utf-8")
    client.force_login(analyst)
    response = client.get(reverse("archive:source_original", args=[workspace.slug, source.pk]))
    assert response["Content-Disposition"].endswith('.txt"')
