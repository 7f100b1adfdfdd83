"""Walk the four reference journeys of the caregiver check and print what each costs.

Run: .venv/bin/python scripts/journeys.py [--json]

A person answers what they know (the journey's answers below), leaves the rest blank, and
answers only what a page then insists on, with "I don't know". For each journey it prints:
- screens: distinct pages from the start page to the outcome, both included;
- loads: page loads, error re-renders included;
- taps: radios and boxes chosen, numbers typed, buttons pressed (Start and each Continue);
- words: words shown in <main> on every page load (what a person has to read or skip; not
  the inside of a closed <details> or hidden text);
- minutes: an estimate, reading half the words at 180 a minute plus 2 s a tap.
The walk is generic (it reads each page's form), so it measures whatever the flow is.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import html5lib

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from screener import create_app  # noqa: E402
from screener.db import db  # noqa: E402

# What each person knows and does. Keys are form field names; a list ticks boxes.
JOURNEYS = {
    "pump alarm with early signs": {
        "age_years": "34", "route": "intrathecal", "pump_alarm": "yes", "alarm_type": "unknown",
        "refill_overdue": "yes", "recent_refill_or_programming_change": "no",
        "recent_pump_or_catheter_surgery": "no", "recent_mri": "no", "pump_battery_low": "no",
        "symptoms": ["rebound_spasticity", "pruritus"], "respondent": "caregiver",
    },
    "tablets run out, hallucinations": {
        "age_years": "52", "route": "oral", "ran_out_of_medication": "yes", "abrupt_stop": "yes",
        "missed_doses": "yes", "took_more_than_prescribed": "no",
        "symptoms": ["hallucinations"], "respondent": "caregiver",
    },
    "all well after a refill": {
        "age_years": "12", "route": "intrathecal", "pump_alarm": "no", "refill_overdue": "no",
        "recent_refill_or_programming_change": "yes", "recent_pump_or_catheter_surgery": "no",
        "recent_mri": "no", "pump_battery_low": "no", "symptoms": ["none"],
        "respondent": "caregiver",
    },
    "emergency sign on page 1": {"signs": ["reduced_consciousness"]},
}


@dataclass
class Cost:
    outcome: str = ""
    screens: int = 0
    loads: int = 0
    taps: int = 0
    words: int = 0

    @property
    def minutes(self) -> float:
        return round((self.words / 2) / 180 + self.taps * 2 / 60, 1)


def _tree(html: bytes):
    return html5lib.parse(html, namespaceHTMLElements=False)


def _words(tree) -> int:
    """Words a person sees in <main>: not the inside of a closed <details> (its summary
    only), nor anything hidden."""
    main = tree.find(".//main")
    return len(re.findall(r"\w+", " ".join(_visible_text(main)))) if main is not None else 0


def _visible_text(element):
    if element.get("hidden") is not None or "visually-hidden" in (element.get("class") or ""):
        yield element.tail or ""
        return
    yield element.text or ""
    closed = element.tag == "details" and element.get("open") is None
    for child in element:
        if closed and child.tag != "summary":
            yield child.tail or ""
            continue
        yield from _visible_text(child)
    yield element.tail or ""


def _form(tree):
    main = tree.find(".//main")
    return next(f for f in main.iter("form") if f.get("method", "").lower() == "post")


def _fields(form) -> dict[str, str]:
    """Each named input on the form and its type."""
    return {i.get("name"): i.get("type", "text") for i in form.iter("input") if i.get("name")}


def _answers(fields: dict[str, str], knows: dict, page_id: str) -> tuple[dict, int]:
    """What the person enters on this page from what they know, and the taps it takes."""
    data: dict = {}
    taps = 1  # Continue
    for name, kind in fields.items():
        known = knows.get("signs" if page_id == "emergency-signs" and name == "symptoms"
                          else name)
        if name == "csrf_token" or known is None:
            continue
        if kind == "checkbox":
            data[name] = list(known)
            taps += len(known)
        elif kind == "radio":
            data[name] = known
            taps += 1
        else:
            data[name] = str(known)
            taps += 1
    if page_id == "emergency-signs" and "symptoms" not in data:
        data["symptoms"] = ["none"]
        taps += 1
    return data, taps


def _insisted(tree) -> list[str]:
    """The fields an error summary asks for (their anchors)."""
    summary = tree.find(".//*[@class='error-summary']")
    if summary is None:
        return []
    return [a.get("href", "#")[1:] for a in summary.iter("a")]


def walk(client, knows: dict) -> Cost:
    cost = Cost()
    seen: set[str] = set()

    def load(path: str):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        tree = _tree(response.data)
        seen.add(path.split("?")[0])
        cost.loads += 1
        cost.words += _words(tree)
        return tree

    tree = load("/")
    token = next(i.get("value") for i in tree.iter("input") if i.get("name") == "csrf_token")
    location = client.post("/start", data={"csrf_token": token}).location
    cost.taps += 1
    while not location.startswith("/result/"):
        tree = load(location)
        form = _form(tree)
        fields = _fields(form)
        page_id = location.rstrip("/").rsplit("/", 1)[-1]
        data, taps = _answers(fields, knows, page_id)
        for _attempt in range(3):
            token = next(i.get("value") for i in form.iter("input")
                         if i.get("name") == "csrf_token")
            response = client.post(form.get("action"), data={**data, "csrf_token": token})
            cost.taps += taps
            if response.status_code == 303:  # refused: the page comes back by a GET
                tree = load(response.location)
            elif response.status_code == 302:
                break
            else:  # refused in the response itself (before post/redirect/get)
                tree = _tree(response.data)
                cost.loads += 1
                cost.words += _words(tree)
            # The page insists: answer each field it names with "I don't know".
            form = _form(tree)
            taps = 1
            for anchor in _insisted(tree):
                name = next((n for n in fields if anchor == n or anchor.startswith(n + "-")),
                            anchor)
                data[name] = "unknown"
                taps += 1
        else:
            raise AssertionError(f"{location} kept refusing: {_insisted(tree)}")
        location = response.location
    tree = load(location)
    cost.outcome = "".join(tree.find(".//h1").itertext()).split(":")[0].strip()
    cost.screens = len(seen)
    return cost


def main() -> None:
    workdir = tempfile.mkdtemp()
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir}/journeys.sqlite",
                      "SECRET_KEY": "journeys", "RATELIMIT_ENABLED": False})
    with app.app_context():
        from screener import journey, models  # noqa: F401

        db.create_all()
    results = {}
    for name, knows in JOURNEYS.items():
        with app.test_client() as client:
            results[name] = walk(client, knows)
    if "--json" in sys.argv:
        print(json.dumps({n: {**asdict(c), "minutes": c.minutes} for n, c in results.items()},
                         indent=2))
        return
    print(f"{'journey':34} {'outcome':10} {'screens':>7} {'loads':>5} {'taps':>4} "
          f"{'words':>6} {'minutes':>7}")
    for name, c in results.items():
        print(f"{name:34} {c.outcome:10} {c.screens:7} {c.loads:5} {c.taps:4} {c.words:6} "
              f"{c.minutes:7}")


if __name__ == "__main__":
    main()
