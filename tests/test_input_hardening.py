"""No input makes a JSON endpoint fail: every malformed request is a 4xx with a
JSON reason, and writes nothing (archive.core.json_input, archive.api.parsing,
archive.views.json_endpoints.read_json). Each probe that once gave a 500 (or a
bare HTML 400, or a misleading 409) is a test here, on every entry path."""

import gzip
import json

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from archive.core.json_input import MAX_DEPTH, JSONInputError, JSONInputTooLarge, parse_json_body
from archive.models import Annotation, Claim, Evidence, Passage, Source
from tests.factories import AnnotationFactory, ClaimFactory, EvidenceFactory

ANNO = "http://www.w3.org/ns/anno.jsonld"


@pytest.fixture
def annotation(workspace, passage, analyst):
    return AnnotationFactory(workspace=workspace, passages=[passage], author=analyst)


@pytest.fixture
def evidence(workspace, passage, analyst):
    claim = ClaimFactory(workspace=workspace, created_by=analyst)
    return EvidenceFactory(claim=claim, passage=passage, created_by=analyst)


@pytest.fixture
def api(analyst) -> APIClient:
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(analyst)
    return client


@pytest.fixture
def browser(analyst) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(analyst)
    return client


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in (Source, Passage, Annotation, Claim, Evidence)}


def w3c_annotation(source, **fields) -> dict:
    return {
        "@context": ANNO,
        "type": "Annotation",
        "target": {
            "source": f"http://testserver/api/sources/{source.pk}/text/",
            "selector": {"type": "TextPositionSelector", "start": 0, "end": 5},
        },
        **fields,
    }


def write_requests(workspace, source) -> list[tuple[str, str, str]]:
    """(client, url, content type) of a create on every entry path."""
    return [
        ("api", "/api/claims/", "application/json"),
        ("api", "/api/annotations/", "application/json"),
        ("api", f"/w3c/sources/{source.pk}/", "application/ld+json"),
        ("api", f"/w3c/sources/{source.pk}/", "application/json"),
        (
            "browser",
            reverse("archive:annotation_create", args=[workspace.slug, source.pk]),
            "application/json",
        ),
        ("browser", reverse("archive:evidence_create", args=[workspace.slug, source.pk]), "application/json"),
    ]


def send_everywhere(api, browser, workspace, source, body: bytes) -> list:
    clients = {"api": api, "browser": browser}
    responses = []
    for client, url, content_type in write_requests(workspace, source):
        response = clients[client].post(url, body, content_type=content_type)
        responses.append((url, content_type, response))
    return responses


def refused(response, status: int = 400) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].split(";")[0] in ("application/json", "application/ld+json")
    return response.json()


def reason(body: dict) -> str:
    return body.get("detail") or body.get("error") or json.dumps(body)


# --- the one parser ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        (b"[" * 100_000, "nested deeper than 64"),
        (b"{" * 100_000, "nested deeper than 64"),
        (b'{"a": "\\ud800"}', "lone surrogate"),
        (b'{"\\udfff": 1}', "lone surrogate"),
        (b'{"a": ["ok", "x\\u0000"]}', "NUL"),
        (b'{"a\\u0000": 1}', "NUL"),
        (b'{"a": "\xff"}', "not valid UTF-8"),
        (b'{"a": 9223372036854775808}', "out of range"),
        (b'{"a": -9223372036854775809}', "out of range"),
        (b"1" * 10_000, "out of range"),
        (b'{"a": 1e999}', "out of range"),
        (b'{"a": NaN}', "NaN"),
        (b'{"a": Infinity}', "Infinity"),
        (b'{"a": 1, "a": 2}', "twice"),
        (b"", "not valid JSON"),
        (b"{", "not valid JSON"),
    ],
)
def test_parse_json_body_refuses_with_a_reason(raw, says):
    with pytest.raises(JSONInputError, match=says):
        parse_json_body(raw)


