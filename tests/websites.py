"""A small web site on 127.0.0.1 (a random free port) for capture jobs to fetch.

`/article` answers with the test article; `/flaky` answers 503 to its first
`failures` requests, then the article; `/gate` holds each request until the
file `gate` exists, then answers the article; anything else is 404.
"""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from archive.jobs import tasks
from archive.models import Job, JobStatus
from tests.documents import article_html


class _Handler(BaseHTTPRequestHandler):
    server: "Site"

    def do_GET(self) -> None:
        site = self.server
        with site.lock:
            site.paths.append(self.path)
            flaky_failures_left = site.failures - self.server.paths.count("/flaky") + 1
        if self.path == "/article" or (self.path == "/flaky" and flaky_failures_left <= 0):
            self._send(200, site.page)
        elif self.path == "/flaky":
            self._send(503, b"try later", "text/plain")
        elif self.path == "/gate" and site.gate is not None:
            deadline = time.monotonic() + 60
            while not site.gate.exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            self._send(200, site.page)
        else:
            self._send(404, b"not here", "text/plain")

    def _send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


class Site(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, *, failures: int = 0, gate: Path | None = None):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.paths: list[str] = []
        self.failures = failures
        self.gate = gate
        self.page = article_html()
        self.url = f"http://127.0.0.1:{self.server_port}"

    def handle_error(self, request, client_address) -> None:
        pass  # a worker killed mid-request hangs up on purpose


@contextmanager
def serving(**options) -> Iterator[Site]:
    site = Site(**options)
    thread = threading.Thread(target=site.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        site.shutdown()
        site.server_close()


@contextmanager
def capturable(settings, **options) -> Iterator[Site]:
    """serving(**options), with captures allowed to reach it on loopback (pytest-django's
    `settings`)."""
    settings.CAPTURE_ALLOWED_PRIVATE_NETWORKS = ["127.0.0.0/8"]
    settings.CAPTURE_TIMEOUT_SECONDS = 5
    with serving(**options) as site:
        yield site


def tried_again_after_failing_twice(
    site: Site, settings, *, workspace, user, derivation: str, **derived
) -> Job:
    """A capture of `site`'s `/flaky` page (a site serving with failures=2), deriving as `derivation`
    from what `derived` names (`derived_from=` an archived source or `unarchived_original=`), fails
    both its attempts; then `user` presses "Try again", which captures the page. The new job."""
    assert site.failures == 2, "the two attempts fail, trying again succeeds"
    settings.JOBS_RETRY_DELAYS = [0.01]  # two attempts, both before the site answers
    failed = tasks.start_capture(
        workspace=workspace, user=user, url=f"{site.url}/flaky", derivation=derivation, **derived
    )
    assert failed.status == JobStatus.FAILED
    return tasks.retry(job=failed, user=user)
