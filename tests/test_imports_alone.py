"""Each entry module imports first in a process of its own: an import cycle that another
test's import order hides would stop the server as it starts."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MODULES = [
    "config.urls",
    "archive.urls",
    *sorted(f"archive.api.{path.stem}" for path in (ROOT / "archive" / "api").glob("*.py")),
]


@pytest.mark.parametrize("module", MODULES)
def test_a_module_imports_first_in_a_process_of_its_own(module):
    code = f"import django; django.setup(); import {module}"
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
