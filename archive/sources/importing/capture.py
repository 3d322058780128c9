"""Capturing a web page: fetch it within limits and keep the exchange as evidence.

Only http and https. Every hop (the URL given and each redirect) is resolved
first and refused if any of its addresses is not public (private, loopback,
link-local, reserved, multicast, or an IPv6 address wrapping an IPv4 address
that is not), unless settings.CAPTURE_ALLOWED_PRIVATE_NETWORKS lists it; the
request then goes to the address that was checked, so a second DNS answer
cannot point it elsewhere. Size (settings.IMPORT_MAX_BYTES), total time
(CAPTURE_TIMEOUT_SECONDS) and redirects (CAPTURE_MAX_REDIRECTS) are limited.
The exchange is kept as a WARC/1.1 file (warcio): a warcinfo record naming
Warrant and its version, then each hop's request and response (its body as
sent, a redirect's too), redirects included, the final response last.
"""

import datetime
import io
import ipaddress
import socket
import time
import zlib
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone
from urllib3.exceptions import ConnectTimeoutError, HTTPError, NewConnectionError, ReadTimeoutError, SSLError
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from archive import SOFTWARE
from archive.models import Workspace
from archive.sources.importing import ImportRefused, Unreachable
from archive.sources.importing.detect import check_size

USER_AGENT = f"{SOFTWARE} (source capture for fact-checking)"
WARC_VERSION = "1.1"  # WARC/1.1 dates keep fractions of a second, so the record's time is the version's
_REDIRECT_STATUSES = {301, 302, 303, 307, 308}
_CHUNK = 64 * 1024
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Answers that say "not now" rather than "no": worth trying again later.
_TRANSIENT_STATUSES = {408, 425, 429, 500, 502, 503, 504}


@dataclass(frozen=True)
class WebCapture:
    """One web page as fetched: the exchange, the body and its WARC file."""

    requested_url: str
    final_url: str
    redirects: list[tuple[int, str]]  # (status, URL) of each redirect response
    status: int
    headers: list[tuple[str, str]]
    fetched_at: datetime.datetime  # when the final response arrived
    body: bytes  # the document (content encoding undone)
    warc: bytes  # a gzipped WARC file: warcinfo, then each hop's request and raw response

    @property
    def charset(self) -> str | None:
        """The charset the Content-Type header declares, if any."""
        content_type = next((value for name, value in self.headers if name.lower() == "content-type"), "")
        for parameter in content_type.split(";")[1:]:
            key, _, value = parameter.strip().partition("=")
            if key.lower() == "charset" and value:
                return value.strip("\"'")
        return None


@dataclass(frozen=True)
class _Target:
    url: str
    scheme: str
    host: str
    port: int
    address: str
    path: str


@dataclass(frozen=True)
class _Exchange:
    """One hop as it went over the wire, for the WARC file."""

    target: _Target
    request_headers: list[tuple[str, str]]
    response: urllib3.BaseHTTPResponse
    arrived_at: datetime.datetime
    raw: bytes  # the body as it came, a redirect's too (often empty)


