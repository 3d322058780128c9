"""A workspace's archive as one ZIP file: what an admin downloads from the workspace's
export page, and what `import_archive` reads as it reads the directory.

The ZIP holds the directory `export_workspace` writes, under one folder named after the
workspace and the time of the export (two unpacked side by side never mix); the
manifest inside lists every file's SHA-256, checked again on import. A ZIP made in a
background job is kept in the default storage, which the worker and the web processes
share (the originals' storage: served only through a permission-checked view), for
KEPT_FOR, and deleted when a later export finds it older.
"""

import datetime
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone

from archive.backups.archive import Summary, archive_models, export_workspace
from archive.models import Workspace

EXPORTS_DIR = "exports"
KEPT_FOR = datetime.timedelta(days=7)

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ExportName:
    """Names one export: the job that makes it (`key`), its workspace and when it was asked for.
    All three name the stored ZIP, so a job id a restored database gives again never names another's."""

    key: int
    slug: str
    made: datetime.datetime

    @property
    def folder(self) -> str:
        """The folder inside the ZIP: the workspace and when (UTC)."""
        return f"{self.slug}-{self.made.astimezone(datetime.UTC):%Y%m%d-%H%M%S}"

    @property
    def filename(self) -> str:
        return f"{self.folder}.zip"

    @property
    def stored(self) -> str:
        return f"{EXPORTS_DIR}/{self.key}-{self.filename}"


def export_packed(
    *,
    workspace: Workspace,
    name: ExportName,
    progress: Progress | None = None,
    alive: Callable[[], None] | None = None,
) -> Summary:
    """Export `workspace` as one ZIP kept under `name`, replacing what an earlier run under that
    name left; `progress(done, total)` as the originals are copied, then packed, and `alive()`
    in between, where there is nothing to count (export_workspace)."""
    prune()
    folder = name.folder
    with tempfile.TemporaryDirectory(prefix="warrant-export-") as scratch:
        directory = Path(scratch) / folder
        copied = 0

        def copying(done: int, total: int) -> None:
            nonlocal copied
            copied = total
            if progress is not None:
                # Packing follows, a step per file: these again, a file of rows per table, users, manifest.
                progress(done, 2 * total + len(archive_models()) + 2)

        def packing(done: int, total: int) -> None:
            if progress is not None:
                progress(copied + done, copied + total)

        summary = export_workspace(workspace=workspace, directory=directory, progress=copying, alive=alive)
        packed = Path(scratch) / name.filename
        _pack(directory, packed, folder, packing)
        default_storage.delete(name.stored)  # a run cut short, or run again: this one replaces it
        with packed.open("rb") as stream:
            saved = default_storage.save(name.stored, File(stream))
        if saved != name.stored:  # another run of the same job saved it meanwhile: keep one
            default_storage.delete(saved)
    return summary


def _pack(directory: Path, packed: Path, folder: str, progress: Progress) -> None:
    files = sorted(path for path in directory.rglob("*") if path.is_file())
    with zipfile.ZipFile(packed, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for done, path in enumerate(files, start=1):
            archive.write(path, f"{folder}/{path.relative_to(directory).as_posix()}")
            progress(done, len(files))


def packed_file(name: ExportName) -> File | None:
    """The ZIP kept under `name`, open for reading; None once it is no longer kept."""
    if not default_storage.exists(name.stored):
        return None
    return default_storage.open(name.stored, "rb")


def is_kept(name: ExportName) -> bool:
    return default_storage.exists(name.stored)


def prune(now: datetime.datetime | None = None) -> None:
    """Delete the ZIPs kept longer than KEPT_FOR: each is a whole workspace's size."""
    if not default_storage.exists(EXPORTS_DIR):
        return
    cutoff = (now or timezone.now()) - KEPT_FOR
    for filename in default_storage.listdir(EXPORTS_DIR)[1]:
        stored = f"{EXPORTS_DIR}/{filename}"
        try:
            if default_storage.get_modified_time(stored) < cutoff:
                default_storage.delete(stored)
        except FileNotFoundError:  # pruned by another export meanwhile
            continue


@contextmanager
def unpacked(path: Path) -> Iterator[Path]:
    """The archive directory of a ZIP from the export page, unpacked into a temporary
    directory for as long as the block runs (then removed)."""
    if not zipfile.is_zipfile(path):
        raise ValidationError(f"{path} is not a ZIP file.")
    with tempfile.TemporaryDirectory(prefix="warrant-import-") as scratch:
        root = Path(scratch)
        try:
            with zipfile.ZipFile(path) as archive:
                # extractall keeps every member inside `root`: it drops "..", drive letters and leading "/".
                archive.extractall(root)
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            raise ValidationError(f"{path} cannot be unpacked ({error}).") from None
        yield _archive_directory(root)


def _archive_directory(root: Path) -> Path:
    """Where the manifest is: at the top, or in the one folder the export page's ZIP holds."""
    if (root / "manifest.json").is_file():
        return root
    entries = list(root.iterdir())
    if len(entries) == 1 and (entries[0] / "manifest.json").is_file():
        return entries[0]
    raise ValidationError("The ZIP file holds no manifest.json, at its top or in its one folder.")
