"""Capturing web pages from a local test server: redirects, limits, the SSRF guard, WARC records."""

import datetime
import gzip
import io
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.files.storage import default_storage
from warcio.archiveiterator import ArchiveIterator

import archive
from archive.models import CaptureMethod, Source
from archive.sources.importing import ImportRefused
from archive.sources.importing.capture import capture_url, check_address
from archive.sources.importing.pipeline import (
    ImportStatus,
    Metadata,
    Origin,
    capture_source,
    examine,
    save_import,
)
from tests.documents import article_html
from tests.media import stored_files

SLOW_SECONDS = 3
FRENCH = "Il était déjà tard après la réunion : les élèves ont reçu leurs résultats à Noël."


class _Handler(BaseHTTPRequestHandler):
    """Routes of the test site; every request path is recorded."""

    def do_GET(self) -> None:
        self.server.paths.append(self.path)
        self.server.request_headers.append(list(self.headers.items()))
        route = self.path.split("?")[0]
        if route == "/article":
            self._send(200, article_html(), "text/html; charset=utf-8")
        elif route == "/moved":
            self._redirect(301, "/article")
        elif route.startswith("/hop/"):
            left = int(route.rsplit("/", 1)[1])
            self._redirect(302, f"/hop/{left - 1}" if left else "/article")
        elif route == "/slow":
            time.sleep(SLOW_SECONDS)
            self._send(200, article_html(), "text/html")
        elif route == "/big":
            self._send(200, b"a" * 50_000, "text/plain")
        elif route == "/big-unannounced":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"a" * 50_000)
        elif route == "/gzip":
            body = gzip.compress(article_html())
            self._send(200, body, "text/html; charset=utf-8", [("Content-Encoding", "gzip")])
        elif route == "/to-private":
            self._redirect(302, "http://10.9.9.9/internal-admin")
        elif route == "/to-wrapped-private":
            self._redirect(302, "http://[64:ff9b::a09:909]/internal-admin")  # NAT64 for 10.9.9.9
        elif route == "/to-file":
            self._redirect(302, "file:///etc/passwd")
        elif route == "/french-without-charset":
            self._send(200, FRENCH.encode("cp1252"), "text/plain")
        else:
            self._send(404, b"not here", "text/plain")

    def _send(self, status: int, body: bytes, content_type: str, extra: list | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Test-Site", "warrant")
        for name, value in extra or []:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, status: int, location: str) -> None:
        body = b"" if self.path.startswith("/hop/") else f'<a href="{location}">Moved</a>'.encode()
        self.send_response(status)
        self.send_header("Location", location)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:  # keep test output quiet
        pass


