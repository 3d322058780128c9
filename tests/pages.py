"""A local web site whose pages a test can change between captures, and
capturing one of its pages as a new source, as the import page does."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from archive.claims.claims import create_claim
from archive.claims.evidence import add_evidence
from archive.models import Source
from archive.passages.writes import create_passage
from archive.sources.importing import pipeline


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
def live_site(settings):
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
    result = pipeline.capture_source(workspace=workspace, user=user, url=url)
    if result.source is None:
        raise AssertionError(result.message)
    return Source.objects.get(pk=result.source.pk)


EDITED = "The council said forty families returned to the old quarter in July."
KEPT = "Water trucks reached the eastern villages twice a week through the summer months."
DELETED = "A second convoy was turned back at the checkpoint north of the city."
FILLER = [
    "Residents of Daraa describe a city still divided by checkpoints, two months after the ceasefire.",
    "Shops on the main road have reopened, but many owners say their customers have not come back.",
    "Teachers at the two schools that reopened said classes were crowded and books were scarce.",
]
BEFORE = [FILLER[0], EDITED, KEPT, DELETED, FILLER[1], FILLER[2]]
AFTER = [FILLER[0], EDITED.replace("forty", "fourteen"), FILLER[1], KEPT, FILLER[2]]


def cite(source, user, quote: str, statement: str):
    start = source.text.index(quote)
    passage = create_passage(source=source, user=user, start=start, end=start + len(quote))
    claim = create_claim(workspace=source.workspace, user=user, statement=statement)
    return add_evidence(claim=claim, passage=passage, user=user, stance="supports")


@pytest.fixture
def captured(live_site, workspace, analyst, ws_admin):
    url = live_site.serve("/daraa", article(BEFORE))
    source = capture_source(url, workspace=workspace, user=analyst)
    evidence = {
        "edited": cite(source, analyst, EDITED, "Forty families returned"),
        "kept": cite(source, analyst, KEPT, "Water reached the villages"),
        "deleted": cite(source, analyst, DELETED, "A convoy was turned back"),
    }
    return source, evidence
