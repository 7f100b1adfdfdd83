"""The triage worklist in Chromium (issue 24, item 5): dense rows on a desk screen, the lane
of checks with no number, and the timeout warning, with a note typed when the session ends
kept through signing in again. axe-core on every page seen, the warning shown included."""

from __future__ import annotations

import json

import pytest

from screener.db import db
from screener.models import Screening, ScreeningAction
from tests.browser.helpers import Walker
from tests.journeys import CLINIC, OUTCOMES
from tests.live import gunicorn, migrate, server_env
from tests.pages import PASSWORD, add_user

pytestmark = pytest.mark.browser

DESK = {"width": 1280, "height": 800}  # the screen UX walk 2 counted 3 rows on
IDLE, WARN = 24, 18  # seconds: the session ends after 24 idle, the warning shows after 6
NOTE = "Spoke to his mother: alarm beeping since noon; bringing him in at 4"


@pytest.fixture(scope="module")
def worklist(tmp_path_factory):
    """A server whose sessions end after IDLE seconds, with 20 checks to call and 3 with no
    number; yields its URL and the app (on the same database) to read what was saved."""
    folder = tmp_path_factory.mktemp("worklist")
    database = f"sqlite:///{folder / 'worklist.sqlite'}"
    app = migrate(database)
    add_user(app, "nurse", "triage")
    env = server_env(database, SCREENER_SERVICE=json.dumps(CLINIC),
                     SCREENER_STAFF_IDLE_SECONDS=str(IDLE),
                     SCREENER_STAFF_IDLE_WARNING_SECONDS=str(WARN))
    with gunicorn(env, folder / "gunicorn.log") as base:
        client = app.test_client()
        levels = ["urgent", "soon", "routine", "emergency"]
        for n in range(23):
            answers = OUTCOMES[levels[n % 4]]
            public_id = client.post("/api/v1/screenings", json=answers).get_json()["id"]
            if n >= 3:
                with app.app_context():
                    db.session.execute(db.update(Screening).filter_by(public_id=public_id)
                                       .values(callback_phone=f"07700 900{n:03d}"))
                    db.session.commit()
        yield base, app


def _sign_in(walker: Walker) -> None:
    walker.fill({"username": "nurse", "password": PASSWORD})
    walker.press("Sign in")


def _save(staff: Walker) -> None:
    with staff.page.expect_navigation():
        staff.page.get_by_role("button", name="Save", exact=True).click()
    staff.check()


def test_at_least_12_rows_show_on_a_desk_screen_and_the_other_lane_is_a_tap_away(
        worklist, open_page):
    base, _ = worklist
    staff = Walker(open_page(viewport=DESK), base)
    staff.goto("/staff/sign-in")
    _sign_in(staff)
    assert staff.path() == "/staff/"
    staff.check()
    rows = staff.page.locator("#queue-results tbody tr")
    whole = [box for box in (rows.nth(i).bounding_box() for i in range(rows.count()))
             if box and box["y"] + box["height"] <= DESK["height"]]
    assert len(whole) >= 12, len(whole)
    lanes = staff.page.locator("#queue-lanes a").all_inner_texts()
    assert lanes == ["To call (20)", "No number to call (3)"]
    staff.page.get_by_role("link", name="No number to call (3)").click()
    staff.check()
    assert staff.page.locator("#queue-results tbody tr").count() == 3
    assert set(staff.page.locator("td[data-label='Contact']").all_inner_texts()) == {
        "No number"}


def test_the_timeout_warning_and_a_note_kept_through_signing_in_again(worklist, open_page):
    base, app = worklist
    staff = Walker(open_page(viewport=DESK), base)
    staff.goto("/staff/sign-in")
    _sign_in(staff)
    staff.page.locator("#queue-results tbody a[href*='/staff/screenings/']").first.click()
    page = staff.page
    screening_path = staff.path()
    public_id = screening_path.rsplit("/", 1)[1]
    page.check("input[name='kind'][value='no_answer']")
    page.check("input[name='next_try'][value='30']")
    page.fill("textarea[name='note']", NOTE)
    warning = page.locator("#timeout-warning")
    warning.wait_for(state="visible", timeout=(IDLE - WARN + 10) * 1000)
    assert warning.get_attribute("role") == "alert"
    assert "You will be signed out soon" in warning.inner_text()
    staff.check()  # axe with the warning shown
    page.get_by_role("button", name="Stay signed in").click()
    warning.wait_for(state="hidden")
    assert page.input_value("textarea[name='note']") == NOTE  # nothing typed disturbed
    assert staff.path() == screening_path
    # Let it end this time: the page says so, and the note is still on it.
    page.wait_for_function("() => document.getElementById('timeout-warning').innerText"
                           ".includes('You have been signed out')", timeout=(IDLE + 20) * 1000)
    assert page.input_value("textarea[name='note']") == NOTE
    _save(staff)
    assert staff.path() == "/staff/sign-in"
    assert "What you typed is kept" in page.locator("main").inner_text()
    with app.app_context():
        assert db.session.scalars(db.select(ScreeningAction)).all() == []
    _sign_in(staff)
    assert staff.path() == screening_path  # back on the screening, not the start page
    staff.check()
    assert page.input_value("textarea[name='note']") == NOTE
    assert page.is_checked("input[name='kind'][value='no_answer']")
    assert "Not saved yet." in page.locator("#kept-note").inner_text()
    _save(staff)
    assert "Saved." in page.locator("main").inner_text()
    with app.app_context():
        action = db.session.scalars(db.select(ScreeningAction)).one()
        assert (action.kind, action.note, action.screening.public_id) == (
            "no_answer", NOTE, public_id)


def test_a_handover_refused_then_closed(worklist, open_page):
    """The incoming nurse misses one check: the summary links to it; then every check read
    and owned closes the handover. axe on both pages."""
    base, app = worklist
    staff = Walker(open_page(viewport=DESK), base)
    staff.goto("/staff/sign-in")
    _sign_in(staff)
    staff.goto("/staff/handover")
    page = staff.page
    checks = page.locator(".handover-check")
    count = checks.count()
    assert count >= 2  # the worklist's urgent and emergency checks
    for n in range(1, count):
        page.check(f"#read_{n}")
        page.select_option(f"#owner_{n}", label="Nurse Triage")
    page.select_option("#owner_0", value="")  # the first: neither read nor owned
    staff.press("Close the handover")
    summary = page.locator(".error-summary a")
    assert [summary.nth(i).get_attribute("href") for i in range(summary.count())] == [
        "#read_0", "#owner_0"]
    assert page.locator("#read_1").is_checked()  # what was answered is kept
    page.check("#read_0")
    page.select_option("#owner_0", label="Nurse Triage")
    staff.press("Close the handover")
    assert staff.path() == "/staff/"
    assert "Handover closed" in page.locator("main").inner_text()
