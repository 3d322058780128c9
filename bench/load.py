"""Load test: simulated analysts against gunicorn, then a check that nothing was lost.

    .venv/bin/python bench/load.py [--analysts 8] [--seconds 60] [--workers 4]

Builds a bench database on DATABASE_URL's engine (bench/alternate.py: on
PostgreSQL "<name>_bench", on SQLite a file), with one workspace, a source
of the corpus text with passages, some claims, and ANALYSTS analysts, each
with an API token and a signed-in session. Starts gunicorn on 127.0.0.1 (a
free port) with production settings, and runs the analysts for SECONDS, each
in a loop of: reading the source page, searching (/search/), creating an
annotation (POST /api/annotations/), editing one of their own with If-Match,
citing a passage as evidence for a claim, deleting one of their own with a
reason, and, deliberately, a stale edit (must get 412) and a delete without
a reason (must get 400). Prints requests, errors and p50/p95 per kind, then
checks that every acknowledged write is there: each annotation created and
not deleted exists with its creation history row, a ledger entry and a
search document; each holds the body of its last acknowledged edit (no edit
lost) and has one history row per acknowledged edit; each deleted one is gone
with its deletion (and reason) in history; every citation exists; and the
workspace's chain verifies.
"""

import argparse
import http.cookiejar
import json
import os
import random
import re
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from alternate import ROOT, bench_database
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.utils.crypto import get_random_string

from archive.audit.ledger import verify_workspace
from archive.claims import create_annotations, create_claim
from archive.models import (
    Annotation,
    Evidence,
    HistoryEntry,
    Membership,
    Role,
    SearchDocument,
    Source,
    Workspace,
)
from archive.passages.writes import create_passage
from tests.factories import PASSWORD

User = get_user_model()
CORPUS = ROOT.parent / "shared" / "corpus"
SEARCH_WORDS = ["airstrikes", "aleppo", "city", "summer", "shelling", "area", "siege", "Rashideen", "week"]
# Production settings over plain HTTP on loopback.
SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "SECRET_KEY": "bench-only-secret-key-not-for-any-deployment-0123456789",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "LOG_LEVEL": "WARNING",
    "AXES_FAILURE_LIMIT": "1000",
}


