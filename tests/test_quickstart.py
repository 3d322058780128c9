"""The steps of `make run`, for real: migrate a fresh SQLite database, load the
demo, serve, log in with a printed password, and see the demo's sources."""

import http.cookiejar
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest

from tests.support import ROOT, fresh_env, run_manage


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def quickstart_env(tmp_path):
    return fresh_env(DEBUG="true", VAR_DIR=str(tmp_path))


def manage(env: dict, *args: str) -> str:
    result = run_manage(*args, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(url)


def test_make_run_steps_serve_the_demo_after_login(quickstart_env, tmp_path):
    manage(quickstart_env, "migrate", "--no-input")
    printed = manage(quickstart_env, "load_demo")
    password = re.search(r"demo-analyst / (\S+)", printed).group(1)
    assert (tmp_path / "db.sqlite3").exists()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=quickstart_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"{base}/accounts/login/")
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        opener.open(f"{base}/accounts/login/")
        csrf = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
        form = urllib.parse.urlencode(
            {
                "username": "demo-analyst",
                "password": password,
                "csrfmiddlewaretoken": csrf,
                "next": "/w/demo/",
            }
        )
        page = opener.open(f"{base}/accounts/login/", data=form.encode()).read().decode()
        assert "Water station in Tell al-Zaytoun out of service after shelling" in page
        assert "Tell al-Zaytoun without water" in page
        css = opener.open(f"{base}/static/archive/css/app.css")
        assert css.status == 200
    finally:
        server.terminate()
        server.wait(timeout=10)
