"""`make run`'s server: Django's development server with a job worker beside it.

    python scripts/serve.py 127.0.0.1:8000
    python scripts/serve.py --check-port 127.0.0.1:8000

Ctrl+C (SIGINT or SIGTERM to this launcher), or either process ending, stops
both. Each runs in its own process group, so their auto-reloading children
stop with them. The worker is the database queue's `db_worker`, or RQ's
`rqworker` when TASKS_BACKEND=rq. With --check-port it only says whether the
address is free, which `make run` asks before it loads the demo (and sets its
passwords anew): a second `make run` would lock the first one's users out.
"""

import contextlib
import errno
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STOP_SECONDS = 10


class _Stop:
    """The launcher's SIGINT and SIGTERM handler: the first signal stops it; any after that
    (a second Ctrl+C, or make passing on its own SIGTERM) is not a reason to give up the
    wait that kills a process slow to stop."""

    stopping = False

    def __call__(self, signum: int, frame: object) -> None:
        if not self.stopping:
            self.stopping = True
            raise KeyboardInterrupt


_stop = _Stop()


def _stop_group(process: subprocess.Popen, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):  # already gone
        os.killpg(process.pid, sig)


def server_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The development server's environment. It serves each browser connection in a thread
    of its own, which would keep a database connection open for as long as the browser
    keeps the socket (minutes; dozens on PostgreSQL): unless told otherwise, it closes each
    at the end of its request."""
    return {**environ, "CONN_MAX_AGE": environ.get("CONN_MAX_AGE", "0")}


def _host_and_port(address: str) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    return host.strip("[]"), int(port)


def port_in_use(address: str) -> bool:
    """Whether something already listens at `address` ("host:port"), as the server would bind it."""
    host, port = _host_and_port(address)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return True
            raise
    return False


def check_port(address: str) -> int:
    if not port_in_use(address):
        return 0
    _, port = _host_and_port(address)
    print(
        f"Port {port} is in use: is Warrant already running there? Use that one (its logins "
        f"still hold), stop it first, or run this one on another port: make run PORT={port + 1}",
        file=sys.stderr,
    )
    return 1


def main(address: str) -> int:
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    manage = [sys.executable, str(ROOT / "manage.py")]
    # RQ's scheduler moves a job's delayed retry into the queue when it is due.
    rq = ["rqworker", "--with-scheduler", "default"]
    worker = rq if os.environ.get("TASKS_BACKEND") == "rq" else ["db_worker"]
    # This project's own manage.py, run by the interpreter running this script.
    processes = [
        subprocess.Popen([*manage, *worker], cwd=ROOT, start_new_session=True),  # noqa: S603
        subprocess.Popen(  # noqa: S603
            [*manage, "runserver", address],
            cwd=ROOT,
            env=server_environment(os.environ),
            start_new_session=True,
        ),
    ]
    print(f"Serving on http://{address}/ with a job worker beside it; Ctrl+C stops both.", flush=True)
    try:
        while all(process.poll() is None for process in processes):
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass
    finally:
        _stop.stopping = True  # ended on its own: no signal stops the stop either
        ended = [process.returncode for process in processes if process.returncode]
        for process in processes:
            _stop_group(process, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                _stop_group(process, signal.SIGKILL)
                process.wait()
    # One of them failed on its own (not stopped by Ctrl+C): say so to make, as it said why.
    return ended[0] if ended else 0


if __name__ == "__main__":
    arguments = sys.argv[1:]
    if arguments[:1] == ["--check-port"]:
        sys.exit(check_port(arguments[1]))
    sys.exit(main(arguments[0] if arguments else "127.0.0.1:8000"))
