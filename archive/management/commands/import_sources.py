"""Import files and folders of files as sources of a workspace.

    python manage.py import_sources --workspace SLUG [--user NAME] PATH...

Each file is read, checked and saved on its own (one transaction each), so
memory stays flat however many files there are; the metadata proposed from
each file is used as it is. Reading and extracting text (CPU-bound) runs in
worker processes while the main process saves, a few files ahead at most.
Prints a progress bar, then what was imported, what duplicated an existing
source and what failed, and why, and each existing outlet of the workspace that an
outlet name (--outlet, or a file's own) was attached to, once. Exits non-zero if
any file failed.

Every file may be declared derived, as --derivation (a translation, say), from an
archived source (--derived-from ID) or from an original that is not archived:
--unarchived-title and/or --unarchived-url, with --unarchived-outlet,
--unarchived-language and --unarchived-published-on if known. What a source
would be refused for deriving from is refused before any file is read.
"""

import multiprocessing
import os
from collections import Counter, deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, reset_queries
from django.urls import reverse

from archive.core.text import counted
from archive.management.derivations import add_derivation_arguments, checked_derivation
from archive.models import Workspace
from archive.permissions import Action, can, role_in
from archive.sources.importing.pipeline import (
    ExaminedFile,
    ImportResult,
    ImportStatus,
    examine_file,
    import_examined,
)
from archive.workspaces import account_called

_BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Import plain text, Markdown, HTML and PDF files (or folders of them) into a workspace; each may be "
        "declared a --derivation of an archived source (--derived-from) or of an original that is not "
        "archived (--unarchived-title and/or --unarchived-url, with its outlet, language and date)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="Files or folders (searched recursively).")
        parser.add_argument("--workspace", required=True, help="The workspace's slug.")
        parser.add_argument("--user", help="Who imports (an analyst or admin of the workspace).")
        parser.add_argument("--language", help="BCP 47 tag for every file, instead of the guess.")
        parser.add_argument(
            "--outlet",
            default="",
            help="Outlet name for every file (the workspace's of that name, else new).",
        )
        add_derivation_arguments(parser)
        parser.add_argument(
            "--jobs",
            type=int,
            default=max(1, (os.cpu_count() or 1) - 1),
            help="Worker processes that read and extract files (0: none, all in this process).",
        )
        parser.add_argument(
            "--allow-duplicates",
            action="store_true",
            help="Import files whose bytes or text are already archived.",
        )

    def handle(self, *args, **options) -> None:
        workspace = Workspace.objects.filter(slug=options["workspace"]).first()
        if workspace is None:
            raise CommandError(f"No workspace {options['workspace']!r}.")
        user = self._importer(workspace, options["user"])
        derived = checked_derivation(options, workspace=workspace)
        files = self._files(options["paths"])
        _relax_commit_durability()
        # Only counts and report lines are kept, not the sources: memory stays flat.
        counts = Counter({status: 0 for status in ImportStatus})
        report: list[str] = []
        outlets_found: list[str] = []  # said once, however many files were attached to it
        self.stderr.style_func = None
        for done, examined in enumerate(self._examined(files, options["jobs"]), start=1):
            result = import_examined(
                workspace=workspace,
                user=user,
                examined=examined,
                allow_duplicate=options["allow_duplicates"],
                language=options["language"],
                outlet_name=options["outlet"],
                derived_from=derived.derived_from,
                unarchived_original=derived.unarchived_original,
                derivation=derived.derivation,
            )
            counts[result.status] += 1
            if result.status != ImportStatus.IMPORTED:
                report.append(self._line(workspace, result, files[done - 1]))
            elif result.outlet_found and result.outlet_found not in outlets_found:
                outlets_found.append(result.outlet_found)
            reset_queries()  # with DEBUG on, Django would keep every query in memory
            self._progress(done, len(files))
        self.stderr.write("")
        self._summary(counts, report + outlets_found)

    def _examined(self, files: list[Path], jobs: int) -> Iterator[ExaminedFile]:
        """Each file examined, in order; by `jobs` worker processes, at most 2 * jobs ahead."""
        if jobs == 0:
            yield from map(examine_file, files)
            return
        # Forked workers inherit the configured Django; they never touch the database.
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            ahead: deque[Future] = deque()
            for path in files:
                ahead.append(pool.submit(examine_file, path))
                if len(ahead) > 2 * jobs:
                    yield ahead.popleft().result()
            while ahead:
                yield ahead.popleft().result()

    def _importer(self, workspace: Workspace, username: str | None):
        if username is None:
            return None
        try:
            user = account_called(username, active_only=False)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if not can(role_in(user, workspace), Action.CONTRIBUTE):
            raise CommandError(f"{username!r} is not an analyst or admin of {workspace.slug}.")
        return user

    def _files(self, paths: list[Path]) -> list[Path]:
        files = []
        for path in paths:
            if path.is_dir():
                files += sorted(
                    found
                    for found in path.rglob("*")
                    if found.is_file()
                    and not any(part.startswith(".") for part in found.relative_to(path).parts)
                )
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(f"{path} is not a file or folder.")
        return files

    def _progress(self, done: int, total: int) -> None:
        filled = _BAR_WIDTH * done // total
        self.stderr.write(f"\r[{'#' * filled}{'.' * (_BAR_WIDTH - filled)}] {done}/{total}", ending="")
        self.stderr.flush()

    def _line(self, workspace: Workspace, result: ImportResult, path: Path) -> str:
        if result.status == ImportStatus.DUPLICATE and result.source is not None:
            where = reverse("archive:source_provenance", args=[workspace.slug, result.source.pk])
            return f"duplicate  {path}: {result.message} ({where})"
        return self.style.ERROR(f"failed     {path}: {result.message}")

    def _summary(self, counts: Counter, report: list[str]) -> None:
        for line in report:
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(
                f"{counts[ImportStatus.IMPORTED]} imported, {counts[ImportStatus.DUPLICATE]} duplicate, "
                f"{counts[ImportStatus.FAILED]} failed."
            )
        )
        if counts[ImportStatus.FAILED]:
            raise CommandError(f"{counted(counts[ImportStatus.FAILED], 'file')} could not be imported.")


def _relax_commit_durability() -> None:
    """On PostgreSQL, do not wait for the disk at each file's commit.

    A crash can lose only the last few imports, never corrupt anything, and
    running the command again imports them (the rest are reported as
    duplicates). Each file still commits on its own.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO OFF")