def test_parse_json_body_takes_what_is_within_limits():
    nested = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert parse_json_body(nested.encode()) == json.loads(nested)
    # Brackets and escapes inside strings are text, not structure.
    text = '{"a": "' + "[" * 1000 + '\\"{"}'
    assert parse_json_body(text.encode()) == {"a": "[" * 1000 + '"{'}
    assert parse_json_body(b'{"n": 9223372036854775807, "m": -9223372036854775808}') == {
        "n": 2**63 - 1,
        "m": -(2**63),
    }
    assert parse_json_body('{"ar": "دمشق \\u00e9 \\ud83d\\ude00"}'.encode()) == {"ar": "دمشق é 😀"}


def test_parse_json_body_refuses_a_body_over_the_limit_as_413():
    with pytest.raises(JSONInputTooLarge) as refusal:
        parse_json_body(b"[1, 2, 3]", max_bytes=8)
    assert refusal.value.status == 413
    assert "8 bytes" in str(refusal.value)


def test_one_parser_for_rest_and_w3c():
    assert django_settings.REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] == ["archive.api.parsing.JSONParser"]
    from archive.api.parsing import JSONLDParser, JSONParser
    from archive.w3c.views import W3CView

    assert W3CView.parser_classes == [JSONLDParser, JSONParser]


# --- probe 1: deep nesting -----------------------------------------------------------


def test_deeply_nested_body_is_400_with_a_json_reason_everywhere(api, browser, workspace, source):
    before = counts()
    for url, content_type, response in send_everywhere(api, browser, workspace, source, b"[" * 100_000):
        assert "nested deeper than 64" in reason(refused(response)), (url, content_type)
    assert counts() == before


# --- probe 2: W3C page numbers ---------------------------------------------------------


@pytest.mark.parametrize("page", ["²", "٣", "-1", "1.0", "", " 1", "99999999999999999999", "1000000000"])
def test_w3c_page_that_is_not_an_ascii_number_in_range_is_400(api, source, page):
    body = refused(api.get(f"/w3c/sources/{source.pk}/", {"page": page}))
    assert "page" in body


def test_w3c_page_beyond_the_last_is_404_json(api, source, annotation):
    assert api.get(f"/w3c/sources/{source.pk}/?page=0").status_code == 200
    body = refused(api.get(f"/w3c/sources/{source.pk}/?page=1"), 404)
    assert "no page 1" in body["detail"]
    refused(api.get(f"/w3c/sources/{source.pk}/?page=999999999"), 404)


def test_w3c_page_zero_of_an_empty_container_is_an_empty_page(api, source):
    response = api.get(f"/w3c/sources/{source.pk}/?page=0")
    assert response.status_code == 200
    assert response.json()["items"] == []


# --- probe 3: surrogates, NUL, invalid UTF-8 ------------------------------------------


@pytest.mark.parametrize(
    ("escape", "says"), [("\\ud800", "lone surrogate"), ("\\u0000", "NUL"), ("\\udc00x", "lone surrogate")]
)
def test_surrogate_or_nul_in_a_text_value_is_400_everywhere(api, browser, workspace, source, escape, says):
    before = counts()
    for url, content_type, response in send_everywhere(
        api, browser, workspace, source, b'{"body": "a%sb"}' % escape.encode()
    ):
        assert says in reason(refused(response)), (url, content_type)
    assert counts() == before


def test_surrogate_in_a_w3c_body_value_is_400_and_names_where(api, source):
    raw = json.dumps(w3c_annotation(source, bodyValue="PLACEHOLDER")).replace("PLACEHOLDER", "\\ud800")
    before = counts()
    response = api.post(f"/w3c/sources/{source.pk}/", raw, content_type="application/ld+json")
    assert "bodyValue" in refused(response)["detail"]
    assert counts() == before


def test_nul_in_a_w3c_put_is_400_and_changes_nothing(api, annotation):
    source = annotation.passages.get().source
    raw = json.dumps(w3c_annotation(source, bodyValue="PLACEHOLDER")).replace("PLACEHOLDER", "a\\u0000")
    iri = f"/w3c/annotations/{annotation.pk}/"
    response = api.put(iri, raw, content_type="application/ld+json", HTTP_IF_MATCH=api.get(iri)["ETag"])
    assert "NUL" in refused(response)["detail"]
    annotation.refresh_from_db()
    assert annotation.version == 1


def test_invalid_utf8_is_400_everywhere(api, browser, workspace, source):
    for url, content_type, response in send_everywhere(api, browser, workspace, source, b'{"body": "\xc3("}'):
        assert "not valid UTF-8" in reason(refused(response)), (url, content_type)