class _Site(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        pass  # captures hang up on oversized or slow responses on purpose


@pytest.fixture
def site(settings):
    """A local web site; captures may reach loopback addresses while it runs."""
    settings.CAPTURE_ALLOWED_PRIVATE_NETWORKS = ["127.0.0.0/8"]
    settings.CAPTURE_TIMEOUT_SECONDS = 5
    server = _Site(("127.0.0.1", 0), _Handler)
    server.paths, server.request_headers = [], []
    server.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def refusal_of(url: str) -> str:
    with pytest.raises(ImportRefused) as refused:
        capture_url(url)
    return refused.value.message


def test_capture_keeps_final_url_status_headers_and_time(site):
    capture = capture_url(f"{site.url}/moved")
    assert capture.final_url == f"{site.url}/article"
    assert capture.redirects == [(301, f"{site.url}/moved")]
    assert capture.status == 200
    assert ("X-Test-Site", "warrant") in capture.headers
    assert capture.body == article_html()
    assert capture.fetched_at is not None


def read_warc(stream, final_url: str) -> list[tuple]:
    """(record type, target URI, HTTP status, raw payload, decoded payload) of each response
    record for `final_url`: found by type and address, as a replay tool finds it."""
    return [
        (
            record.rec_type,
            record.rec_headers.get_header("WARC-Target-URI"),
            record.http_headers.get_statuscode(),
            (raw := record.raw_stream.read()),
            gzip.decompress(raw) if record.http_headers.get_header("Content-Encoding") == "gzip" else raw,
        )
        for record in ArchiveIterator(stream)
        if record.rec_type == "response" and record.rec_headers.get_header("WARC-Target-URI") == final_url
    ]


def warc_records(warc: bytes) -> list:
    """Every record of a WARC file with its payload read: warcio raises on a wrong digest."""
    records = []
    for record in ArchiveIterator(io.BytesIO(warc), check_digests="raise"):
        record.payload = record.content_stream().read()
        records.append(record)
    return records


def test_a_warc_file_starts_with_a_warcinfo_record_naming_warrant_and_its_version(site):
    first = warc_records(capture_url(f"{site.url}/article").warc)[0]
    fields = dict(line.split(": ", 1) for line in first.payload.decode().splitlines())
    assert (first.rec_type, first.rec_headers.protocol) == ("warcinfo", "WARC/1.1")
    assert (fields["software"], fields["format"]) == (
        f"Warrant/{archive.__version__}",
        "WARC File Format 1.1",
    )


def warcinfo_fields(warc: bytes) -> dict[str, str]:
    first = warc_records(warc)[0]
    return dict(line.split(": ", 1) for line in first.payload.decode().splitlines())


def test_a_capture_s_warcinfo_names_the_workspace_and_who_captured(site, workspace, analyst):
    result = capture_source(workspace=workspace, user=analyst, url=f"{site.url}/article")
    with default_storage.open(result.source.capture.warc.name, "rb") as warc:
        fields = warcinfo_fields(warc.read())
    assert fields["isPartOf"] == f"{workspace.name} (Warrant workspace {workspace.slug})"
    assert fields["operator"] == analyst.username


def test_a_warcinfo_without_a_workspace_or_person_names_neither(site):
    fields = warcinfo_fields(capture_url(f"{site.url}/article").warc)
    assert "isPartOf" not in fields and "operator" not in fields


def test_a_warc_file_holds_each_hop_s_request_and_response_the_final_response_last(site):
    records = warc_records(capture_url(f"{site.url}/moved").warc)
    assert [
        (record.rec_type, record.rec_headers.get_header("WARC-Target-URI"))
        for record in records
        if record.rec_type != "warcinfo"
    ] == [
        ("request", f"{site.url}/moved"),
        ("response", f"{site.url}/moved"),
        ("request", f"{site.url}/article"),
        ("response", f"{site.url}/article"),
    ]
    redirect, final = records[2], records[4]
    assert redirect.http_headers.get_statuscode() == "301"
    assert redirect.http_headers.get_header("Location") == "/article"
    assert final.http_headers.get_statuscode() == "200"


def test_a_redirect_s_response_record_holds_the_body_the_server_sent(site):
    redirect = warc_records(capture_url(f"{site.url}/moved").warc)[2]
    assert redirect.payload == b'<a href="/article">Moved</a>'
    assert redirect.http_headers.get_header("Content-Length") == str(len(redirect.payload))


def test_a_redirect_with_an_empty_body_is_followed(site):
    capture = capture_url(f"{site.url}/hop/1")
    assert capture.final_url == f"{site.url}/article"
    assert [record.payload for record in warc_records(capture.warc)[2:5:2]] == [b"", b""]


def test_each_request_record_names_its_response_and_holds_the_headers_sent(site):
    records = warc_records(capture_url(f"{site.url}/moved").warc)
    warcinfo_id = records[0].rec_headers.get_header("WARC-Record-ID")
    hops = zip(records[1::2], records[2::2], site.request_headers, site.paths, strict=True)
    for request, response, sent, path in hops:
        assert request.rec_headers.get_header("WARC-Concurrent-To") == response.rec_headers.get_header(
            "WARC-Record-ID"
        )
        assert request.rec_headers.get_header("WARC-Date") == response.rec_headers.get_header("WARC-Date")
        assert request.http_headers.headers == sent
        assert request.http_headers.to_str().startswith(f"GET {path} HTTP/1.1\r\n")
        assert {record.rec_headers.get_header("WARC-Warcinfo-ID") for record in (request, response)} == {
            warcinfo_id
        }


def test_the_user_agent_names_warrant_and_its_version(site):
    capture_url(f"{site.url}/article")
    [headers] = site.request_headers
    assert dict(headers)["User-Agent"].startswith(f"Warrant/{archive.__version__} ")


def test_the_final_response_record_is_dated_when_the_response_arrived(site):
    capture = capture_url(f"{site.url}/moved")
    final = warc_records(capture.warc)[-1]
    assert final.rec_headers.get_header("WARC-Date") == capture.fetched_at.astimezone(datetime.UTC).strftime(
        "%Y-%m-%dT%H:%M:%S.%fZ"
    )


def test_capture_is_written_as_a_readable_warc_response_record(site):
    capture = capture_url(f"{site.url}/article")
    assert read_warc(io.BytesIO(capture.warc), f"{site.url}/article") == [
        ("response", f"{site.url}/article", "200", article_html(), article_html())
    ]


def test_gzip_content_encoding_is_undone_for_the_original_and_kept_in_the_warc(site):
    capture = capture_url(f"{site.url}/gzip")
    [(_, _, _, raw, decoded)] = read_warc(io.BytesIO(capture.warc), f"{site.url}/gzip")
    assert capture.body == article_html()
    assert raw.startswith(b"\x1f\x8b")  # the WARC keeps the response as sent
    assert decoded == article_html()


def test_too_many_redirects_are_refused(site, settings):
    settings.CAPTURE_MAX_REDIRECTS = 2
    assert "redirects more than 2 times" in refusal_of(f"{site.url}/hop/5")


def test_slow_response_times_out(site, settings):
    settings.CAPTURE_TIMEOUT_SECONDS = 1
    started = time.monotonic()
    assert "timed out after 1 seconds" in refusal_of(f"{site.url}/slow")
    assert time.monotonic() - started < SLOW_SECONDS


def test_body_over_the_size_limit_is_refused(site, settings):
    settings.IMPORT_MAX_BYTES = 10_000
    assert "larger than the limit" in refusal_of(f"{site.url}/big")


def test_body_over_the_limit_without_content_length_is_refused_while_streaming(site, settings):
    settings.IMPORT_MAX_BYTES = 10_000
    assert "larger than the limit" in refusal_of(f"{site.url}/big-unannounced")


def test_http_error_status_is_refused(site):
    assert "answered HTTP 404" in refusal_of(f"{site.url}/missing")


def test_unreachable_server_is_refused_with_a_clear_message(site):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens on this port now
    assert "could not connect to 127.0.0.1" in refusal_of(f"http://127.0.0.1:{port}/")


def test_loopback_address_is_refused_without_sending_a_request(site, settings):
    settings.CAPTURE_ALLOWED_PRIVATE_NETWORKS = []
    assert "does not capture internal addresses" in refusal_of(f"{site.url}/article")
    assert site.paths == []


def test_localhost_name_is_refused_as_internal(settings):
    settings.CAPTURE_ALLOWED_PRIVATE_NETWORKS = []
    assert "does not capture internal addresses" in refusal_of("http://localhost:9/")


@pytest.mark.parametrize(
    "url",
    ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "http://192.168.1.1/", "http://[::1]/"],
    ids=["link-local-metadata", "private-10", "private-192", "ipv6-loopback"],
)
def test_private_and_link_local_addresses_are_refused(url, settings):
    settings.CAPTURE_ALLOWED_PRIVATE_NETWORKS = []
    assert "does not capture internal addresses" in refusal_of(url)


