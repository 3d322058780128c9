"""GET /api/sources/<id>/original/: a text original with the charset its bytes are in,
and the SHA-256 of the bytes as a strong ETag that If-None-Match turns into a 304."""

from archive.sources.writes import create_source
from tests.factories import CaptureFactory
from tests.support import api_client_for

ARABIC = "قال مدير المحطة إن القصف بدأ صباح الخميس"


def archived(workspace, analyst, **fields):
    return create_source(workspace=workspace, user=analyst, title="Statement", language="ar", **fields)


def test_a_text_archived_through_the_api_is_served_as_utf8(analyst, workspace):
    source = archived(workspace, analyst, text=ARABIC)
    response = api_client_for(analyst).get(f"/api/sources/{source.pk}/original/")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert b"".join(response.streaming_content).decode("utf-8") == ARABIC


def test_an_imported_text_is_served_in_the_encoding_it_was_decoded_from(analyst, workspace):
    source = archived(workspace, analyst, text=ARABIC, original=ARABIC.encode("cp1256"))
    CaptureFactory(source=source, extraction="text as decoded (cp1256)")
    response = api_client_for(analyst).get(f"/api/sources/{source.pk}/original/")
    assert response["Content-Type"] == "text/plain; charset=windows-1256"


def test_the_original_has_the_sha256_of_its_bytes_as_a_strong_etag(analyst, workspace):
    source = archived(workspace, analyst, text=ARABIC)
    response = api_client_for(analyst).get(f"/api/sources/{source.pk}/original/")
    assert response["ETag"] == f'"{source.original_sha256}"'


def test_the_original_is_304_when_if_none_match_names_its_etag(analyst, workspace):
    source = archived(workspace, analyst, text=ARABIC)
    url = f"/api/sources/{source.pk}/original/"
    response = api_client_for(analyst).get(url, HTTP_IF_NONE_MATCH=f'"{source.original_sha256}"')
    assert response.status_code == 304
    assert response["ETag"] == f'"{source.original_sha256}"' and response.content == b""


def test_a_versions_download_page_gives_the_same_charset(analyst, workspace, client):
    source = archived(workspace, analyst, text=ARABIC, original=ARABIC.encode("cp1256"))
    CaptureFactory(source=source, extraction="text as decoded (cp1256)")
    client.force_login(analyst)
    response = client.get(f"/w/{workspace.slug}/sources/{source.pk}/versions/1/original/")
    assert response["Content-Type"] == "text/plain; charset=windows-1256"