def capture_url(url: str, *, workspace: Workspace | None = None, by: User | None = None) -> WebCapture:
    """Fetch `url` following redirects; ImportRefused with the reason if it fails. The WARC's
    warcinfo record names the `workspace` it is captured for and who captured it (`by`), if given."""
    deadline = time.monotonic() + settings.CAPTURE_TIMEOUT_SECONDS
    redirects: list[tuple[int, str]] = []
    hops: list[_Exchange] = []
    current = url
    while True:
        target = checked_target(current)
        request_headers = _request_headers(target)
        response = _request(target, request_headers, deadline)
        # Taken once, as the response arrives: the WARC, the version and the source share it.
        arrived_at = timezone.now()
        location = response.headers.get("Location")
        if response.status not in _REDIRECT_STATUSES or not location:
            break
        try:
            # Kept in the WARC as the server sent it, as a replay of the exchange needs.
            raw = _read_body(response, deadline, target.url)
        finally:
            response.close()  # connections are never reused
        hops.append(_Exchange(target, request_headers, response, arrived_at, raw))
        if len(redirects) >= settings.CAPTURE_MAX_REDIRECTS:
            raise ImportRefused(f"{url} redirects more than {settings.CAPTURE_MAX_REDIRECTS} times.")
        redirects.append((response.status, current))
        current = urljoin(current, location)
    try:
        if not 200 <= response.status < 300:
            refused = Unreachable if response.status in _TRANSIENT_STATUSES else ImportRefused
            raise refused(f"{current} answered HTTP {response.status} {response.reason}.")
        raw = _read_body(response, deadline, target.url)
        check_size(len(raw))  # refuses an empty page
    finally:
        response.close()
    hops.append(_Exchange(target, request_headers, response, arrived_at, raw))
    return WebCapture(
        requested_url=url,
        final_url=current,
        redirects=redirects,
        status=response.status,
        headers=list(response.headers.items()),
        fetched_at=arrived_at,
        body=_decoded(raw, response.headers.get("Content-Encoding", "")),
        warc=_warc_file(hops, _warcinfo(workspace, by)),
    )


def check_address(*, url: str) -> tuple[str, str, int]:
    """What can be refused in `url` without the network, as soon as it is given:
    anything but http(s), a user name or password, an invalid port, no host, a
    literal internal address. Its (scheme, host, port); a host name is resolved
    and checked only when captured (checked_target)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise ImportRefused(f"Only http and https addresses can be captured, not {url!r}.")
    if parts.username or parts.password:
        # Refused, not dropped: the page without them may be another, and they would be kept with the job.
        raise ImportRefused(
            "Remove the user name and password from the address: only public pages are captured."
        )
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0:
        raise ImportRefused(f"{url!r} has an invalid port.")
    host = parts.hostname
    if not host:
        raise ImportRefused(f"{url!r} has no host name.")
    literal = _literal_address(host)
    if literal is not None and not _allowed(literal):
        raise _internal(host, host)
    return scheme, host, port or _DEFAULT_PORTS[scheme]


def _literal_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address `host` is written as, if it is one (also the short IPv4 forms such
    as 127.1 that the resolver takes without asking DNS); None for a host name."""
    try:
        return ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def _internal(host: str, address: str) -> ImportRefused:
    return ImportRefused(
        f"{host} is on a private, loopback or link-local network ({address}); "
        "the archive does not capture internal addresses."
    )