def corpus_text() -> str:
    texts = sorted(CORPUS.glob("**/*.txt")) if CORPUS.exists() else []
    text = texts[0].read_text() if texts else ""
    return text if len(text) > 2000 else (text + " ") * (2000 // max(1, len(text)) + 1)


def marker(rng: random.Random) -> str:
    """A word found in no text, to find an edit in the search index."""
    return "zq" + "".join(rng.choices(string.ascii_lowercase, k=10))


@dataclass
class Outcomes:
    """What one analyst's server acknowledged, to check afterwards."""

    created: dict[int, str] = field(default_factory=dict)  # annotation id -> its latest acknowledged body
    edits: dict[int, int] = field(default_factory=dict)  # annotation id -> acknowledged edits
    deleted: dict[int, str] = field(default_factory=dict)  # annotation id -> reason
    cited: list[int] = field(default_factory=list)  # evidence ids
    # annotation id -> the ETags acknowledged, newest last (each to send back as If-Match)
    etags: dict[int, list[str]] = field(default_factory=dict)


class Analyst:
    def __init__(self, number: int, base: str, token: str, username: str, setup: dict, seed: int):
        self.number, self.base, self.setup = number, base, setup
        self.rng = random.Random(seed)  # noqa: S311 (not cryptography)
        self.token = token
        self.jar = http.cookiejar.CookieJar()
        self.browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.username = username
        self.outcomes = Outcomes()
        self.timings: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []

    def request(
        self, kind: str, method: str, path: str, *, body=None, headers=None, expect=(200,), page=False
    ):
        data = json.dumps(body).encode() if body is not None else None
        headers = dict(headers or {})
        if not page:
            headers["Authorization"] = f"Token {self.token}"
        if data is not None:
            headers["Content-Type"] = "application/json"
        url = f"{self.base}{path}"
        request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
        opener = self.browser if page else urllib.request.build_opener()
        began = time.perf_counter()
        try:
            with opener.open(request, timeout=60) as response:
                status, content, reply_headers = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, content, reply_headers = error.code, error.read(), error.headers
        except OSError as error:
            status, content, reply_headers = 0, str(error).encode(), {}
        self.timings[kind].append(time.perf_counter() - began)
        if status not in expect:
            self.errors.append(f"{kind}: {method} {path} -> {status} {content[:200]!r}")
            return None, None
        return (json.loads(content) if content and not page else content), reply_headers

    def sign_in(self) -> None:
        page, _ = self.request("sign in", "GET", "/accounts/login/", page=True)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page or b"")
        if token is None:
            raise SystemExit(f"analyst {self.number}: no sign-in form: {self.errors[-1:]}")
        form = {
            "username": self.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": token.group(1).decode(),
        }
        request = urllib.request.Request(  # noqa: S310 (our own http:// base)
            f"{self.base}/accounts/login/",
            data=urllib.parse.urlencode(form).encode(),
            method="POST",
            headers={"Referer": f"{self.base}/accounts/login/"},
        )
        with self.browser.open(request, timeout=60) as response:
            answer = response.read()
        if not any(cookie.name == "sessionid" for cookie in self.jar):
            cookies = [cookie.name for cookie in self.jar]
            raise SystemExit(f"analyst {self.number} could not sign in: {cookies} {answer[:3000]!r}")

    # --- The actions ----------------------------------------------------------------

    def read(self) -> None:
        self.request("read", "GET", self.setup["source_url"], page=True)

    def search(self) -> None:
        query = urllib.parse.urlencode({"q": self.rng.choice(SEARCH_WORDS)})
        self.request("search", "GET", f"/search/?{query}", page=True)

    def create(self) -> None:
        body = f"Note by analyst {self.number}: {marker(self.rng)}"
        payload = {
            "workspace": self.setup["slug"],
            "passages": [self.rng.choice(self.setup["passages"])],
            "body": body,
            "tags": ["load"],
        }
        made, headers = self.request("create", "POST", "/api/annotations/", body=payload, expect=(201,))
        if made:
            self.outcomes.created[made["id"]] = body
            self.outcomes.etags[made["id"]] = [headers["ETag"]]

    def _own(self) -> int | None:
        alive = [pk for pk in self.outcomes.created if pk not in self.outcomes.deleted]
        return self.rng.choice(alive) if alive else None

    def edit(self) -> None:
        pk = self._own()
        if pk is None:
            return self.create()
        body = f"Edited by analyst {self.number}: {marker(self.rng)}"
        headers = {"If-Match": self.outcomes.etags[pk][-1]}
        done, reply = self.request(
            "edit", "PATCH", f"/api/annotations/{pk}/", body={"body": body}, headers=headers
        )
        if done:
            self.outcomes.created[pk] = body
            self.outcomes.edits[pk] = self.outcomes.edits.get(pk, 0) + 1
            self.outcomes.etags[pk].append(reply["ETag"])

    def stale_edit(self) -> None:
        pk = self._own()
        if pk is None or len(self.outcomes.etags[pk]) < 2:
            return self.edit()
        headers = {"If-Match": self.outcomes.etags[pk][-2]}
        self.request(
            "stale edit (412)", "PATCH", f"/api/annotations/{pk}/", body={"body": "lost"}, headers=headers,
            expect=(412,),
        )  # fmt: skip

    def cite(self) -> None:
        with self.setup["lock"]:  # a passage is evidence for a claim once: pairs not cited yet
            unused = self.setup["uncited"]
            if not unused:  # every pair is cited (a short corpus, or a long run)
                return self.create()
            claim, passage = unused.pop(self.rng.randrange(len(unused)))
        payload = {
            "workspace": self.setup["slug"],
            "claim": claim,
            "passage": passage,
            "stance": self.rng.choice(["supports", "refutes", "contextualizes"]),
        }
        made, _ = self.request("cite", "POST", "/api/evidence/", body=payload, expect=(201,))
        if made:
            self.outcomes.cited.append(made["id"])

    def delete(self) -> None:
        pk = self._own()
        if pk is None:
            return self.create()
        reason = f"duplicate, analyst {self.number}"
        headers = {"If-Match": self.outcomes.etags[pk][-1]}
        path = f"/api/annotations/{pk}/?{urllib.parse.urlencode({'reason': reason})}"
        done, _ = self.request("delete", "DELETE", path, headers=headers, expect=(204,))
        if done is not None:
            self.outcomes.deleted[pk] = reason

    def reasonless_delete(self) -> None:
        pk = self._own()
        if pk is None:
            return self.create()
        headers = {"If-Match": self.outcomes.etags[pk][-1]}
        self.request("delete without reason (400)", "DELETE", f"/api/annotations/{pk}/", headers=headers,
                     expect=(400,))  # fmt: skip

    ACTIONS = [  # (action, weight)
        (read, 20), (search, 20), (create, 25), (edit, 15), (cite, 8), (delete, 6),
        (stale_edit, 3), (reasonless_delete, 3),
    ]  # fmt: skip

    def run(self, until: float) -> None:
        actions, weights = zip(*self.ACTIONS, strict=True)
        while time.perf_counter() < until:
            self.rng.choices(actions, weights)[0](self)


