"""The steps of `make run`, for real: migrate a fresh SQLite database, load the
demo, serve (with a job worker beside the server), log in with a printed
password, see the demo's sources, have the worker run a job, and stop both
with Ctrl+C."""

import http.cookiejar
import os
import re
import runpy
import shutil
import signal
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
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    manage(quickstart_env, "migrate", "--no-input")
    printed = manage(quickstart_env, "load_demo", "--url", f"{base}/")
    password = re.search(r"demo-analyst / (\S+)", printed).group(1)
    assert f"Log in at {base}/ as:" in printed
    assert (tmp_path / "db.sqlite3").exists()
    server = subprocess.Popen(
        [sys.executable, "scripts/serve.py", f"127.0.0.1:{port}"],
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
        job_page = _capture_through_the_worker(opener, base, jar)
        assert "Why it failed" in job_page and "private, loopback or link-local" in job_page
    finally:
        groups = _child_groups(server.pid)
        server.send_signal(signal.SIGINT)  # Ctrl+C
        assert server.wait(timeout=30) == 0
    assert len(groups) == 2  # the server and the worker
    for group in groups:
        with pytest.raises(ProcessLookupError):
            os.killpg(group, 0)


def _capture_through_the_worker(opener, base: str, jar) -> str:
    """Ask for a capture the archive refuses (a name for an internal address, which
    only resolving it shows) and wait for the worker to record the refusal on the job's page."""
    csrf = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    form = urllib.parse.urlencode({"url": "http://localhost/", "csrfmiddlewaretoken": csrf})
    response = opener.open(f"{base}/w/demo/import/", data=form.encode())
    job_url = response.url.split("?")[0]
    assert re.search(r"/jobs/\d+/$", job_url), job_url
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        page = opener.open(job_url).read().decode()
        if "Why it failed" in page:
            return page
        time.sleep(0.5)
    raise TimeoutError(f"the worker did not run {job_url}")


def _child_groups(pid: int) -> list[int]:
    """The process groups of `pid`'s children (each led by one of them)."""
    children = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as listed:
            children += [int(child) for child in listed.read().split()]
    return [os.getpgid(child) for child in children]


def test_make_runs_server_closes_its_database_connections_after_each_request():
    serve = runpy.run_path(str(ROOT / "scripts" / "serve.py"))
    assert serve["server_environment"]({"PATH": "/bin"}) == {"PATH": "/bin", "CONN_MAX_AGE": "0"}
    assert serve["server_environment"]({"CONN_MAX_AGE": "30"})["CONN_MAX_AGE"] == "30"


def test_make_run_on_a_port_in_use_stops_before_the_demo_says_why_and_fails():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "scripts/serve.py", "--check-port", f"127.0.0.1:{port}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert result.returncode == 1
    assert result.stderr.startswith(f"Port {port} is in use: is Warrant already running there?")
    assert f"make run PORT={port + 1}" in result.stderr
    free = subprocess.run(
        [sys.executable, "scripts/serve.py", "--check-port", f"127.0.0.1:{port}"], cwd=ROOT, timeout=30
    )
    assert free.returncode == 0


def test_the_launcher_fails_when_its_server_fails_on_its_own(quickstart_env):
    manage(quickstart_env, "migrate", "--no-input")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = subprocess.run(
            [sys.executable, "scripts/serve.py", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=quickstart_env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert "That port is already in use" in server.stderr
    assert server.returncode != 0


def test_a_second_signal_while_stopping_neither_interrupts_the_stop_nor_prints_a_traceback(quickstart_env):
    manage(quickstart_env, "migrate", "--no-input")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "scripts/serve.py", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=quickstart_env,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for(f"http://127.0.0.1:{port}/accounts/login/")
    groups = _child_groups(server.pid)
    server.send_signal(signal.SIGINT)  # Ctrl+C, then make passing on its own SIGTERM
    server.send_signal(signal.SIGTERM)
    assert server.wait(timeout=30) == 0
    assert "Traceback" not in server.stderr.read()
    for group in groups:
        with pytest.raises(ProcessLookupError):
            os.killpg(group, 0)


def test_make_help_says_what_every_target_does():
    makefile = (ROOT / "Makefile").read_text()
    targets = re.search(r"^\.PHONY: (.+)$", makefile, re.MULTILINE).group(1).split()
    make = shutil.which("make")
    assert make, "make is what the README's two commands run"
    shown = subprocess.run([make, "-s", "help"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0, shown.stderr
    described = {line.split()[0]: line.split(None, 1)[1] for line in shown.stdout.splitlines()}
    assert sorted(described) == sorted(targets)
    assert described["run"].startswith("Install, migrate, load demo data and serve")
