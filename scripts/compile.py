"""Compile the modules of archive.core.compiled.COMPILED to C with mypyc.

    .venv/bin/python scripts/compile.py            # compile (mypy from requirements-dev, a C compiler)
    .venv/bin/python scripts/compile.py --remove   # back to the pure-Python source

The compiled module sits beside its source (Python imports it first) and
archive/compiled.json records the digest of the source it was built from:
a module whose source changes later is not used (archive.core.compiled).
Where compiling cannot run (no mypyc, C compiler or Python headers) or
fails, nothing is compiled and the source runs, as it does in a deployment
that installs requirements.txt alone.
"""

import argparse
import json
import os
import shutil
import sys
import sysconfig
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archive.core.compiled import COMPILED, STAMP, digest, extension_of, source_of  # noqa: E402


def remove() -> None:
    for module in COMPILED:
        while (extension := extension_of(module)) is not None:
            extension.unlink()
        for helper in source_of(module).parent.glob(f"{module.rsplit('.', 1)[-1]}__mypyc.*"):
            helper.unlink()
    STAMP.unlink(missing_ok=True)


def missing_tools() -> str:
    """What compiling needs and this machine lacks ("" if nothing)."""
    try:
        import mypyc.build  # noqa: F401
        import setuptools  # noqa: F401
    except ImportError:
        return "mypyc is not installed (requirements-dev.txt)"
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        return f"no C compiler ({compiler})"
    if not (Path(sysconfig.get_paths()["include"]) / "Python.h").exists():
        return "no Python headers (Python.h)"
    return ""


def compile_modules() -> None:
    """Compile every module of COMPILED, or none: whatever fails, the source runs."""
    from mypyc.build import mypycify
    from setuptools import setup

    remove()
    sources = [str(source_of(module).relative_to(ROOT)) for module in COMPILED]
    digests = {module: digest(source_of(module)) for module in COMPILED}
    os.chdir(ROOT)
    with tempfile.TemporaryDirectory() as build:
        setup(
            name="warrant-compiled",
            packages=[],
            py_modules=[],
            ext_modules=mypycify(sources, opt_level="3", target_dir=f"{build}/c"),
            script_args=["--quiet", "build_ext", "--inplace", "--build-temp", f"{build}/temp"],
        )
    STAMP.write_text(json.dumps(digests, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--remove", action="store_true", help="remove the compiled modules: the source runs")
    if parser.parse_args().remove:
        remove()
        print("compile: compiled modules removed: the source runs.")
        return
    missing = missing_tools()
    try:
        if missing:
            raise RuntimeError(missing)
        compile_modules()
        print(f"compile: {', '.join(COMPILED)} compiled with mypyc.")
    except (Exception, SystemExit) as error:  # setuptools reports a failed compiler as SystemExit
        # Recorded as done, with nothing compiled, until the source changes: make does not retry.
        remove()
        STAMP.write_text("{}\n", encoding="utf-8")
        print(f"compile: not compiled ({error}): the source runs, slower.")


if __name__ == "__main__":
    main()