def build(analysts: int) -> dict:
    workspace = Workspace.objects.create(name="Load", slug="load")
    # The server's settings keep Django's default hashers (the tests' settings use a fast one).
    password = PBKDF2PasswordHasher().encode(PASSWORD, get_random_string(12))
    users = [User.objects.create(username=f"load-analyst-{n}", password=password) for n in range(analysts)]
    for user in users:
        Membership.objects.create(workspace=workspace, user=user, role=Role.ANALYST)
    text = corpus_text()
    source = Source.objects.create(workspace=workspace, title="Corpus", text=text, language="en")
    # Through the domain, with their history: verification compares every live row with it.
    passages = [
        create_passage(source=source, user=users[0], start=n, end=n + 12)
        for n in range(0, min(len(text) - 20, 4000), 80)
    ]
    # A note of the first analyst on every passage keeps it when the others delete theirs
    # (a passage nothing uses any more is deleted with the last annotation on it).
    create_annotations(user=users[0], items=[{"passages": [p], "body": "Anchor"} for p in passages])
    claims = [
        create_claim(workspace=workspace, user=users[0], statement=f"Claim {n} of the load test")
        for n in range(10)
    ]
    from rest_framework.authtoken.models import Token

    return {
        "workspace": workspace,
        "users": users,
        "tokens": [Token.objects.create(user=user).key for user in users],
        "slug": workspace.slug,
        "source_url": f"/w/{workspace.slug}/sources/{source.pk}/",
        "passages": [passage.pk for passage in passages],
        "claims": [claim.pk for claim in claims],
        "uncited": [(claim.pk, passage.pk) for claim in claims for passage in passages],
        "lock": threading.Lock(),
    }


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return f"postgres://{settings['USER']}{password}@{host}:{port}/{settings['NAME']}"


def check(setup: dict, everyone: list[Analyst]) -> list[str]:
    """What was acknowledged but is not there."""
    problems = []
    workspace = setup["workspace"]
    for analyst in everyone:
        outcomes = analyst.outcomes
        for pk, body in outcomes.created.items():
            history = list(Annotation.history.filter(id=pk).order_by("history_id"))
            if pk in outcomes.deleted:
                if Annotation.objects.filter(pk=pk).exists():
                    problems.append(f"annotation {pk}: deleted (acknowledged) but still there")
                if not history or history[-1].history_type != "-":
                    problems.append(f"annotation {pk}: no deletion in its history")
                elif history[-1].history_change_reason != outcomes.deleted[pk]:
                    problems.append(f"annotation {pk}: deletion recorded without its reason")
                continue
            current = Annotation.objects.filter(pk=pk).first()
            if current is None:
                problems.append(f"annotation {pk}: acknowledged, missing")
                continue
            if current.body != body:
                problems.append(
                    f"annotation {pk}: last acknowledged edit lost ({current.body!r} != {body!r})"
                )
            if not history or history[0].history_type != "+":
                problems.append(f"annotation {pk}: no creation history row")
            if len(history) != 1 + outcomes.edits.get(pk, 0):
                problems.append(
                    f"annotation {pk}: {len(history)} history rows for {outcomes.edits.get(pk, 0)} edits"
                )
            entries = HistoryEntry.objects.filter(
                workspace=workspace, model="annotation", object_id=pk
            ).count()
            if entries != len(history):
                problems.append(f"annotation {pk}: {entries} ledger entries for {len(history)} history rows")
            document = SearchDocument.objects.filter(kind="annotation", object_id=pk).first()
            if document is None or body.split()[-1] not in document.body:
                problems.append(f"annotation {pk}: the search document does not hold its last body")
        found = Evidence.objects.filter(pk__in=outcomes.cited).count()
        if found != len(outcomes.cited):
            problems.append(
                f"analyst {analyst.number}: {len(outcomes.cited) - found} acknowledged citations missing"
            )
    result = verify_workspace(workspace.pk)
    if not result.ok:
        problems.append(f"the history chain does not verify: {result.problem}")
    return problems


