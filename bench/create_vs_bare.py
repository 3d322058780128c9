"""Benchmark: creating one annotation per API request against a bare Django view.

    .venv/bin/python bench/create_vs_bare.py [REQUESTS] [--rounds N]

In a throwaway database on DATABASE_URL's engine (bench/alternate.py), with
Django's test client in this process (the issue's figures came from gunicorn;
here the same middleware, URL routing and token authentication run, without
HTTP and worker processes), alternately N times (default 5): REQUESTS
(default 50) POSTs to /api/annotations/, each creating one annotation (its
history row, ledger entry and search document included), and REQUESTS
POSTs of the same body to a bare view that inserts one row into a plain
table the benchmark creates (and drops at the end). Prints requests per
second of both, the ratio, the SQL statements of one request of each (`--sql`
lists them), and whether the workspace's ledger chain verifies afterwards.
`--floor` also times, against the same baseline, a DRF view with the API's
authentication, permission, parser and renderer inserting that one row (the
least any API write costs), and the same view making the two reads every
create makes (the membership and the passage, as the API makes them).
"""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from alternate import alternate, bench_database, report
from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest, JsonResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from archive.audit.ledger import verify_workspace
from archive.core.compiled_query import CompiledQuery
from archive.models import Annotation, HistoryEntry, Passage, SearchDocument
from archive.permissions import get_workspace_or_404

TABLE = "bench_bare_note"


def insert(body: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} (body) VALUES (%s)", [body])  # noqa: S608  # nosec B608


@require_POST
def bare(request: HttpRequest) -> JsonResponse:
    """One row from the request's JSON: what any Django write costs at the least."""
    body = json.loads(request.body)
    insert(body["body"])
    return JsonResponse({"body": body["body"]}, status=201)


class Floor(APIView):
    """One row through the API's framework: its authentication, permission, parser
    and renderer (settings.REST_FRAMEWORK), with no workspace, validation, history,
    ledger or index: what no API write can cost less than."""

    def post(self, request: Request) -> Response:
        insert(request.data["body"])
        return Response({"body": request.data["body"]}, status=201)


PASSAGE = CompiledQuery(
    lambda pk, workspace_id: Passage.objects.filter(pk=pk, workspace_id=workspace_id),
    pk=int,
    workspace_id=int,
)


class FloorWithReads(APIView):
    """The floor plus the two reads every create makes, as the API makes them: the
    user's membership of the workspace named (the permission) and the passage named
    (validation), with the row inserted in a transaction."""

    def post(self, request: Request) -> Response:
        workspace, _ = get_workspace_or_404(request.user, request.data["workspace"])
        if not PASSAGE(pk=request.data["passages"][0], workspace_id=workspace.pk):
            raise SystemExit("the passage is not in the workspace")
        with transaction.atomic():
            insert(request.data["body"])
        return Response({"body": request.data["body"]}, status=201)


urlpatterns = [
    path("bench-bare/", bare),
    path("bench-floor/", Floor.as_view()),
    path("bench-floor-reads/", FloorWithReads.as_view()),
    path("", include(settings.ROOT_URLCONF)),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("requests", type=int, nargs="?", default=50)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sql", action="store_true", help="list the statements of one create")
    parser.add_argument(
        "--floor", action="store_true", help="also time the API framework alone against the baseline"
    )
    args = parser.parse_args()
    from api import build  # bench/api.py: a workspace, its analyst and 50 passages

    settings.ROOT_URLCONF = __name__
    with bench_database():
        workspace, user, passage = build(0)
        serial = "SERIAL" if connection.vendor == "postgresql" else "INTEGER"
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TABLE {TABLE} (id {serial} PRIMARY KEY, body TEXT NOT NULL)")
        token = Token.objects.create(user=user).key
        client = Client(HTTP_AUTHORIZATION=f"Token {token}")
        body = json.dumps(
            {"workspace": workspace.slug, "passages": [passage.pk], "body": "Bench note", "tags": ["bench"]}
        )

        def post(url: str) -> None:
            response = client.post(url, body, content_type="application/json")
            if response.status_code != 201:
                raise SystemExit(f"{url}: {response.status_code} {response.content[:300]!r}")

        def repeat(url: str) -> None:
            for _ in range(args.requests):
                post(url)

        def ours() -> None:
            repeat("/api/annotations/")

        def baseline() -> None:
            repeat("/bench-bare/")

        try:
            rounds = alternate(args.rounds, ours, baseline)
            report("create one annotation per request", rounds, per=args.requests, unit="requests")
            if args.floor:
                for label, url in (
                    ("alone", "/bench-floor/"),
                    ("and a create's reads", "/bench-floor-reads/"),
                ):
                    floor = alternate(args.rounds, lambda url=url: repeat(url), baseline)
                    report(f"the API framework {label} (one row)", floor, per=args.requests, unit="requests")
            for url in ("/api/annotations/", "/bench-bare/"):
                with CaptureQueriesContext(connection) as queries:
                    post(url)
                print(f"  {url}: {len(queries)} SQL statements")
                if args.sql:
                    for query in queries:
                        print(f"    {query['sql'][:110]}")
            made = Annotation.objects.filter(workspace=workspace).count()
            ledger = HistoryEntry.objects.filter(workspace=workspace, model="annotation").count()
            indexed = SearchDocument.objects.filter(workspace=workspace, kind="annotation").count()
            print(f"  {made} annotations made, {ledger} ledger entries, {indexed} search documents")
            print(f"  chain verifies: {verify_workspace(workspace.pk).ok}")
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE {TABLE}")


if __name__ == "__main__":
    main()
