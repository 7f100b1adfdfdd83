"""Walking the caregiver's pages for a set of answers (the API's shape): what a person
would enter on each page, a walk to the result or to one page, and one set of answers per
outcome. Used by the web, staff and browser tests."""

from __future__ import annotations

from screener.clinical.rules import default_ruleset
from screener.journey.forms import asks
from screener.journey.pages import PAGES
from tests.pages import Journey

RULES = default_ruleset()
EMERGENCY_SIGNS = {f.id for f in RULES.features.values() if f.group == "emergency_signs"}


def changed(answers: dict) -> set[str]:
    """The kinds of change (symptom groups) with a box ticked, emergency signs apart."""
    return {RULES.features[s].group for s in answers.get("symptoms", [])
            if s not in EMERGENCY_SIGNS}


def page_data(page_id: str, answers: dict) -> dict:
    """What a person would enter on `page_id` to give `answers` (the API's shape)."""
    history, vitals = answers.get("history", {}), answers.get("vitals", {})
    route = answers["route"]
    page = next(p for p in PAGES if p.id == page_id)
    if page.kind == "changes":  # the kinds with a box ticked, unless `answers` names them
        return {"changes": answers.get("changes") or sorted(changed(answers)) or ["none"]}
    if page.kind == "symptoms":
        chosen = [s for s in answers.get("symptoms", []) if RULES.features[s].group in page.groups]
        return {"symptoms": chosen or ["none"]}
    if page.kind == "history":
        data = {}
        age = history.get("age_years")
        for feature in page.features(RULES, route, age if isinstance(age, int | float)
                                     else None):
            if not asks(feature, data):
                continue  # a follow-up the answer before it rules out: not shown
            value = history.get(feature.id, "unknown")
            if feature.kind == "number":
                data[feature.id] = "" if value == "unknown" else str(value)
            elif feature.kind == "choice":
                data[feature.id] = value  # an option id, or "unknown"
            else:
                data[feature.id] = {True: "yes", False: "no"}.get(value, "unknown")
        return data
    if page.kind == "age":
        age = history.get("age_years")
        return {"age_unknown": "y"} if age in (None, "unknown") else {"age_years": str(age)}
    if page.kind == "vitals":
        data = {k: str(v) for k, v in vitals.items() if k != "temperature_c"}
        if "temperature_c" in vitals:
            data.update(temperature=str(vitals["temperature_c"]), temperature_unit="c")
        return data
    if page.kind == "about":
        data = {"respondent": answers.get("respondent", "caregiver"),
                "patient_ref": answers.get("patient_ref", "")}
        if answers.get("callback_phone"):  # a number left to be called back on
            data.update(callback_consent="yes", callback_phone=answers["callback_phone"])
        return data
    raise AssertionError(page_id)


def walk(journey: Journey, answers: dict) -> str:
    """Answer every page for `answers`; return the result page's path."""
    return walk_from(journey, journey.start(), answers)


def walk_from(journey: Journey, first: str, answers: dict) -> str:
    """Answer every page from `first` (a check's first page, however it was started: the
    start page, a re-check link) for `answers`; return the result page's path."""
    signs = [s for s in answers.get("symptoms", []) if s in EMERGENCY_SIGNS]
    response, _ = journey.submit(first, {"symptoms": signs or ["none"]})
    if not signs:
        response, _ = journey.submit("/check/age", page_data("age", answers))
        if response.location == "/check/route":
            response, _ = journey.submit("/check/route", {"route": answers["route"]})
        while response.location.startswith("/check/"):
            page_id = response.location.rsplit("/", 1)[1]
            response, tree = journey.submit(response.location, page_data(page_id, answers))
            assert response.status_code == 302, f"{page_id} refused: {tree and tree.findtext('.//h2')}"
    assert response.location.startswith("/result/")
    journey.get(response.location)
    return response.location


def walk_to(journey: Journey, page_id: str, answers: dict) -> None:
    """From the start to `page_id`, answering the pages before it for `answers`."""
    response, _ = journey.submit(journey.start(), {"symptoms": ["none"]})
    if page_id != "age":
        journey.submit("/check/age", page_data("age", answers))
        response, _ = journey.submit("/check/route", {"route": answers["route"]})
    while response.location != f"/check/{page_id}":
        here = response.location.rsplit("/", 1)[1]
        response, _ = journey.submit(response.location, page_data(here, answers))
        assert response.status_code == 302, here



OUTCOMES = {
    "routine": {"route": "oral", "history": {"long_term_use": True, "missed_doses": False}},
    "soon": {"route": "oral", "symptoms": ["muscle_spasms", "anxiety"],
             "history": {"abrupt_stop": False, "ran_out_of_medication": False,
                         "unable_to_take_oral": False, "missed_doses": False}},
    "urgent": {"route": "intrathecal", "symptoms": ["pruritus"], "history": {"pump_alarm": True},
               "vitals": {"heart_rate": 104}},
    "emergency": {"route": "intrathecal", "symptoms": ["fever", "muscle_rigidity"]},
}


# A service profile whose clinic reads the checks (the outcome page offers a call back).
CLINIC = {"clinic_name": "the Example pump clinic", "clinic_phone": "0161 496 0000",
          "clinic_hours": "Monday to Friday, 8am to 6pm",
          "emergency_numbers": [{"number": "999", "where": "the UK"}],
          "reads_checks": True, "reads_when": "within 2 working hours, Monday to Friday"}
