"""The demo clinic in Chromium: `flask demo` on a fresh database behind gunicorn, then each
printed account signs in and sees the queue, a patient's trend and the refill worklist,
every page checked with axe-core."""

from __future__ import annotations

import subprocess
import sys

import pytest

from screener.db import db
from screener.models import Patient, Screening
from tests.browser.helpers import DESKTOP, Walker
from tests.demo import accounts
from tests.live import gunicorn, migrate, server_env

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """A fresh, migrated SQLite file filled by the demo command as a developer runs it;
    yields the server's URL, the printed accounts, and the patient with a trend."""
    folder = tmp_path_factory.mktemp("demo")
    database = f"sqlite:///{folder / 'demo.sqlite'}"
    env = server_env(database)
    for command in ("init-db", "demo"):  # as make demo runs them: init-db marks it
        made = subprocess.run([sys.executable, "-m", "flask", "--app", "screener", command],
                              env={**env, "SCREENER_DEVELOPMENT": "true"}, text=True,
                              capture_output=True, check=False)
        assert made.returncode == 0, made.stderr
    app = migrate(database)
    with app.app_context():
        linked = db.func.count(Screening.id)
        trend = db.session.execute(
            db.select(Patient.reference).join(Screening, Screening.patient_id == Patient.id)
            .group_by(Patient.reference).order_by(linked.desc()).limit(1)).scalar_one()
        db.engine.dispose()
    with gunicorn(env, folder / "gunicorn.log") as base:
        yield base, accounts(made.stdout), trend


@pytest.mark.parametrize("role", ["triage", "clinic", "admin"])
def test_each_demo_account_sees_the_queue_a_trend_and_the_refills(demo_server, open_page,
                                                                  role):
    base, printed, trend = demo_server
    username, password = printed[role]
    staff = Walker(open_page(viewport=DESKTOP), base)
    staff.goto("/staff/sign-in")
    staff.fill({"username": username, "password": password})
    staff.press("Sign in")
    page = staff.page
    assert staff.path() == "/staff/"
    assert page.locator("tbody a[href*='/staff/screenings/']").count() >= 4

    staff.goto("/staff/patients")
    page.get_by_role("link", name=trend, exact=True).click()
    page.wait_for_url("**/staff/patients/*")
    staff.check()
    chart = page.locator("svg.chart")
    assert chart.is_visible() and chart.locator("path[transform]").count() >= 2
    assert chart.locator("text.band").all_text_contents() == [
        "Emergency", "Urgent", "Soon", "Routine"]
    assert "Refill" in chart.locator("text.mark").all_text_contents()  # the demo's refill
    assert chart_text_overlaps(page) == []

    staff.goto("/staff/refills")
    rows = page.locator("tbody tr").all_inner_texts()
    assert any("Booked refill missed" in row for row in rows)
    assert any("Runs empty in" in row for row in rows)
    assert all("DEMO-" in row for row in rows)


def chart_text_overlaps(page) -> list[list[str]]:
    """Pairs of the chart's texts whose boxes, as Chromium lays them out, overlap."""
    return page.evaluate("""() => {
      const boxes = [...document.querySelectorAll("svg.chart text")]
        .map(t => [t.textContent, t.getBBox()]);
      const apart = (a, b) => a.x + a.width <= b.x || b.x + b.width <= a.x
                              || a.y + a.height <= b.y || b.y + b.height <= a.y;
      return boxes.flatMap(([n, a], i) => boxes.slice(i + 1)
        .filter(([, b]) => !apart(a, b)).map(([m]) => [n, m]));
    }""")
