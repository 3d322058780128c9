import zipfile
from contextlib import ExitStack
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from archive.backups.archive import import_archive
from archive.backups.new_workspace import import_as_new_workspace
from archive.backups.packed import unpacked


class Command(BaseCommand):
    help = (
        "Restore a workspace exported by export_archive (its directory, or the ZIP file of the "
        "workspace's export page), after checking every file's SHA-256 "
        "and the history's hash chain (refused, naming the first bad entry, with nothing kept); "
        "or, with --as-new-workspace, copy it beside what the database holds, under new ids."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "archive", type=Path, help="The directory export_archive wrote, or the export page's ZIP file."
        )
        parser.add_argument(
            "--as-new-workspace",
            metavar="SLUG",
            dest="slug",
            help="Import into a new workspace with this slug, every row under a new id, "
            "users matched by username, the history re-chained.",
        )
        parser.add_argument(
            "--name", help="The new workspace's name (with --as-new-workspace; default: the archived one)."
        )

    def handle(self, *args, archive: Path, slug: str | None, name: str | None, **options) -> None:
        if name is not None and slug is None:
            raise CommandError("--name needs --as-new-workspace.")
        if not archive.is_dir() and not zipfile.is_zipfile(archive):
            raise CommandError(
                f"{archive} is not a directory or a ZIP file: give the directory export_archive wrote, "
                "or the ZIP file of a workspace's export page."
            )
        if archive.is_dir() and not (archive / "manifest.json").is_file():
            raise CommandError(f"{archive} has no manifest.json: it is not a directory export_archive wrote.")
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            # Restoring onto a new server is the usual case, and its tables do not exist yet.
            raise CommandError("The database is not migrated: run `manage.py migrate` first, then import.")
        try:
            with ExitStack() as stack:
                directory = archive if archive.is_dir() else stack.enter_context(unpacked(archive))
                if slug is None:
                    workspace = import_archive(directory=directory)
                    self.stdout.write(
                        f"Imported workspace {workspace.slug!r}. Archives keep no passwords and no site "
                        "rights: set each user's password (manage.py changepassword NAME) and make the "
                        "site's administrators again (createsuperuser, or the admin's user page)."
                    )
                    return
                copy = import_as_new_workspace(directory=directory, slug=slug, name=name)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            f"Imported workspace {copy.source_slug!r} as {copy.workspace.slug!r}: {copy.rows} rows "
            f"under new ids, {copy.files} files; its history verified up to entry #{copy.history_length} "
            f"({copy.head_hash}) and was chained anew."
        )
        if copy.matched_users:
            self.stdout.write(f"Users matched by username: {', '.join(copy.matched_users)}.")
        if copy.created_users:
            self.stdout.write(
                f"Users created without a password (to be reset): {', '.join(copy.created_users)}."
            )