def test_redirect_to_a_private_address_is_refused_at_that_hop(site):
    assert "does not capture internal addresses" in refusal_of(f"{site.url}/to-private")
    assert site.paths == ["/to-private"]


def test_redirect_to_a_non_http_scheme_is_refused(site):
    assert "Only http and https" in refusal_of(f"{site.url}/to-file")


def test_non_http_scheme_is_refused():
    assert "Only http and https" in refusal_of("ftp://example.org/file.txt")


@pytest.mark.parametrize(
    "url", ["http://127.1/", "http://0x7f.0.0.1/", "http://[::1]/", "http://10.0.0.7:8080/"]
)
def test_a_literal_internal_address_is_refused_without_the_network(url):
    with pytest.raises(ImportRefused, match="does not capture internal addresses"):
        check_address(url=url)


# IPv6 forms that Python 3.11 calls global although they lead to an internal IPv4 address.
WRAPPED_INTERNAL = {
    "nat64": "64:ff9b::7f00:1",
    "nat64-local-use": "64:ff9b:1::7f00:1",
    "nat64-local-use-48": "64:ff9b:1:7f00:1::",  # a /48 translation prefix: 127.0.0.1 in the middle
    "ipv4-compatible": "::7f00:1",
    "siit": "::ffff:0:7f00:1",
    "6to4": "2002:7f00:1::",
    "site-local": "fec0::1",
}


