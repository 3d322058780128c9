from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from archive.core.spreadsheets import csv_lines
from archive.exchange.annotations import csv_rows, jsonld_chunks
from archive.models import Workspace
from archive.w3c.mapping import Links


class Command(BaseCommand):
    help = "Write a workspace's annotations and evidence as W3C JSON-LD or CSV."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--workspace", required=True, help="The workspace's slug.")
        parser.add_argument("--format", choices=["jsonld", "csv"], default="jsonld")
        parser.add_argument(
            "--base-url",
            required=True,
            help="The site's address, for the IRIs, e.g. https://warrant.example.org",
        )
        parser.add_argument("out", type=Path)

    def handle(self, *args, workspace: str, format: str, base_url: str, out: Path, **options) -> None:
        found = Workspace.objects.filter(slug=workspace).first()
        if found is None:
            raise CommandError(f"No workspace {workspace!r}.")
        links = Links(base_url.rstrip("/"))
        chunks = jsonld_chunks(found, links) if format == "jsonld" else csv_lines(csv_rows(found, links))
        with out.open("w", encoding="utf-8", newline="") as stream:
            stream.writelines(chunks)
        self.stdout.write(f"Wrote {out}.")
