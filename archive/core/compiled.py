"""Modules that may run compiled to C, and the guard that keeps them current.

`scripts/compile.py` (run by `make`) compiles the modules of COMPILED with
mypyc where a C compiler is at hand: the same source, about 1.6 to 1.8
times as fast. Python imports an extension module in preference to its
source, so a compiled module left behind by an older source would run the
old code: each compiled module's source digest is recorded beside it
(STAMP), and where the source has changed since, or the record is missing,
the source is imported instead and `check_compiled` warns.
"""

import hashlib
import importlib.util
import json
import sys
from collections.abc import Sequence
from importlib.abc import MetaPathFinder
from importlib.machinery import EXTENSION_SUFFIXES, ModuleSpec
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
COMPILED = ("archive.passages.reanchoring",)
# {module: the SHA-256 of the source it was compiled from}, written by scripts/compile.py.
STAMP = ROOT / "archive" / "compiled.json"


def source_of(module: str) -> Path:
    return ROOT.joinpath(*module.split(".")).with_suffix(".py")


def extension_of(module: str) -> Path | None:
    """The compiled module this interpreter would import, if any."""
    source = source_of(module)
    return next(
        (path for suffix in EXTENSION_SUFFIXES if (path := source.with_suffix(suffix)).exists()),
        None,
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def recorded() -> dict[str, str]:
    try:
        stamp = json.loads(STAMP.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return stamp if isinstance(stamp, dict) else {}


def stale_modules() -> list[str]:
    """Compiled modules whose source is not the one they were compiled from."""
    stamp = recorded()
    return [
        module
        for module in COMPILED
        if extension_of(module) is not None and stamp.get(module) != digest(source_of(module))
    ]


def compiled_modules() -> list[str]:
    """Modules that run compiled in this process."""
    return [
        module
        for module in COMPILED
        if (loaded := sys.modules.get(module)) is not None
        and not str(getattr(loaded, "__file__", "")).endswith(".py")
    ]


class _SourceOfStale(MetaPathFinder):
    """Finds the source of each stale compiled module, ahead of the extension."""

    def __init__(self, modules: Sequence[str]):
        self.modules = set(modules)

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname not in self.modules:
            return None
        return importlib.util.spec_from_file_location(fullname, source_of(fullname))


def import_sources_of_stale() -> None:
    """Make the stale compiled modules import from their source (at start-up,
    before any of them is imported)."""
    if any(isinstance(finder, _SourceOfStale) for finder in sys.meta_path):
        return
    stale = stale_modules()
    if stale:
        sys.meta_path.insert(0, _SourceOfStale(stale))


def check_compiled(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    """A warning for each compiled module left out because its source changed."""
    from django.core.checks import Warning as CheckWarning

    return [
        CheckWarning(
            f"{module} was compiled from an older source: its source runs instead, slower.",
            hint="Run `make compile` (or `.venv/bin/python scripts/compile.py --remove`).",
            id="archive.W001",
        )
        for module in stale_modules()
    ]
