"""A local web site whose pages a test can change between captures, and
capturing one of its pages as a new source, as the import page does."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from archive.models import CaptureMethod, Source
from archive.sources.importing.capture import capture_url
from archive.sources.importing.pipeline import Metadata, Origin, examine, save_import


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.server.hits.append(self.path)
        status, body, headers = self.server.pages.get(self.path, (404, b"Not found", []))
        self.send_response(status)
        for name, value in [("Content-Type", "text/html; charset=utf-8"), *headers]:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:  # keep test output quiet
        pass


class Site(ThreadingHTTPServer):
    pages: dict[str, tuple[int, bytes, list[tuple[str, str]]]]
    hits: list[str]
    url: str

    def serve(self, path: str, body: str | bytes, status: int = 200, headers=()) -> str:
        """Serve `body` at `path` from now on; its URL."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.pages[path] = (status, data, list(headers))
        return self.url + path


@pytest.fixture
def site(settings):
    """A local site on 127.0.0.1 (random port); captures may reach loopback while it runs."""
    settings.CAPTURE_ALLOWED_PRIVATE_NETWORKS = ["127.0.0.0/8"]
    settings.CAPTURE_TIMEOUT_SECONDS = 5
    server = Site(("127.0.0.1", 0), _Handler)
    server.pages, server.hits = {}, []
    server.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def article(paragraphs: list[str], *, title: str = "Daraa after the ceasefire", lang: str = "en") -> str:
    body = "\n".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    direction = "rtl" if lang == "ar" else "ltr"
    return (
        f'<!doctype html><html lang="{lang}" dir="{direction}"><head><meta charset="utf-8">'
        f"<title>{title}</title></head><body><article><h1>{title}</h1>{body}</article></body></html>"
    )


def capture_source(url: str, *, workspace, user) -> Source:
    """Capture `url` as a new source of `workspace`, as the import page's URL capture does."""
    web = capture_url(url)
    origin = Origin(CaptureMethod.URL, web=web)
    extraction = examine(origin, web.body)
    result = save_import(
        workspace=workspace,
        user=user,
        original=web.body,
        extraction=extraction,
        metadata=Metadata.proposed(extraction.proposal),
        origin=origin,
    )
    if result.source is None:
        raise AssertionError(result.message)
    return Source.objects.get(pk=result.source.pk)