def checked_target(url: str) -> _Target:
    """Where to connect for `url`, refusing anything but public http(s) addresses."""
    scheme, host, port = check_address(url=url)
    parts = urlsplit(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        # "No such name" is the DNS's definite answer; any other failure (a resolver
        # that did not answer in time) may pass. Some systems answer so when offline too.
        if error.errno == socket.EAI_NONAME:
            raise ImportRefused(
                f"The host name {host!r} was not found: check the address, and that this machine is online."
            ) from None
        raise Unreachable(f"The host name {host!r} could not be resolved.") from None
    except UnicodeError:
        raise Unreachable(f"The host name {host!r} could not be resolved.") from None
    # An AF_INET or AF_INET6 socket address starts with the address as text.
    addresses = [str(info[4][0]) for info in infos]
    for address in addresses:
        if not _allowed(ipaddress.ip_address(address.split("%")[0])):
            raise _internal(host, address)
    path = parts.path or "/"
    return _Target(url, scheme, host, port, addresses[0], f"{path}?{parts.query}" if parts.query else path)


# IPv6 ranges whose last 32 bits are an IPv4 address the packet ends up at: IPv4-compatible
# (deprecated), SIIT IPv4-translated, NAT64 well-known and NAT64 local-use.
_LAST_32_BITS_WRAP_IPV4 = [
    ipaddress.IPv6Network("::/96"),
    ipaddress.IPv6Network("::ffff:0:0:0/96"),
    ipaddress.IPv6Network("64:ff9b::/96"),
    ipaddress.IPv6Network("64:ff9b:1::/48"),
]
# Internal IPv6 ranges that Python 3.11's is_global still counts as global: deprecated
# site-local, and NAT64 local-use (its IPv4 address may sit elsewhere than the last 32 bits).
_NOT_GLOBAL_IPV6 = [ipaddress.IPv6Network("fec0::/10"), ipaddress.IPv6Network("64:ff9b:1::/48")]


def _allowed(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return _allowed(address.ipv4_mapped)
        # is_global judges only the IPv6 prefix, yet these forms reach the IPv4 address they wrap.
        if not all(_allowed(wrapped) for wrapped in _wrapped_ipv4(address)):
            return False
        public = address.is_global and not any(address in network for network in _NOT_GLOBAL_IPV6)
    else:
        public = address.is_global
    if public and not address.is_multicast:
        return True
    return any(
        address in ipaddress.ip_network(network) for network in settings.CAPTURE_ALLOWED_PRIVATE_NETWORKS
    )


def _wrapped_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address embeds (the 6to4 router, both Teredo ends, or the
    last 32 bits of a translation prefix); none for any other address."""
    if address.sixtofour:
        return [address.sixtofour]
    if address.teredo:
        return list(address.teredo)
    # :: and ::1 are the unspecified and loopback addresses, not IPv4-compatible ones.
    if int(address) > 1 and any(address in network for network in _LAST_32_BITS_WRAP_IPV4):
        return [ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)]
    return []


def _request_headers(target: _Target) -> list[tuple[str, str]]:
    """The request's headers: urllib3 sends these and adds none (no body, Host and
    Accept-Encoding given), so the WARC's request record is what went out."""
    host = f"[{target.host}]" if ":" in target.host else target.host
    if target.port != _DEFAULT_PORTS[target.scheme]:
        host = f"{host}:{target.port}"
    return [
        ("Host", host),
        ("User-Agent", USER_AGENT),
        ("Accept", "text/html,application/xhtml+xml,application/pdf,text/plain;q=0.9,*/*;q=0.5"),
        ("Accept-Encoding", "gzip, deflate"),
    ]


def _request(target: _Target, headers: list[tuple[str, str]], deadline: float) -> urllib3.BaseHTTPResponse:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise Unreachable(f"{target.url} timed out after {settings.CAPTURE_TIMEOUT_SECONDS} seconds.")
    timeout = urllib3.Timeout(connect=remaining, read=remaining)
    pool: urllib3.HTTPConnectionPool
    if target.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            target.address,
            target.port,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
            timeout=timeout,
            retries=False,
            maxsize=1,
        )
    else:
        pool = urllib3.HTTPConnectionPool(
            target.address, target.port, timeout=timeout, retries=False, maxsize=1
        )
    try:
        return pool.urlopen(
            "GET",
            target.path,
            headers=dict(headers),
            redirect=False,
            retries=False,
            preload_content=False,
            decode_content=False,
        )
    except NewConnectionError:  # before timeouts: urllib3 makes it a ConnectTimeoutError too
        raise Unreachable(f"{target.url}: could not connect to {target.host}.") from None
    except (ConnectTimeoutError, ReadTimeoutError):
        raise Unreachable(
            f"{target.url} timed out after {settings.CAPTURE_TIMEOUT_SECONDS} seconds."
        ) from None
    except SSLError as error:
        raise ImportRefused(f"{target.url}: the secure connection failed ({error}).") from None
    except HTTPError as error:
        raise Unreachable(f"{target.url} could not be fetched ({error}).") from None