@pytest.mark.parametrize(
    "url",
    [
        "http://[64:ff9b::7f00:1]/",
        "http://[64:ff9b:1::7f00:1]/",
        "http://[64:ff9b:1:7f00:1::]/",
        "http://[::7f00:1]:8765/",
        "http://[::ffff:0:7f00:1]:8765/",
        "http://[2002:7f00:1::]/",
        "http://[fec0::1]/",
    ],
    ids=list(WRAPPED_INTERNAL),
)
def test_an_ipv6_address_wrapping_an_internal_ipv4_address_is_refused(url, settings):
    settings.CAPTURE_ALLOWED_PRIVATE_NETWORKS = []
    with pytest.raises(ImportRefused, match="does not capture internal addresses"):
        check_address(url=url)
    assert "does not capture internal addresses" in refusal_of(url)


@pytest.mark.parametrize(
    ("address", "allowed_network"),
    [
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", "2001::/32"),  # Teredo, client 127.0.0.1
        ("2001:0:a00:1::", "2001::/32"),  # Teredo, server 10.0.0.1
        ("64:ff9b::a00:1", "64:ff9b::/96"),  # NAT64 for 10.0.0.1
    ],
    ids=["teredo-client", "teredo-server", "nat64"],
)
def test_an_allowed_ipv6_range_does_not_let_in_the_internal_ipv4_address_it_wraps(
    address, allowed_network, settings
):
    settings.CAPTURE_ALLOWED_PRIVATE_NETWORKS = [allowed_network]
    with pytest.raises(ImportRefused, match="does not capture internal addresses"):
        check_address(url=f"http://[{address}]/")


@pytest.mark.parametrize(
    "url",
    ["http://[2606:4700:4700::1111]/", "http://[2002:0808:0808::]/", "http://[64:ff9b::808:808]/"],
    ids=["global-ipv6", "6to4-of-a-global-ipv4", "nat64-of-a-global-ipv4"],
)
def test_an_ipv6_address_that_is_public_all_the_way_is_allowed(url, settings):
    settings.CAPTURE_ALLOWED_PRIVATE_NETWORKS = []
    assert check_address(url=url)[0] == "http"


@pytest.mark.parametrize("address", list(WRAPPED_INTERNAL.values()), ids=list(WRAPPED_INTERNAL))
def test_a_host_name_resolving_to_an_ipv6_address_wrapping_an_internal_one_is_refused(
    address, monkeypatch, settings
):
    settings.CAPTURE_ALLOWED_PRIVATE_NETWORKS = []
    settings.CAPTURE_TIMEOUT_SECONDS = 1

    def getaddrinfo(host, port, *args, **kwargs):
        return [(socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port, 0, 0))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    message = refusal_of("http://wrapped.example/")
    assert "does not capture internal addresses" in message
    assert f"({address})" in message


def test_redirect_to_an_ipv6_address_wrapping_a_private_one_is_refused_at_that_hop(site):
    assert "does not capture internal addresses" in refusal_of(f"{site.url}/to-wrapped-private")
    assert site.paths == ["/to-wrapped-private"]


def test_a_page_without_a_charset_in_windows_1252_is_decoded_as_such(site):
    web = capture_url(f"{site.url}/french-without-charset")
    assert examine(Origin(CaptureMethod.URL, web=web), web.body).text == FRENCH


def test_captured_page_is_saved_with_its_capture_and_warc(site, workspace, analyst):
    web = capture_url(f"{site.url}/moved")
    origin = Origin(CaptureMethod.URL, web=web)
    extraction = examine(origin, web.body)
    result = save_import(
        workspace=workspace,
        user=analyst,
        original=web.body,
        extraction=extraction,
        metadata=Metadata.proposed(extraction.proposal),
        origin=origin,
    )
    source = Source.objects.select_related("capture").get(pk=result.source.pk)
    assert result.status == ImportStatus.IMPORTED
    assert source.original_url == f"{site.url}/article"
    assert (source.capture.final_url, source.capture.http_status) == (f"{site.url}/article", 200)
    assert source.capture.redirects == [[301, f"{site.url}/moved"]]
    with default_storage.open(source.capture.warc.name, "rb") as warc:
        [(_, uri, _, _, payload)] = read_warc(warc, f"{site.url}/article")
    assert (uri, payload) == (f"{site.url}/article", article_html())


def test_failed_capture_stores_nothing(site, settings):
    settings.IMPORT_MAX_BYTES = 10_000
    before = stored_files()
    refusal_of(f"{site.url}/big")
    assert stored_files() == before
