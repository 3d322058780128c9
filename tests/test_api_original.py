"""GET /api/sources/<id>/original/: a text original with the charset its bytes are in,
and the SHA-256 of the bytes as a strong ETag that If-None-Match turns into a 304, and as
Repr-Digest and Digest (base64); a stored file that no longer has that SHA-256 is refused
(409) there and on the pages' downloads."""

import base64
import hashlib

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


SENT = "line one\r\nline two cafe\u0301\r\nend"


def test_a_text_posted_to_the_api_keeps_the_bytes_sent_as_its_original(analyst, workspace):
    client = api_client_for(analyst)
    posted = {"workspace": workspace.slug, "title": "Statement", "language": "en", "text": SENT}
    created = client.post("/api/sources/", posted, format="json").json()
    assert created["original_sha256"] == hashlib.sha256(SENT.encode("utf-8")).hexdigest()
    original = client.get(f"/api/sources/{created['id']}/original/")
    assert b"".join(original.streaming_content) == SENT.encode("utf-8")


def test_a_text_posted_to_the_api_is_normalized_where_offsets_point(analyst, workspace):
    client = api_client_for(analyst)
    posted = {"workspace": workspace.slug, "title": "Statement", "language": "en", "text": SENT}
    created = client.post("/api/sources/", posted, format="json").json()
    text = client.get(f"/api/sources/{created['id']}/text/").content.decode()
    assert text == "line one\nline two café\nend"


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


DAMAGED = (
    "The stored file does not match the SHA-256 recorded at capture; it may be damaged. "
    "An admin can run verify_fixity."
)


def base64_sha256(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def test_the_original_carries_the_base64_sha256_of_its_bytes_as_repr_digest_and_digest(analyst, workspace):
    source = archived(workspace, analyst, text=ARABIC)
    response = api_client_for(analyst).get(f"/api/sources/{source.pk}/original/")
    sent = b"".join(response.streaming_content)
    assert response["Repr-Digest"] == f"sha-256=:{base64_sha256(sent)}:"
    assert response["Digest"] == f"sha-256={base64_sha256(sent)}"


def test_a_versions_download_page_carries_the_repr_digest_of_its_bytes(analyst, workspace, client):
    source = archived(workspace, analyst, text=ARABIC, original=ARABIC.encode("cp1256"))
    client.force_login(analyst)
    response = client.get(f"/w/{workspace.slug}/sources/{source.pk}/versions/1/original/")
    assert response["Repr-Digest"] == f"sha-256=:{base64_sha256(b''.join(response.streaming_content))}:"


def test_a_damaged_original_is_refused_by_the_api(analyst, workspace, damage):
    source = archived(workspace, analyst, text=ARABIC)
    damage(source.original.name)
    response = api_client_for(analyst).get(f"/api/sources/{source.pk}/original/")
    assert response.status_code == 409 and response.json()["error"] == DAMAGED
    assert "Digest" not in response and "ETag" not in response


def damaged_version_download(workspace, analyst, client, damage, *, accept: str):
    source = archived(workspace, analyst, text=ARABIC)
    damage(source.original.name)
    client.force_login(analyst)
    return client.get(f"/w/{workspace.slug}/sources/{source.pk}/versions/1/original/", HTTP_ACCEPT=accept)


def test_a_damaged_versions_original_is_refused_to_a_browser_with_a_page(analyst, workspace, client, damage):
    response = damaged_version_download(workspace, analyst, client, damage, accept="text/html")
    assert response.status_code == 409 and DAMAGED in response.content.decode()


def test_a_damaged_versions_original_is_refused_to_a_script_in_json(analyst, workspace, client, damage):
    response = damaged_version_download(workspace, analyst, client, damage, accept="*/*")
    assert response.status_code == 409 and response.json() == {"error": DAMAGED}
