"""Walk the reference journeys of the caregiver check in Chromium and print what each costs.

Run: .venv/bin/python scripts/journeys.py [--json] [--pages]
(needs Debian's chromium, /usr/bin/chromium: scripts/ensure-chromium.sh installs it)

A person answers what they know (the journey's answers below), leaves the rest blank, and
answers only what a page then insists on, with "I don't know". The pages are read as a phone
shows them (390x844, JavaScript on), and for each journey it prints:
- minutes: what a calm reader needs to REACH the outcome: every word shown in <main> on
  every page before it (the start page and any page shown again with errors included;
  visible words only: not a closed <details>, a follow-up not revealed, or text for screen
  readers) at 200 words a minute, plus 2 s a tap;
- taps: every choice ticked, number typed and button pressed (Start, each Continue);
- words, screens (distinct pages before the outcome, the start page included) and loads;
- tallest: the tallest page before the outcome, in CSS pixels at 390x844.
The walk is generic (it reads each page's form), so it measures whatever the flow is.
"""

from __future__ import annotations

import json
import logging
import sys
import tempfile
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from werkzeug.serving import make_server  # noqa: E402

from screener import create_app  # noqa: E402
from screener.db import db  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"width": 390, "height": 844}
WORDS_A_MINUTE, SECONDS_A_TAP = 200, 2
TWO_SCREENS = 2 * PHONE["height"]  # the tallest a question page may be (issue 23)

# What each person knows and does. Keys are form field names; a list ticks boxes wherever
# they are offered ("signs" on the first page). A field a version of the check does not ask
# (the kinds of change before issue 23) is left alone.
JOURNEYS = {
    "pump alarm with early signs": {
        "age_years": "34", "route": "intrathecal", "pump_alarm": "yes", "alarm_type": "unknown",
        "refill_overdue": "yes", "recent_refill_or_programming_change": "no",
        "recent_pump_or_catheter_surgery": "no", "recent_mri": "no", "pump_battery_low": "no",
        "changes": ["muscles", "body"], "symptoms": ["rebound_spasticity", "pruritus"],
        "respondent": "caregiver",
    },
    "tablets run out, hallucinations": {
        "age_years": "52", "route": "oral", "ran_out_of_medication": "yes", "abrupt_stop": "yes",
        "missed_doses": "yes", "took_more_than_prescribed": "no",
        "changes": ["mind"], "symptoms": ["hallucinations"], "respondent": "caregiver",
    },
    "all well after a refill": {
        "age_years": "12", "route": "intrathecal", "pump_alarm": "no", "refill_overdue": "no",
        "recent_refill_or_programming_change": "yes", "recent_pump_or_catheter_surgery": "no",
        "recent_mri": "no", "pump_battery_low": "no", "changes": ["none"],
        "symptoms": ["none"], "respondent": "caregiver",
    },
    "emergency sign on page 1": {"signs": ["reduced_consciousness"]},
    # UX walk 2, journey (e): a child of 9 with a pump and a fever of 38.6 °C.
    "child with a pump and a fever": {
        "age_years": "9", "route": "intrathecal", "changes": ["temperature_heart"],
        "symptoms": ["fever"], "temperature": "38.6", "temperature_unit": "c",
        "respondent": "caregiver",
    },
}

# The words a person sees in <main>: text nodes whose element is rendered (not inside a
# closed <details>, a hidden follow-up or display: none) and not for screen readers only.
VISIBLE_WORDS = """() => {
  const main = document.querySelector("main");
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  const parts = [];
  while (walker.nextNode()) {
    const element = walker.currentNode.parentElement;
    if (element.closest(".visually-hidden") || !element.checkVisibility()) continue;
    parts.push(walker.currentNode.textContent);
  }
  return (parts.join(" ").match(/[\\p{L}\\p{N}]+(['\u2019][\\p{L}]+)*/gu) || []).length;
}"""
FIELDS = """() => [...document.querySelectorAll("main form input")].filter(
  i => i.name && i.type !== "hidden").map(i => [i.name, i.type, i.value, i.checkVisibility()])"""


@dataclass
class Cost:
    outcome: str = ""
    screens: int = 0
    loads: int = 0
    taps: int = 0
    words: int = 0
    tallest: int = 0  # px at 390x844, the tallest page before the outcome
    pages: list = field(default_factory=list, repr=False)  # (path, words, height) each load

    @property
    def minutes(self) -> float:
        return round(self.words / WORDS_A_MINUTE + self.taps * SECONDS_A_TAP / 60, 1)


