"""`make run`'s server: Django's development server with a job worker beside it.

    python scripts/serve.py 127.0.0.1:8000

Ctrl+C (SIGINT or SIGTERM to this launcher), or either process ending, stops
both. Each runs in its own process group, so their auto-reloading children
stop with them. The worker is the database queue's `db_worker`, or RQ's
`rqworker` when TASKS_BACKEND=rq.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STOP_SECONDS = 10


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _stop_group(process: subprocess.Popen, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):  # already gone
        os.killpg(process.pid, sig)


def server_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The development server's environment. It serves each browser connection in a thread
    of its own, which would keep a database connection open for as long as the browser
    keeps the socket (minutes; dozens on PostgreSQL): unless told otherwise, it closes each
    at the end of its request."""
    return {**environ, "CONN_MAX_AGE": environ.get("CONN_MAX_AGE", "0")}


def main(address: str) -> int:
    signal.signal(signal.SIGTERM, _stop)
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
        for process in processes:
            _stop_group(process, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                _stop_group(process, signal.SIGKILL)
                process.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:8000"))
