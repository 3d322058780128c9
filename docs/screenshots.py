"""Screenshots for the README: the reading page at 1366 and 390 pixels wide, and a
claim's page, search, the review queue and the history chain's status at 1366.

Rerun when the page changes:

    .venv/bin/python docs/screenshots.py

It builds a throw-away database with the demo workspace (`load_demo`), starts the
development server on a free port of 127.0.0.1, logs in as the demo analyst and
then as the demo reviewer in Debian's Chromium (Playwright) and writes
docs/screenshots/*.png. Nothing outside
a temporary directory and docs/screenshots is touched.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
WIDE = {"width": 1366, "height": 900}
NARROW = {"width": 390, "height": 844}
CLAIM = "Shelling put the Tell al-Zaytoun water station out of service."


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    command = [sys.executable, str(ROOT / "manage.py"), *args]
    done = subprocess.run(  # noqa: S603 (our own manage.py with fixed arguments)  # nosec B603
        command, env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    return done.stdout


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (our own server on 127.0.0.1)  # nosec B310
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def log_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def snap(page, name: str) -> None:
    page.evaluate("document.fonts.ready")
    page.screenshot(path=OUT / name)


def shoot(base: str, logins: dict[str, str]) -> None:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("Chromium is not installed (apt-get install -y chromium)")
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport=WIDE, device_scale_factor=1)
        log_in(page, base, "demo-analyst", logins["demo-analyst"])
        page.goto(f"{base}/w/demo/")
        title = "Water station in Tell al-Zaytoun out of service after shelling"
        page.get_by_role("link", name=title).first.click()
        page.wait_for_selector("#reading[data-ready=true]")
        reading = page.url

        page.locator("#sidebar-filters > summary").click()
        snap(page, "reading-1366.png")

        page.set_viewport_size(NARROW)
        page.goto(reading)
        page.wait_for_selector("#reading[data-ready=true]")
        snap(page, "reading-390.png")
        page.get_by_role("button", name="Annotations and evidence").click()
        page.wait_for_timeout(400)  # the panel slides in
        page.screenshot(path=OUT / "reading-390-sidebar.png")

        page.set_viewport_size(WIDE)
        page.goto(f"{base}/w/demo/claims/")
        page.get_by_role("link", name=CLAIM).first.click()
        snap(page, "claim-1366.png")
        page.goto(f"{base}/search/?q=water+station")
        snap(page, "search-1366.png")

        page = browser.new_page(viewport=WIDE, device_scale_factor=1)
        log_in(page, base, "demo-reviewer", logins["demo-reviewer"])
        page.goto(f"{base}/w/demo/review/")
        snap(page, "review-1366.png")
        page.goto(f"{base}/w/demo/audit/")
        page.get_by_role("button", name="Verify now").click()
        page.wait_for_load_state()
        snap(page, "audit-1366.png")
        browser.close()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="warrant-screenshots-") as tmp:
        env = {
            **os.environ,
            "DEBUG": "true",  # the development server serves the static files
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": f"sqlite:///{tmp}/db.sqlite3",
            "VAR_DIR": tmp,
        }
        manage(env, "migrate", "--verbosity", "0")
        logins = manage(env, "load_demo")
        passwords = dict(re.findall(r"(demo-\w+) / (\S+)", logins))
        port = free_port()
        server = subprocess.Popen(  # noqa: S603 (our own manage.py)  # nosec B603
            [sys.executable, str(ROOT / "manage.py"), "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(f"{base}/accounts/login/")
            shoot(base, passwords)
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"Wrote {', '.join(sorted(p.name for p in OUT.glob('*.png')))} to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
