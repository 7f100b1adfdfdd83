"""Browser tests: Debian's Chromium driven by Playwright against the app under gunicorn.

No browser is ever downloaded: Playwright launches /usr/bin/chromium. Without it the tests
skip locally with the reason and fail in CI (CI=true), where `.ci/run` installs it.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from flask_migrate import upgrade

from screener import create_app
from screener.db import MIGRATIONS
from tests.pages import PASSWORD, add_user

CHROMIUM = os.environ.get("SCREENER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The app under gunicorn (2 workers) on a fresh SQLite file; yields its base URL."""
    folder = tmp_path_factory.mktemp("browser")
    database = f"sqlite:///{folder / 'browser.sqlite'}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database})  # to seed it
    with app.app_context():
        upgrade(directory=str(MIGRATIONS))  # as the README's set-up does
    for role in ("triage", "clinic"):
        add_user(app, role, role)
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database,
           "SCREENER_SECRET_KEY": secrets.token_hex(32)}
    # The admin is made as a new clinic would: with the command, the password on its prompt.
    created = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "screener", "create-user", "--username",
         "admin", "--name", "Admin Admin", "--role", "admin"], env=env, text=True,
        input=f"{PASSWORD}\n{PASSWORD}\n", capture_output=True, check=False)
    assert created.returncode == 0 and PASSWORD not in created.stdout, created.stderr
    log = (folder / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "screener:create_app()"], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=1) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.1)
    else:
        process.terminate()
        log.close()
        pytest.fail(f"gunicorn did not start: {(folder / 'gunicorn.log').read_text()}")
    yield base
    process.terminate()
    process.wait(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message + " (set CI=true to make this a failure)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def open_page(browser, request):
    """Make pages in fresh browser contexts; a failing test saves a screenshot of each."""
    made = []

    def make(**context_options):
        context = browser.new_context(**{"viewport": PHONE, **context_options})
        page = context.new_page()
        page.set_default_timeout(10_000)
        made.append((context, page))
        return page

    yield make
    failed = getattr(request.node, "report_call", None)
    for index, (context, page) in enumerate(made):
        if failed is not None and failed.failed:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{index}.png"), full_page=True)
        context.close()


@pytest.fixture
def page(open_page):
    return open_page()