@pytest.mark.parametrize("charset", ["latin-1", "utf-16", '"iso-8859-1"'])
def test_a_body_declared_in_another_charset_is_415_everywhere_and_saves_nothing(
    api, browser, workspace, source, charset
):
    body = json.dumps({"body": "café", "statement": "café"}).encode("latin-1")
    clients = {"api": api, "browser": browser}
    for client, url, content_type in write_requests(workspace, source):
        response = clients[client].post(url, body, content_type=f"{content_type}; charset={charset}")
        assert "JSON is read as UTF-8" in reason(refused(response, 415)), (url, content_type)
    assert not Claim.objects.exists() and not Annotation.objects.exists()


@pytest.mark.parametrize("charset", ["utf-8", "UTF-8", "utf8", '"utf-8"'])
def test_a_body_declared_utf8_is_read(api, workspace, charset):
    body = json.dumps({"workspace": workspace.slug, "statement": "café"})
    response = api.post("/api/claims/", body, content_type=f"application/json; charset={charset}")
    assert response.status_code == 201, response.content
    assert Claim.objects.get().statement == "café"


def gzipped_claim(api, workspace, coding: str):
    body = gzip.compress(json.dumps({"workspace": workspace.slug, "statement": "x"}).encode())
    return api.post("/api/claims/", body, content_type="application/json", HTTP_CONTENT_ENCODING=coding)


@pytest.mark.parametrize("coding", ["gzip", "br", "identity, gzip"])
def test_a_compressed_rest_body_is_415_asking_for_it_uncompressed(api, workspace, coding):
    answer = refused(gzipped_claim(api, workspace, coding), 415)
    assert "send the body uncompressed" in reason(answer)
    assert not Claim.objects.exists()


def test_a_compressed_body_is_answered_with_identity_as_the_coding_accepted(api, workspace):
    assert gzipped_claim(api, workspace, "gzip")["Accept-Encoding"] == "identity"


def test_a_compressed_w3c_body_is_415(api, source):
    body = gzip.compress(json.dumps(w3c_annotation(source, bodyValue="x")).encode())
    response = api.post(
        f"/w3c/sources/{source.pk}/", body, content_type="application/ld+json", HTTP_CONTENT_ENCODING="gzip"
    )
    assert "send the body uncompressed" in reason(refused(response, 415))


def test_a_body_sent_as_identity_is_read(api, workspace):
    body = json.dumps({"workspace": workspace.slug, "statement": "x"})
    response = api.post(
        "/api/claims/", body, content_type="application/json", HTTP_CONTENT_ENCODING="identity"
    )
    assert response.status_code == 201, response.content


# --- probe 4: oversized bodies ----------------------------------------------------------


def test_request_limit_is_the_import_limit():
    assert django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE == django_settings.IMPORT_MAX_BYTES


def test_oversized_body_is_413_json_naming_the_limit_everywhere(api, browser, workspace, source, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"workspace": workspace.slug, "statement": "x" * 2000}).encode()
    before = counts()
    for url, content_type, response in send_everywhere(api, browser, workspace, source, body):
        answer = refused(response, 413)
        assert "1000 bytes" in reason(answer), (url, content_type)
        assert answer["max_bytes"] == 1000
    assert counts() == before


def test_oversized_patch_is_413_on_rest_and_browser(api, browser, workspace, annotation, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"version": 1, "body": "x" * 2000})
    url = f"/api/annotations/{annotation.pk}/"
    response = api.patch(url, body, content_type="application/json", HTTP_IF_MATCH=api.get(url)["ETag"])
    assert refused(response, 413)["max_bytes"] == 1000
    url = reverse("archive:annotation", args=[workspace.slug, annotation.pk])
    assert refused(browser.patch(url, body, content_type="application/json"), 413)["max_bytes"] == 1000
    annotation.refresh_from_db()
    assert annotation.version == 1


# --- probe 5: integers beyond 64 bits -----------------------------------------------------


