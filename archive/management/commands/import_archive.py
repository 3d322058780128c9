from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from archive.exchange.archive import import_archive


class Command(BaseCommand):
    help = "Restore a workspace exported by export_archive, after checking every file's SHA-256."

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive", type=Path, help="The directory export_archive wrote.")

    def handle(self, *args, archive: Path, **options) -> None:
        if not (archive / "manifest.json").is_file():
            raise CommandError(f"{archive} has no manifest.json.")
        try:
            workspace = import_archive(directory=archive)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"Imported workspace {workspace.slug!r}. Users' passwords must be reset.")