def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--analysts", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    from api import PRODUCTION_LIKE, _free_port, _wait_for  # bench/api.py

    with bench_database():
        setup = build(args.analysts)
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode=WAL")  # several worker processes write
        port = _free_port()
        env = {**os.environ, **PRODUCTION_LIKE, **SERVER_ENV, "DATABASE_URL": database_url()}
        env["STATIC_ROOT"] = tempfile.mkdtemp(prefix="warrant-load-static-")  # pages need the manifest
        collect = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"]
        subprocess.run(collect, cwd=ROOT, env=env, check=True)  # noqa: S603
        connection.close()  # the server's workers have the database to themselves
        log = Path(env["STATIC_ROOT"]) / "gunicorn.log"
        server = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", str(args.workers)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log.open("w"),
        )  # fmt: skip
        try:
            _wait_for(port)
            base = f"http://127.0.0.1:{port}"
            everyone = [
                Analyst(n, base, setup["tokens"][n], setup["users"][n].username, setup, seed=2017 + n)
                for n in range(args.analysts)
            ]
            for analyst in everyone:
                analyst.sign_in()
            until = time.perf_counter() + args.seconds
            threads = [threading.Thread(target=analyst.run, args=(until,)) for analyst in everyone]
            began = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - began
        finally:
            server.terminate()
            server.wait()
        timings: dict[str, list[float]] = defaultdict(list)
        for analyst in everyone:
            for kind, times in analyst.timings.items():
                timings[kind] += times
        errors = [error for analyst in everyone for error in analyst.errors]
        total = sum(len(times) for kind, times in timings.items() if kind != "sign in")
        server_line = f"gunicorn {args.workers} workers, {connection.vendor}"
        print(
            f"{args.analysts} analysts, {elapsed:.0f} s, {server_line}: "
            f"{total} requests ({total / elapsed:.1f}/s), {len(errors)} errors"
        )
        print(f"  {'kind':30} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8}")
        for kind, times in sorted(timings.items()):
            p50, p95 = percentile(times, 50) * 1000, percentile(times, 95) * 1000
            print(f"  {kind:30} {len(times):8} {p50:8.0f} {p95:8.0f}")
        for error in errors[:10]:
            print(f"  error: {error[:300]}")
        if errors:
            print(f"  the server's log: {log}")
        problems = check(setup, everyone)
        created = sum(len(a.outcomes.created) for a in everyone)
        edited = sum(sum(a.outcomes.edits.values()) for a in everyone)
        deleted = sum(len(a.outcomes.deleted) for a in everyone)
        cited = sum(len(a.outcomes.cited) for a in everyone)
        print(
            f"checked: {created} annotations created, {edited} edits, {deleted} deletions, {cited} citations "
            f"acknowledged; {len(problems)} problems; chain verified: "
            f"{'no' if any('chain' in p for p in problems) else 'yes'}"
        )
        for problem in problems[:20]:
            print(f"  problem: {problem}")
        if errors or problems:
            sys.exit(1)


if __name__ == "__main__":
    main()