def test_huge_ids_and_offsets_are_400_on_rest(api, workspace, source, passage):
    before = counts()
    for url, payload in [
        ("/api/passages/", {"workspace": workspace.slug, "source": source.pk, "start": 2**63, "end": 2**64}),
        ("/api/annotations/", {"workspace": workspace.slug, "passages": [2**70]}),
        ("/api/evidence/", {"workspace": workspace.slug, "claim": 2**63, "passage": 1, "stance": "supports"}),
        ("/api/sources/", {"workspace": workspace.slug, "title": "t", "language": "en", "outlet": 2**64}),
    ]:
        assert "out of range" in refused(api.post(url, payload, format="json"))["detail"], url
    assert counts() == before


def test_offsets_just_within_64_bits_are_refused_by_the_serializer(api, workspace, source):
    payload = {"workspace": workspace.slug, "source": source.pk, "start": 2**63 - 2, "end": 2**63 - 1}
    assert "end" in refused(api.post("/api/passages/", payload, format="json"))


def test_huge_w3c_selector_offsets_are_400(api, source):
    annotation = w3c_annotation(source)
    annotation["target"]["selector"] = {"type": "TextPositionSelector", "start": 0, "end": 2**64}
    refused(api.post(f"/w3c/sources/{source.pk}/", annotation, format="json"))
    annotation["target"]["selector"] = {"type": "TextPositionSelector", "start": 2**63 - 2, "end": 2**63 - 1}
    assert "target" in refused(api.post(f"/w3c/sources/{source.pk}/", annotation, format="json"))


@pytest.mark.parametrize("value", [2**63, -1, -(2**63), 2**70])
def test_browser_ids_and_versions_out_of_range_are_400(browser, workspace, source, annotation, value):
    target = {"selector": {"type": "TextPositionSelector", "start": 0, "end": 5}}
    url = reverse("archive:evidence_create", args=[workspace.slug, source.pk])
    before = counts()
    refused(browser.post(url, {"target": target, "claim": value, "stance": "supports"}, "application/json"))
    url = reverse("archive:annotation", args=[workspace.slug, annotation.pk])
    refused(browser.patch(url, {"version": value, "body": "x"}, "application/json"))
    assert counts() == before


# --- probe 6: a write racing a delete ---------------------------------------------------


def _deleted_behind_the_views_back(get):
    """Wrap a view's object lookup: the object is found, then someone deletes it."""

    def lookup(*args, **kwargs):
        obj = get(*args, **kwargs)
        type(obj).objects.filter(pk=obj.pk).delete()
        return obj

    return lookup


@pytest.mark.parametrize("kind", ["annotation", "claim", "evidence"])
@pytest.mark.parametrize("method", ["patch", "delete"])
def test_rest_write_racing_a_delete_is_410_json_saying_it_was_deleted(
    api, monkeypatch, annotation, evidence, kind, method
):
    from archive.api.views import ResourceDetail

    monkeypatch.setattr(
        ResourceDetail, "get_object", _deleted_behind_the_views_back(ResourceDetail.get_object)
    )
    pk = {"annotation": annotation.pk, "claim": evidence.claim_id, "evidence": evidence.pk}[kind]
    url = f"/api/{kind}s/{pk}/" if kind != "evidence" else f"/api/evidence/{pk}/"
    if method == "patch":
        response = api.patch(url, {}, format="json", HTTP_IF_MATCH="*")
    else:
        response = api.delete(f"{url}?reason=gone", HTTP_IF_MATCH="*")
    # As when the delete came first (tests/test_api_deleted_meanwhile.py).
    assert "deleted this" in refused(response, 410)["error"]


@pytest.mark.parametrize("method", ["put", "delete"])
def test_w3c_write_racing_a_delete_is_404_json(api, monkeypatch, source, annotation, method):
    from archive.w3c.views import AnnotationResource

    monkeypatch.setattr(
        AnnotationResource, "get_object", _deleted_behind_the_views_back(AnnotationResource.get_object)
    )
    url = f"/w3c/annotations/{annotation.pk}/"
    if method == "put":
        response = api.put(url, w3c_annotation(source), format="json", HTTP_IF_MATCH="*")
    else:
        response = api.delete(url, HTTP_IF_MATCH="*")
    refused(response, 404)
    assert counts()["Annotation"] == 0


