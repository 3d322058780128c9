from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from archive.backups.archive import export_workspace
from archive.models import Workspace


class Command(BaseCommand):
    help = "Export a workspace with its full history and original files to a new directory."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--workspace", required=True, help="The workspace's slug.")
        parser.add_argument("out", type=Path, help="A new (or empty) directory.")

    def handle(self, *args, workspace: str, out: Path, **options) -> None:
        found = Workspace.objects.filter(slug=workspace).first()
        if found is None:
            raise CommandError(f"No workspace {workspace!r}.")
        try:
            summary = export_workspace(workspace=found, directory=out)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"Exported {sum(summary.rows.values())} rows and {summary.files} files to {out}.")
