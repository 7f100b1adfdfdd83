"""Take the README's screenshots in headless Chromium (Debian's chromium): the caregiver's
pages at 390 px wide (a phone), and the staff side at 1280 px, filled by the demo clinic
(screener/demo.py, as `flask --app screener demo` makes it).

Run: .venv/bin/python scripts/screenshots.py   (needs: apt-get install -y chromium;
pip install playwright; no browser download). Writes docs/screenshots/*.png.
"""

from __future__ import annotations

import logging
import sys
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parent))

from journeys import JOURNEYS, PHONE, walk  # noqa: E402  (scripts/journeys.py)

from screener import create_app  # noqa: E402
from screener.db import db  # noqa: E402
from screener.demo import make_demo_clinic  # noqa: E402
from screener.journey import views  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
TREND = "DEMO-0003"  # the demo patient whose follow-up calls draw a trend
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

# The six caregiver journeys of UX walk 2, (a) to (f): walked by scripts/journeys.py's
# generic walker with the UK profile below, each outcome's FIRST SCREEN kept as a phone
# shows it (issue 23: the action and its call button must be on it).
SIX = {
    "a-pump-alarm": JOURNEYS["pump alarm with early signs"],
    "b-tablets-run-out": JOURNEYS["tablets run out, hallucinations"],
    "c-all-well-after-refill": JOURNEYS["all well after a refill"],
    "d-seizure-now": {"signs": ["seizure"]},
    "e-child-pump-fever": JOURNEYS["child with a pump and a fever"],
    "f-mostly-dont-know": {"age_years": "45", "route": "unknown", "changes": ["muscles"],
                           "symptoms": ["rebound_spasticity"], "respondent": "caregiver"},
}
OUTCOMES = {  # the README's full-length outcome of each level
    "routine": "c-all-well-after-refill", "urgent": "a-pump-alarm",
    "emergency": "b-tablets-run-out",
    "soon": {"age_years": "60", "route": "oral", "ran_out_of_medication": "no",
             "missed_doses": "yes", "changes": ["none"], "respondent": "caregiver"},
}
# A UK pump clinic open every day from 8am to 8pm (so the urgent card offers the clinic in
# the daytime and NHS 111 at night), reading checks within 2 working hours.
UK_PROFILE = {
    "clinic_name": "the Demo pump clinic", "clinic_phone": "0161 496 0000",
    "time_zone": "Europe/London",
    "opening_hours": {day: "08:00-20:00" for day in (
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")},
    "out_of_hours_name": "NHS 111", "out_of_hours_phone": "111",
    "emergency_numbers": ["999"], "reads_checks": True,
    "reads_when": "within 2 working hours, Monday to Friday, 8am to 6pm",
}


def serve():
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    workdir = tempfile.mkdtemp()
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir}/shots.sqlite",
                      "SECRET_KEY": "screenshots", "DEVELOPMENT": True,
                      "RATELIMIT_ENABLED": False, "SERVICE": UK_PROFILE})
    with app.app_context():
        from screener import journey, models  # noqa: F401

        db.create_all()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return app, server, f"http://127.0.0.1:{server.server_port}"


def at(hour: int) -> None:
    """The outcome's clock (it chooses the clinic or NHS 111 when the page is shown): a
    winter Wednesday at `hour`, UK time (GMT)."""
    views.utc_now = lambda: datetime(2026, 12, 2, hour, 5, tzinfo=UTC)


def staff_shots(browser, app, base: str) -> None:
    """The demo clinic as its clinic nurse sees it: the queue, a screening, a patient's
    timeline and the refill worklist."""
    with app.app_context():
        username, password = make_demo_clinic()["clinic"]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base + "/staff/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/")
    page.screenshot(path=OUT / "staff-queue.png", full_page=True)
    page.locator("tbody a[href*='/staff/screenings/']").first.click()
    page.wait_for_url("**/staff/screenings/*")
    page.screenshot(path=OUT / "staff-screening.png")  # the top: level, why, call script
    page.goto(base + "/staff/patients")
    page.get_by_role("link", name=TREND, exact=True).click()
    page.wait_for_url("**/staff/patients/*")
    page.screenshot(path=OUT / "staff-timeline.png", full_page=True)
    page.goto(base + "/staff/refills")
    page.screenshot(path=OUT / "staff-refills.png", full_page=True)
    page.close()


def caregiver_shots(browser, base: str) -> None:
    """The six journeys' outcomes as their first screen on a phone; the start, a question
    and an error page; and each level's whole outcome for the README."""
    outcomes = {}
    for name, knows in SIX.items():
        at(14)
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        if name.startswith("a-"):
            page.goto(base + "/")
            page.screenshot(path=OUT / "start-page.png", full_page=True)
        cost = walk(page, base, knows)
        page.screenshot(path=OUT / f"journey-{name}.png")  # the first screen only
        if name.startswith("a-"):  # the same result at 2am: NHS 111, not the clinic
            at(2)
            page.reload()
            page.screenshot(path=OUT / f"journey-{name}-at-night.png")
            at(14)
            page.reload()
        outcomes[name] = page.url
        print(f"({name[0]}) {name[2:]}: {cost.outcome}, {cost.minutes} min")
        context.close()
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    for level, journey in OUTCOMES.items():
        if isinstance(journey, dict):
            walk(page, base, journey)
        else:
            page.goto(outcomes[journey])
        heading = page.locator("h1").inner_text()
        assert level in heading.lower(), (level, heading)
        page.screenshot(path=OUT / f"outcome-{level}.png", full_page=True)
    page.goto(base + "/")
    page.locator("main form button[type=submit]").last.click()  # Start now
    page.locator("main form button[type=submit]").last.click()  # nothing chosen: an error
    page.wait_for_selector(".error-summary")
    page.screenshot(path=OUT / "error-page.png", full_page=True)
    page.get_by_label("None of these").check()
    page.locator("main form button[type=submit]").last.click()
    page.screenshot(path=OUT / "question-page.png", full_page=True)
    context.close()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    app, server, base = serve()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            caregiver_shots(browser, base)
            staff_shots(browser, app, base)
            browser.close()
    finally:
        server.shutdown()
    print("\n".join(sorted(str(p.relative_to(OUT.parent.parent)) for p in OUT.glob("*.png"))))


if __name__ == "__main__":
    main()
