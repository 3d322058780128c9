"""Modules compiled with mypyc: a stale build is never run, and a fresh one
re-anchors exactly as its source does."""

import importlib
import importlib.util
import json
import os
import random
import sys
from importlib.machinery import EXTENSION_SUFFIXES

import pytest

from archive.core import compiled
from archive.core.text import normalize_text
from archive.passages.selectors import selector_for


@pytest.fixture
def package(tmp_path, monkeypatch):
    """A package `pkgx` holding `mod.py` and, beside it, an extension module
    that cannot load (garbage bytes), declared as compiled."""
    (tmp_path / "pkgx").mkdir()
    (tmp_path / "pkgx" / "__init__.py").write_text("")
    source = tmp_path / "pkgx" / "mod.py"
    source.write_text("ORIGIN = 'source'\n")
    (tmp_path / "pkgx" / f"mod{EXTENSION_SUFFIXES[0]}").write_bytes(b"not a shared object")
    monkeypatch.setattr(compiled, "ROOT", tmp_path)
    monkeypatch.setattr(compiled, "COMPILED", ("pkgx.mod",))
    monkeypatch.setattr(compiled, "STAMP", tmp_path / "compiled.json")
    monkeypatch.syspath_prepend(str(tmp_path))
    # Without the finder installed at start-up for the project's own stale
    # modules (a source edited since `make compile`): the test installs its own.
    finders = [finder for finder in sys.meta_path if not isinstance(finder, compiled._SourceOfStale)]
    monkeypatch.setattr(sys, "meta_path", finders)
    yield source
    for name in ("pkgx.mod", "pkgx"):
        sys.modules.pop(name, None)


def stamp(digest: str) -> None:
    compiled.STAMP.write_text(json.dumps({"pkgx.mod": digest}))


def test_a_compiled_module_built_from_its_current_source_is_not_stale(package):
    stamp(compiled.digest(package))

    assert compiled.stale_modules() == []
    assert compiled.check_compiled() == []


def test_a_compiled_module_whose_source_changed_since_is_stale_and_warned_of(package):
    stamp(compiled.digest(package))
    package.write_text("ORIGIN = 'edited source'\n")

    assert compiled.stale_modules() == ["pkgx.mod"]
    [warning] = compiled.check_compiled()
    assert warning.id == "archive.W001"
    assert "pkgx.mod" in warning.msg


def test_a_compiled_module_without_a_record_of_its_source_is_stale(package):
    assert compiled.stale_modules() == ["pkgx.mod"]


def test_a_stale_compiled_module_is_imported_from_its_source(package):
    stamp("0" * 64)

    compiled.import_sources_of_stale()
    module = importlib.import_module("pkgx.mod")

    # The extension beside it would not even load: the source was imported instead.
    assert module.ORIGIN == "source"
    assert module.__file__ == str(package)


def test_a_source_without_a_compiled_module_is_not_stale(package):
    (package.parent / f"mod{EXTENSION_SUFFIXES[0]}").unlink()

    assert compiled.stale_modules() == []


def edited(rng: random.Random, text: str) -> str:
    """`text` with words replaced, deleted or inserted here and there, and
    runs of words deleted or moved."""
    words = text.split(" ")
    for _ in range(len(words) // 25):
        at = rng.randrange(len(words))
        action = rng.choice(("replace", "delete", "insert", "delete run", "move run"))
        if action == "delete":
            del words[at]
        elif action in ("delete run", "move run"):
            run = words[at : at + rng.randint(5, 30)]
            del words[at : at + len(run)]
            if action == "move run":
                to = rng.randrange(len(words))
                words[to:to] = run
        else:
            words[at : at + (action == "replace")] = [rng.choice(words) + "x"]
    return " ".join(words)


def test_the_compiled_reanchoring_finds_what_its_source_finds(corpus_text):
    """The same results from the compiled module and from its source, on the
    corpus article edited at random, passages everywhere."""
    module = "archive.passages.reanchoring"
    running = sys.modules[module] if module in sys.modules else importlib.import_module(module)
    if module not in compiled.compiled_modules():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{module} is not compiled in CI (make compile)")
        pytest.skip(f"{module} is not compiled here (make compile)")
    spec = importlib.util.spec_from_file_location("reanchoring_source", compiled.source_of(module))
    assert spec is not None and spec.loader is not None
    source = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(source)
    old = normalize_text(corpus_text)
    rng = random.Random(2017)
    for _ in range(5):
        new = edited(rng, old)
        starts = sorted(rng.sample(range(len(old) - 200), 30))
        selectors = [selector_for(old, start, start + rng.randint(2, 150)) for start in starts]

        from_compiled = running.reanchor(selectors, old_text=old, new_text=new)
        from_source = source.reanchor(selectors, old_text=old, new_text=new)

        assert [(r.status, r.start, r.end, r.score, r.reason) for r in from_compiled] == [
            (r.status, r.start, r.end, r.score, r.reason) for r in from_source
        ]
