"""An uploaded file's name that is not text in UTF-8 (raw, or percent-encoded in
RFC 2231's filename*=) is refused with a 400 saying so, before anything is staged
or saved (Django alone would drop that file from the form without a word, or keep
the name with U+FFFD); control characters and NUL in a name are removed, so the
file is imported under the rest of its name, and a name that is nothing else is
refused as not usable."""

import re

import pytest
from django.urls import reverse

from archive.models import Capture, Claim, Job, Source
from tests.media import stored_files

BOUNDARY = b"wArRaNtUpLoAd"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY.decode()}"
NOT_UTF8 = "is not text in UTF-8"


def part(name: bytes, value: bytes, file_name: bytes | None = None) -> bytes:
    disposition = b'form-data; name="' + name + b'"'
    if file_name is not None:
        disposition += b"; " + file_name
    headers = b"Content-Disposition: " + disposition
    if file_name is not None:
        headers += b"\r\nContent-Type: text/plain"
    return b"--" + BOUNDARY + b"\r\n" + headers + b"\r\n\r\n" + value + b"\r\n"


def body(*parts: bytes) -> bytes:
    return b"".join(parts) + b"--" + BOUNDARY + b"--\r\n"


def text_file(file_name: bytes, text: bytes = b"The water station stopped pumping on Monday.\n") -> bytes:
    return part(b"file", text, file_name)


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client


def post_import(client, workspace, data: bytes):
    return client.generic("POST", reverse("archive:import", args=[workspace.slug]), data, MULTIPART)


def test_an_upload_whose_file_name_is_not_utf8_is_400_saying_so_and_keeps_nothing(analyst_client, workspace):
    before = stored_files()
    response = post_import(analyst_client, workspace, body(text_file(b'filename="\xff\xfe report.txt"')))
    assert response.status_code == 400
    assert "A file name or field name in the form " + NOT_UTF8 in response.content.decode()
    assert stored_files() == before
    assert not Source.objects.exists() and not Job.objects.exists()


def test_an_upload_whose_rfc2231_file_name_is_not_utf8_is_400_saying_so_and_keeps_nothing(
    analyst_client, workspace
):
    before = stored_files()
    response = post_import(analyst_client, workspace, body(text_file(b"filename*=UTF-8''%FF.txt")))
    assert response.status_code == 400
    assert "A file name or field name in the form " + NOT_UTF8 in response.content.decode()
    assert stored_files() == before
    assert not Source.objects.exists() and not Job.objects.exists()


def test_an_upload_whose_file_name_is_only_control_characters_is_400_saying_the_name_is_not_usable(
    analyst_client, workspace
):
    before = stored_files()
    response = post_import(analyst_client, workspace, body(text_file(b'filename="\x1b\x07"')))
    assert response.status_code == 400
    assert "The name of a file is not usable" in response.content.decode()
    assert stored_files() == before
    assert not Source.objects.exists() and not Job.objects.exists()


def test_one_of_several_uploads_named_not_in_utf8_refuses_them_all(analyst_client, workspace):
    before = stored_files()
    files = text_file(b'filename="good.txt"'), text_file(b'filename="caf\xe9.txt"', b"Another text.\n")
    response = post_import(analyst_client, workspace, body(*files))
    assert response.status_code == 400
    assert NOT_UTF8 in response.content.decode()
    assert stored_files() == before
    assert not Source.objects.exists() and not Job.objects.exists()


@pytest.mark.parametrize(
    "file_name",
    [
        b'filename="a\x00b.txt"',
        b"filename*=UTF-8''a%00b.txt",
        b'filename="a\nb.txt"',
        b'filename="a\x1bb.txt"',
    ],
    ids=["nul", "encoded-nul", "newline", "escape"],
)
def test_control_characters_in_an_upload_name_are_removed_before_it_is_saved(
    analyst_client, workspace, file_name
):
    proposed = post_import(analyst_client, workspace, body(text_file(file_name)))
    assert proposed.status_code == 200
    token = re.search(r'name="token" value="([^"]+)"', proposed.content.decode()).group(1)
    confirm = {"token": token, "title": "Pumping stopped", "language": "en", "direction": "ltr"}
    confirm_url = reverse("archive:import_confirm", args=[workspace.slug])
    assert analyst_client.post(confirm_url, confirm).status_code == 302
    assert Capture.objects.get().filename == "ab.txt"


@pytest.mark.parametrize("padding", range(65_400, 65_560, 7))
def test_a_name_not_in_utf8_is_found_wherever_the_body_is_cut_into_reads(analyst_client, workspace, padding):
    # Django reads the body 64 KiB at a time: the second file's headers fall across a read.
    files = text_file(b'filename="big.txt"', b"x" * padding), text_file(b'filename="\xc3(.txt"')
    assert post_import(analyst_client, workspace, body(*files)).status_code == 400


def test_names_in_utf8_across_reads_are_imported(analyst_client, workspace):
    # The second file's headers fall across the first 64 KiB read.
    arabic = "تقرير المياه.txt".encode()
    files = text_file(b'filename="big.txt"', b"x " * 32_690), text_file(b'filename="' + arabic + b'"')
    response = post_import(analyst_client, workspace, body(*files))
    assert response.status_code == 302
    assert sorted(Capture.objects.values_list("filename", flat=True)) == ["big.txt", "تقرير المياه.txt"]


def test_a_form_field_whose_name_is_not_utf8_is_400_and_saves_nothing(client, analyst, workspace):
    client.force_login(analyst)
    data = body(part(b"statement", b"The pump was hit."), part(b"no\xf0te", b"x"))
    response = client.generic("POST", reverse("archive:claim_create", args=[workspace.slug]), data, MULTIPART)
    assert response.status_code == 400
    assert NOT_UTF8 in response.content.decode()
    assert not Claim.objects.exists()
