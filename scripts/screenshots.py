"""Take the README's screenshots in headless Chromium (Debian's chromium): the caregiver's
pages at 390 px wide (a phone), and the staff side at 1280 px, filled by the demo clinic
(screener/demo.py, as `flask --app screener demo` makes it).

Run: .venv/bin/python scripts/screenshots.py   (needs: apt-get install -y chromium;
pip install playwright; no browser download). Writes docs/screenshots/*.png.
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from screener import create_app
from screener.db import db
from screener.demo import make_demo_clinic

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
TREND = "DEMO-0003"  # the demo patient whose follow-up calls draw a trend
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

OUTCOMES = {
    "routine": {"route": "oral", "symptoms": [], "tablets": "no"},
    "soon": {"route": "oral", "symptoms": ["muscle_spasms", "anxiety"], "tablets": "no"},
    "urgent": {"route": "intrathecal", "symptoms": ["pruritus"], "pump_alarm": "yes"},
    "emergency": {"route": "intrathecal", "symptoms": ["fever", "muscle_rigidity"]},
}


def serve():
    workdir = tempfile.mkdtemp()
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir}/shots.sqlite",
                      "SECRET_KEY": "screenshots", "DEVELOPMENT": True})
    with app.app_context():
        from screener import journey, models  # noqa: F401

        db.create_all()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return app, server, f"http://127.0.0.1:{server.server_port}"


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


def answer_radios(page, value: str) -> None:
    for radio in page.locator(f"input[type=radio][value='{value}']").all():
        if radio.is_visible():  # a follow-up shows only after the answer that needs it
            radio.check()


def walk(page, base: str, case: dict, shots: bool = False) -> None:
    page.goto(base + "/")
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("None of these").check()
    page.get_by_role("button", name="Continue").click()
    if shots:
        page.get_by_role("button", name="Continue").click()  # nothing chosen: the error page
        page.screenshot(path=OUT / "error-page.png", full_page=True)
    page.locator(f"input[name=route][value={case['route']}]").check()
    page.get_by_role("button", name="Continue").click()
    while "/check/" in page.url and not page.url.endswith(("/vitals", "/about")):
        if page.url.endswith("/symptoms"):
            if shots:
                page.screenshot(path=OUT / "question-page.png", full_page=True)
            for symptom in case["symptoms"] or ["none"]:
                page.locator(f"input[name=symptoms][value={symptom}]").check()
        else:
            answer_radios(page, case.get("tablets", "unknown"))
            for name, value in ((k, v) for k, v in case.items() if isinstance(v, str)):
                if page.locator(f"input[name={name}][value={value}]").count():
                    page.locator(f"input[name={name}][value={value}]").check()
        page.get_by_role("button", name="Continue").click()
    if page.url.endswith("/vitals"):  # else the answers so far already meant emergency
        page.get_by_role("button", name="Continue").click()  # none measured
    if page.url.endswith("/about"):
        page.locator("input[name=respondent][value=caregiver]").check()
        page.get_by_role("button", name="Get the result").click()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    app, server, base = serve()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for level, case in OUTCOMES.items():
                page = browser.new_page(viewport={"width": 390, "height": 844})
                if level == "routine":
                    page.goto(base + "/")
                    page.screenshot(path=OUT / "start-page.png", full_page=True)
                walk(page, base, case, shots=level == "routine")
                assert level in page.locator("h1").inner_text().lower(), page.url
                page.screenshot(path=OUT / f"outcome-{level}.png", full_page=True)
                page.close()
            staff_shots(browser, app, base)
            browser.close()
    finally:
        server.shutdown()
    print("\n".join(sorted(str(p.relative_to(OUT.parent.parent)) for p in OUT.glob("*.png"))))


if __name__ == "__main__":
    main()