@pytest.mark.parametrize("kind", ["annotation", "evidence"])
@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
def test_browser_write_racing_a_delete_is_410_json_saying_it_was_deleted(
    browser, monkeypatch, workspace, annotation, evidence, kind, method
):
    from archive.views import annotations as views

    monkeypatch.setattr(views, "_changeable", _deleted_behind_the_views_back(views._changeable))
    obj = annotation if kind == "annotation" else evidence
    url = reverse(f"archive:{kind}", args=[workspace.slug, obj.pk])
    payload = {"version": 1, "reason": "gone"} if method == "DELETE" else {"version": 1, "note": "x"}
    if kind == "annotation" and method == "PATCH":
        payload = {"version": 1, "body": "x"}
    response = browser.generic(method, url, json.dumps(payload), content_type="application/json")
    assert "deleted this" in refused(response, 410)["error"]


def test_database_connections_are_health_checked():
    assert django_settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


# --- found by tests/test_fuzz_inputs.py -------------------------------------------------


@pytest.mark.parametrize("value", [[], [1], {}, {"a": 1}])
def test_an_object_where_an_id_belongs_is_400_on_rest(api, workspace, passage, evidence, value):
    payload = {"workspace": workspace.slug, "claim": value, "passage": passage.pk, "stance": "supports"}
    assert "claim" in refused(api.post("/api/evidence/", payload, format="json"))


@pytest.mark.parametrize("given", [lambda pk: pk + 0.9, float, lambda pk: True])
def test_an_id_given_as_a_number_that_is_not_whole_is_400_on_rest(api, workspace, source, given):
    # The database would take 2.9 (or true) as the id 2 (or 1): another object than meant.
    payload = {"workspace": workspace.slug, "source": given(source.pk), "start": 0, "end": 3}
    assert "source" in refused(api.post("/api/passages/", payload, format="json"))
    assert not Passage.objects.exists()


@pytest.mark.parametrize("size", ["²", "٣", "1.0", "0"])
def test_a_rest_page_size_that_is_not_an_ascii_number_from_1_is_400(api, size):
    assert refused(api.get("/api/claims/", {"page_size": size}))["page_size"] == ["A whole number from 1."]


@pytest.mark.parametrize("value", [None, {}, [], 5, ["text"]])
@pytest.mark.parametrize(("kind", "field"), [("annotation", "body"), ("evidence", "note")])
def test_a_text_field_given_no_text_is_400_in_the_browser(
    browser, workspace, annotation, evidence, kind, field, value
):
    obj = annotation if kind == "annotation" else evidence
    url = reverse(f"archive:{kind}", args=[workspace.slug, obj.pk])
    response = browser.patch(url, {"version": 1, field: value}, "application/json")
    assert field in refused(response)
    obj.refresh_from_db()
    assert obj.version == 1


# Posted forms: PostgreSQL cannot store a NUL, SQLite can; both refuse it alike.


def test_a_form_field_with_a_nul_is_400_naming_it_and_saves_nothing(client, analyst, workspace):
    client.force_login(analyst)
    url = reverse("archive:claim_create", args=[workspace.slug])
    response = client.post(url, {"statement": "Water a\x00 station", "reason": "new"})
    assert response.status_code == 400
    assert "“statement” contains a NUL character" in response.content.decode()
    assert not Claim.objects.exists()


def test_an_admin_form_with_a_nul_in_a_reason_is_400_and_changes_nothing(client, superuser, workspace):
    claim = ClaimFactory(workspace=workspace, statement="First words")
    client.force_login(superuser)
    url = reverse("admin:archive_claim_delete", args=[claim.pk])
    assert client.post(url, {"post": "yes", "reason": "spam\x00"}).status_code == 400
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_a_form_field_without_a_nul_reaches_the_view(client, analyst, workspace):
    client.force_login(analyst)
    url = reverse("archive:claim_create", args=[workspace.slug])
    assert client.post(url, {"statement": "Water station shelled", "reason": "new"}).status_code == 302
    assert Claim.objects.get().statement == "Water station shelled"


def test_a_query_value_with_a_nul_is_400_naming_it_in_the_browser(browser, workspace):
    response = browser.get(reverse("archive:claims", args=[workspace.slug]), {"tag": "water\x00"})
    assert response.status_code == 400
    assert "“tag” contains a NUL character" in response.content.decode()