def _fill(page, knows: dict, page_id: str) -> int:
    """Enter what the person knows on this page; the taps it took (Continue not counted)."""
    taps = 0
    boxes: dict[str, list[str]] = {}
    for name, kind, value, visible in page.evaluate(FIELDS):
        known = knows.get("signs" if page_id == "emergency-signs" and name == "symptoms"
                          else name)
        if kind == "checkbox" and value != "y":
            boxes.setdefault(name, []).append(value)
        elif known is None or not visible:
            continue
        elif kind == "radio" and value == known:
            page.check(f"main input[name='{name}'][value='{value}']")
            taps += 1
        elif kind == "checkbox" and known:  # a single box ("I don't know their age")
            page.check(f"main input[name='{name}']")
            taps += 1
        elif kind in ("text", "tel"):
            page.fill(f"main input[name='{name}']", str(known))
            taps += 1
    for name, offered in boxes.items():
        known = knows.get("signs" if page_id == "emergency-signs" and name == "symptoms"
                          else name) or []
        ticks = [v for v in known if v in offered and v != "none"] or ["none"]
        for value in ticks:
            page.check(f"main input[name='{name}'][value='{value}']")
        taps += len(ticks)
    return taps


def _insist(page) -> int:
    """Answer "I don't know" to each question an error summary names; the taps it took."""
    taps = 0
    for anchor in page.eval_on_selector_all(".error-summary a", "as => as.map(a => a.hash)"):
        name = page.locator(anchor).get_attribute("name")
        unknown = page.locator(f"main input[name='{name}'][value='unknown']")
        if unknown.count():
            unknown.check()
            taps += 1
    return taps


def walk(page, base: str, knows: dict) -> Cost:
    cost = Cost()
    seen: set[str] = set()

    def look() -> None:
        seen.add(page.url.split("?")[0])
        words, height = page.evaluate(VISIBLE_WORDS), page.evaluate(
            "document.documentElement.scrollHeight")
        cost.loads += 1
        cost.words += words
        cost.tallest = max(cost.tallest, height)
        cost.pages.append((page.url.removeprefix(base), words, height))

    def press() -> None:
        with page.expect_navigation():
            page.locator("main form button[type=submit]").last.click()
        cost.taps += 1

    page.goto(base + "/")
    look()
    press()  # Start now
    refused = 0
    while "/check/" in page.url:
        look()
        page_id = page.url.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
        cost.taps += _insist(page) if page.locator(".error-summary").count() else _fill(
            page, knows, page_id)
        refused = refused + 1 if page.locator(".error-summary").count() else 0
        if refused > 3:
            raise AssertionError(f"{page.url} kept refusing")
        press()
    cost.outcome = page.locator(".care-card-level").inner_text().rstrip(":").strip().title()
    cost.screens = len(seen)
    return cost


def serve() -> str:
    """The app on a fresh SQLite file, in this process (the default service profile)."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    workdir = tempfile.mkdtemp()
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir}/journeys.sqlite",
                      "SECRET_KEY": "journeys", "RATELIMIT_ENABLED": False,
                      "DEVELOPMENT": True})
    with app.app_context():
        from screener import journey, models  # noqa: F401

        db.create_all()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}"


def measure(browser, base: str | None = None) -> dict[str, Cost]:
    """Every journey, each in a fresh phone-sized browser context."""
    base = base or serve()
    costs = {}
    for name, knows in JOURNEYS.items():
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        page.set_default_timeout(10_000)
        costs[name] = walk(page, base, knows)
        context.close()
    return costs


def main() -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        costs = measure(browser)
        browser.close()
    if "--pages" in sys.argv:  # each page load: its words and height
        for name, c in costs.items():
            print(name)
            for path, words, height in c.pages:
                print(f"  {path:40} {words:5} words {height:6} px")
    if "--json" in sys.argv:
        print(json.dumps({n: {**asdict(c), "minutes": c.minutes} for n, c in costs.items()},
                         indent=2))
        return
    print(f"{'journey':32} {'outcome':9} {'screens':>7} {'loads':>5} {'taps':>4} "
          f"{'words':>5} {'tallest':>7} {'minutes':>7}")
    for name, c in costs.items():
        print(f"{name:32} {c.outcome:9} {c.screens:7} {c.loads:5} {c.taps:4} {c.words:5} "
              f"{c.tallest:5} px {c.minutes:7}")


if __name__ == "__main__":
    main()
