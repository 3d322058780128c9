"""Benchmarks of the REST API and of export / import.

.venv/bin/python bench/api.py list [ANNOTATIONS] [--runs N]
    Server time and queries of GET /api/annotations/ (pages of 10 and 100)
    over ANNOTATIONS annotations (default 1000), in a throwaway test database
    on DATABASE_URL's engine (Django test client, in process).

.venv/bin/python bench/api.py create [COUNT] [--clients 8] [--workers 4] [--batch N]
    Starts gunicorn on DATABASE_URL (use a scratch PostgreSQL database; it is
    migrated and a workspace "bench-<time>" is added), then COUNT annotations
    (default 2000) are POSTed by CLIENTS concurrent clients with a token: one
    per request to /api/annotations/, or N per request to
    /api/annotations/batch/. Prints annotations per second, errors, and
    whether every row, history row and ledger entry is there afterwards.

.venv/bin/python bench/api.py exchange [ANNOTATIONS]
    Export and re-import of a workspace of ANNOTATIONS annotations (default
    10000) with history, in a throwaway test database.
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_databases, setup_test_environment  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402
from simple_history.utils import bulk_create_with_history  # noqa: E402

from archive.audit.ledger import verify_workspace  # noqa: E402
from archive.models import Annotation, HistoryEntry, Membership, Passage, Role, Source, Workspace  # noqa: E402
from archive.passages.selectors import selector_for  # noqa: E402
from tests.factories import SAMPLE_TEXT, UserFactory  # noqa: E402


def build(annotations: int, slug: str = "bench") -> tuple[Workspace, object, Passage]:
    """A workspace with one source, 50 passages and `annotations` annotations with history."""
    workspace = Workspace.objects.create(name=slug, slug=slug)
    user = UserFactory(username=f"{slug}-analyst")
    Membership.objects.create(workspace=workspace, user=user, role=Role.ANALYST)
    text = SAMPLE_TEXT * 20
    source = Source.objects.create(
        workspace=workspace, title="Bench", text=text, language="en", captured_by=user
    )
    passages = [
        Passage(
            workspace=workspace,
            source=source,
            created_by=user,
            **vars(selector_for(text, n * 10, n * 10 + 8)),
        )
        for n in range(50)
    ]
    passages = bulk_create_with_history(passages, Passage, default_user=user)
    rows = [
        Annotation(
            workspace=workspace, body=f"Note {n} on the figures.", tags=["bench", f"t{n % 7}"], author=user
        )
        for n in range(annotations)
    ]
    # The links first, then the history: each annotation's history row holds its passage, as
    # its live row does (verification compares them).
    created = Annotation.objects.bulk_create(rows, batch_size=1000)
    through = Annotation.passages.through
    links = through.objects.bulk_create(
        [through(annotation_id=a.pk, passage_id=passages[i % 50].pk) for i, a in enumerate(created)],
        batch_size=2000,
    )
    Annotation.history.bulk_history_create(
        created, default_user=user, batch_size=1000, m2m={"passages": links}
    )
    return workspace, user, passages[0]


def bench_list(annotations: int, runs: int) -> None:
    workspace, user, _ = build(annotations)
    client = Client()
    client.force_login(user)
    for size in (10, 100):
        url = f"/api/annotations/?page_size={size}&workspace={workspace.slug}"
        client.get(url)  # warm up
        times = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200 and len(response.json()["results"]) == min(size, annotations)
        print(
            f"page of {size:>3}: median {statistics.median(times):6.1f} ms, best {min(times):6.1f} ms, "
            f"worst {max(times):6.1f} ms, {len(queries)} queries "
            f"({annotations} annotations, {connection.vendor})"
        )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# gunicorn serves the production settings (DEBUG off), over plain HTTP on loopback.
PRODUCTION_LIKE = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "SECRET_KEY": "bench-only-secret-key-not-for-any-deployment-0123456789",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
    "LOG_LEVEL": "WARNING",
}


def bench_create(count: int, clients: int, workers: int, workspaces: int, batch: int) -> None:
    if connection.vendor != "postgresql":
        sys.exit("create: set DATABASE_URL to a scratch PostgreSQL database")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    targets = []  # (workspace, token, request body), one per workspace
    with transaction.atomic():
        for n in range(workspaces):
            workspace, user, passage = build(0, f"bench-{int(time.time())}-{n}")
            note = {"passages": [passage.pk], "body": "Bench note", "tags": ["bench"]}
            body = {"workspace": workspace.slug, **({"annotations": [note] * batch} if batch else note)}
            targets.append((workspace, Token.objects.create(user=user).key, json.dumps(body).encode()))
    path = "/api/annotations/batch/" if batch else "/api/annotations/"
    per_request = batch or 1
    port = _free_port()
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen(  # noqa: S603
        [*command, "--workers", str(workers)],
        cwd=ROOT,
        env={**env, **PRODUCTION_LIKE},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    errors: list[object] = []

    def client(number: int, share: int) -> None:
        _, token, body = targets[number % workspaces]
        headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        for _ in range(share):
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{path}", data=body, method="POST", headers=headers
            )
            try:
                with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                    outcome = response.status
            except Exception as error:
                outcome = error
            if outcome != 201:
                errors.append(outcome)  # list.append is atomic under the GIL

    try:
        _wait_for(port)
        share = count // clients // per_request
        threads = [threading.Thread(target=client, args=(n, share)) for n in range(clients)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait()
    sent = share * per_request * clients
    ids = [workspace.pk for workspace, _, _ in targets]
    rows = Annotation.objects.filter(workspace_id__in=ids).count()
    history = Annotation.history.filter(workspace_id__in=ids, history_type="+").count()
    entries = HistoryEntry.objects.filter(workspace_id__in=ids, model="annotation").count()
    chains = [verify_workspace(workspace_id).ok for workspace_id in ids]
    print(
        f"{sent} annotations from {clients} clients into {workspaces} workspace(s), "
        f"{per_request} per request, gunicorn {workers} workers: {sent / elapsed:.0f}/s ({elapsed:.1f} s), "
        f"{len(errors)} errors; rows {rows}/{sent}, creation history rows {history}/{sent}, "
        f"ledger entries {entries}/{sent}, chains verified: {all(chains)}"
    )


def _wait_for(port: int) -> None:
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    sys.exit("gunicorn did not start")


def bench_exchange(annotations: int) -> None:
    from django.core.management.color import no_style

    from archive.backups.archive import archive_models, export_workspace, import_archive

    workspace, _, _ = build(annotations)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        summary = export_workspace(workspace=workspace, directory=Path(tmp) / "out")
        exported = time.perf_counter() - started
        tables = [model._meta.db_table for model in archive_models()]
        connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables, allow_cascade=True))
        started = time.perf_counter()
        import_archive(directory=Path(tmp) / "out")
        imported = time.perf_counter() - started
    rows = sum(summary.rows.values())
    print(
        f"{annotations} annotations ({rows} rows with history, {connection.vendor}): "
        f"export {exported:.1f} s, import {imported:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("what", choices=["list", "create", "exchange"])
    parser.add_argument("size", type=int, nargs="?")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--workspaces", type=int, default=1, help="create: spread the clients over N workspaces"
    )
    parser.add_argument("--batch", type=int, default=0, help="create: N annotations per request")
    args = parser.parse_args()
    if args.what == "create":
        bench_create(args.size or 2000, args.clients, args.workers, args.workspaces, args.batch)
        return
    setup_test_environment()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        if args.what == "list":
            bench_list(args.size or 1000, args.runs)
        else:
            bench_exchange(args.size or 10000)
    finally:
        from django.test.utils import teardown_databases

        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