def _read_body(response: urllib3.BaseHTTPResponse, deadline: float, url: str) -> bytes:
    """The raw body, refused past the size limit or the deadline."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared):
        check_size(int(declared))
    body = bytearray()
    try:
        while chunk := response.read1(_CHUNK):
            body += chunk
            check_size(len(body))
            if time.monotonic() > deadline:
                raise Unreachable(f"{url} timed out after {settings.CAPTURE_TIMEOUT_SECONDS} seconds.")
    except ReadTimeoutError:
        raise Unreachable(f"{url} timed out after {settings.CAPTURE_TIMEOUT_SECONDS} seconds.") from None
    except HTTPError as error:
        raise Unreachable(f"{url}: the response broke off ({error}).") from None
    return bytes(body)


def _decoded(raw: bytes, content_encoding: str) -> bytes:
    """Undo gzip or deflate content encoding, within the size limit."""
    encoding = content_encoding.strip().lower()
    if encoding in ("", "identity"):
        return raw
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise ImportRefused(f"The page uses a content encoding the archive cannot read ({encoding}).")
    decompressor = zlib.decompressobj(wbits=zlib.MAX_WBITS | 32)  # gzip or zlib header
    try:
        body = decompressor.decompress(raw, settings.IMPORT_MAX_BYTES + 1)
    except zlib.error:
        raise ImportRefused(f"The page's {encoding} content is damaged.") from None
    check_size(len(body))
    return body


def _warcinfo(workspace: Workspace | None, by: User | None) -> dict[str, str]:
    """The warcinfo record's fields (WARC 1.1, section 6.1)."""
    fields = {
        "software": SOFTWARE,
        "format": f"WARC File Format {WARC_VERSION}",
        "conformsTo": f"https://iipc.github.io/warc-specifications/specifications/warc-format/warc-{WARC_VERSION}/",
        "http-header-user-agent": USER_AGENT,
    }
    if workspace is not None:
        fields["isPartOf"] = f"{workspace.name} (Warrant workspace {workspace.slug})"
    if by is not None:
        fields["operator"] = by.get_username()
    return fields


def _warc_file(hops: list[_Exchange], warcinfo_fields: dict[str, str]) -> bytes:
    """A gzipped WARC file: a warcinfo record, then each hop's request and response (WARC 1.1,
    section 6.3: the request names its response in WARC-Concurrent-To), the final response last."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True, warc_version=WARC_VERSION)
    warcinfo = writer.create_warcinfo_record("", warcinfo_fields)
    warcinfo.rec_headers.replace_header("WARC-Date", _warc_date(hops[0].arrived_at))
    writer.write_record(warcinfo)
    linked = {"WARC-Warcinfo-ID": warcinfo.rec_headers.get_header("WARC-Record-ID")}
    for hop in hops:
        response = _response_record(writer, hop, linked)
        request = writer.create_warc_record(
            hop.target.url,
            "request",
            http_headers=StatusAndHeaders(
                f"GET {hop.target.path} HTTP/1.1", hop.request_headers, is_http_request=True
            ),
            warc_headers_dict={
                **linked,
                "WARC-Date": _warc_date(hop.arrived_at),
                "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID"),
            },
        )
        writer.write_record(request)
        writer.write_record(response)
    return buffer.getvalue()


def _response_record(writer: WARCWriter, hop: _Exchange, linked: dict[str, str]) -> ArcWarcRecord:
    # The payload is stored de-chunked, so the record must not claim chunking.
    headers = [
        (name, value) for name, value in hop.response.headers.items() if name.lower() != "transfer-encoding"
    ]
    protocol = "HTTP/1.0" if hop.response.version == 10 else "HTTP/1.1"
    return writer.create_warc_record(
        hop.target.url,
        "response",
        payload=io.BytesIO(hop.raw),
        length=len(hop.raw),
        http_headers=StatusAndHeaders(
            f"{hop.response.status} {hop.response.reason}", headers, protocol=protocol
        ),
        warc_headers_dict={
            **linked,
            "WARC-Date": _warc_date(hop.arrived_at),
            "WARC-IP-Address": hop.target.address,
        },
    )


def _warc_date(moment: datetime.datetime) -> str:
    return datetime_to_iso_date(moment.astimezone(datetime.UTC).replace(tzinfo=None), use_micros=True)