def test_a_form_field_that_is_not_utf8_is_400_naming_it_and_saves_nothing(client, analyst, workspace):
    client.force_login(analyst)
    url = reverse("archive:claim_create", args=[workspace.slug])
    body = "statement=Water%FF%FE+station&credibility=3"
    response = client.generic("POST", url, body, "application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "“statement” is not text in UTF-8" in response.content.decode()
    assert not Claim.objects.exists()


def test_a_form_field_in_utf8_reaches_the_view_whatever_its_script(client, analyst, workspace):
    client.force_login(analyst)
    url = reverse("archive:claim_create", args=[workspace.slug])
    assert client.post(url, {"statement": "محطة المياه 💧 shelled"}).status_code == 302
    assert Claim.objects.get().statement == "محطة المياه 💧 shelled"


def test_a_query_value_that_is_not_utf8_is_400_json_on_rest(workspace, ws_admin):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(ws_admin)
    response = client.get("/api/claims/?q=%C0%AF")
    assert response.status_code == 400
    assert "“q” is not text in UTF-8" in response.json()["error"]


def test_a_delete_reason_with_a_nul_is_400_json_on_rest_and_deletes_nothing(workspace, ws_admin):
    claim = ClaimFactory(workspace=workspace)
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(ws_admin)
    response = client.delete(f"/api/claims/{claim.pk}/?reason=spam%00")
    assert response.status_code == 400
    assert "“reason” contains a NUL character" in response.json()["error"]
    assert Claim.objects.filter(pk=claim.pk).exists()


def multipart(*fields: tuple[bytes, bytes], boundary: bytes = b"wArRaNt") -> bytes:
    """A multipart form of raw (name, value) pairs, bytes as given."""
    parts = [
        b"--"
        + boundary
        + b'\r\nContent-Disposition: form-data; name="'
        + name
        + b'"\r\n\r\n'
        + value
        + b"\r\n"
        for name, value in fields
    ]
    return b"".join(parts) + b"--" + boundary + b"--\r\n"


MULTIPART = "multipart/form-data; boundary=wArRaNt"


def test_a_multipart_field_that_is_not_utf8_is_400_naming_it_and_saves_nothing(client, analyst, workspace):
    client.force_login(analyst)
    url = reverse("archive:claim_create", args=[workspace.slug])
    body = multipart((b"statement", b"Water \xff\xfe station"), (b"credibility", b"3"))
    response = client.generic("POST", url, body, MULTIPART)
    assert response.status_code == 400
    assert "“statement” is not text in UTF-8" in response.content.decode()
    assert not Claim.objects.exists()


def test_a_multipart_field_not_in_utf8_is_refused_before_the_csrf_check_reads_it(analyst, workspace):
    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst)
    client.cookies[django_settings.CSRF_COOKIE_NAME] = "k" * 32  # so that the check reads the form
    url = reverse("archive:claim_create", args=[workspace.slug])
    body = multipart((b"csrfmiddlewaretoken", b"x"), (b"statement", b"\xed\xa0\x80"))  # a surrogate's bytes
    response = client.generic("POST", url, body, MULTIPART)
    assert response.status_code == 400
    assert "“statement” is not text in UTF-8" in response.content.decode()


def test_a_multipart_field_in_utf8_reaches_the_view_whatever_its_script(client, analyst, workspace):
    client.force_login(analyst)
    url = reverse("archive:claim_create", args=[workspace.slug])
    # A field name in Arabic too: names are parsed as values are.
    body = multipart((b"statement", "محطة المياه 💧 shelled".encode()), ("ملاحظة".encode(), b"x"))
    assert client.generic("POST", url, body, MULTIPART).status_code == 302
    assert Claim.objects.get().statement == "محطة المياه 💧 shelled"


def test_other_refusals_of_a_multipart_form_keep_djangos_400_page(client, analyst, workspace):
    client.force_login(analyst)
    url = reverse("archive:claim_create", args=[workspace.slug])
    fields = [(b"tag", b"x")] * (django_settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)
    response = client.generic("POST", url, multipart((b"statement", b"Too many"), *fields), MULTIPART)
    assert response.status_code == 400
    assert "could not be understood" in response.content.decode()
    assert not Claim.objects.exists()
