"""Browser tests: Debian's Chromium driven by Playwright against the app under gunicorn.

No browser is ever downloaded: Playwright launches /usr/bin/chromium. Without it the tests
skip locally with the reason and fail in CI (CI=true), where `.ci/run` installs it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.live import gunicorn, migrate, server_env
from tests.pages import PASSWORD, add_user
from tests.services import CHROMIUM, require

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
PHONE = {"width": 390, "height": 844}
SERVICE = {"clinic_name": "the Example pump clinic", "clinic_phone": "0161 496 0000",
           "reads_checks": True, "reads_when": "within 2 working hours, Monday to Friday"}


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The app under gunicorn (2 workers) on a fresh, migrated SQLite file; yields its URL."""
    folder = tmp_path_factory.mktemp("browser")
    database = f"sqlite:///{folder / 'browser.sqlite'}"
    app = migrate(database)
    for role in ("triage", "clinic"):
        add_user(app, role, role)
    # A service whose clinic reads the checks, so a caregiver may leave a number to call.
    env = server_env(database, SCREENER_SERVICE=json.dumps(SERVICE))
    # The admin is made as a new clinic would: with the command, the password on its prompt.
    created = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "screener", "create-user", "--username",
         "admin", "--name", "Admin Admin", "--role", "admin"], env=env, text=True,
        input=f"{PASSWORD}\n{PASSWORD}\n", capture_output=True, check=False)
    assert created.returncode == 0 and PASSWORD not in created.stdout, created.stderr
    with gunicorn(env, folder / "gunicorn.log") as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    require("chromium")
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

