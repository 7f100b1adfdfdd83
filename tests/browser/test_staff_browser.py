"""Staff in Chromium: sign in, take a caregiver's screening from the queue, act, close it."""

from __future__ import annotations

import pytest

from tests.browser.conftest import DESKTOP
from tests.browser.helpers import Walker
from tests.pages import PASSWORD
from tests.test_journey import OUTCOMES

pytestmark = pytest.mark.browser


def test_staff_take_a_screening_from_the_queue_and_close_it(server, open_page):
    caregiver = Walker(open_page(), server)
    caregiver.answer({**OUTCOMES["urgent"], "respondent": "caregiver"})
    reference = caregiver.page.locator("code").first.inner_text()  # then the rule-set hash

    staff = Walker(open_page(viewport=DESKTOP), server)
    staff.goto("/staff/")
    assert staff.path() == "/staff/sign-in"
    staff.fill({"username": "triage", "password": PASSWORD})
    staff.press("Sign in")
    assert staff.path() == "/staff/"
    staff.page.get_by_role("link", name="Open").and_(
        staff.page.locator(f"[href$='{reference}']")).click()
    staff.page.wait_for_url(f"**/staff/screenings/{reference}")
    staff.check()
    staff.press("Claim this screening")
    assert "You have claimed this screening." in staff.page.locator("main").inner_text()
    staff.press("Save and close")  # nothing chosen: the error summary names the field
    assert staff.page.title().startswith("Error: ")
    staff.fill({"kind": "advice_given", "note": "Told to call the pump clinic at 9"})
    staff.press("Save and close")
    main = staff.page.locator("main").inner_text()
    assert "Closed: the screening has left the queue." in main
    assert "Advice given: Triage Triage" in main
    staff.goto("/staff/")
    assert staff.page.locator(f"[href$='{reference}']").count() == 0
    staff.press("Sign out")
    assert staff.path() == "/staff/sign-in"


def test_a_new_clinic_day_patient_call_timeline_refill_and_audit(server, open_page):
    """The issue's walk-through after the queue: the patient, a follow-up call, the timeline
    chart, a refill, and all of it in the audit trail (admin made with create-user)."""
    caregiver = Walker(open_page(), server)
    caregiver.answer({**OUTCOMES["soon"], "patient_ref": "WALK-1"})

    staff = Walker(open_page(viewport=DESKTOP), server)
    staff.goto("/staff/sign-in")
    staff.fill({"username": "admin", "password": PASSWORD})
    staff.press("Sign in")
    page = staff.page
    staff.goto("/staff/patients/new")
    staff.fill({"reference": "WALK-1", "route": "intrathecal", "pump_model": "SynchroMed II",
                "next_refill_date": "2026-01-02"})
    staff.press("Save")
    assert staff.path() == "/staff/patients/WALK-1"
    assert page.locator("tbody tr").count() == 1  # the caregiver's screening, linked by reference
    staff.press("Start a follow-up call")
    staff.fill({"symptoms": ["none"]})
    staff.continue_()
    assert page.locator("input[name='route'][value='intrathecal']").is_checked()
    assert "Last time" in page.locator("#route-hint").inner_text()
    answers = {**OUTCOMES["urgent"], "respondent": "staff", "patient_ref": "WALK-1"}
    from tests.test_journey import page_data
    staff.continue_()
    while staff.path().startswith("/check/"):
        page_id = staff.path().rsplit("/", 1)[1]
        staff.fill(page_data(page_id, answers))
        staff.press("Get the result" if page_id == "about" else "Continue")
    assert staff.path().startswith("/staff/screenings/")
    page.get_by_role("link", name="WALK-1").first.click()
    page.wait_for_url("**/staff/patients/WALK-1")
    staff.check()
    chart = page.locator("svg.chart")
    assert chart.is_visible() and chart.locator("path[transform]").count() == 2
    assert page.locator("tbody tr").first.inner_text().count("Worse: soon to urgent") == 1
    page.get_by_role("link", name="Record a refill").click()
    staff.check()
    staff.fill({"refilled_on": "2026-11-20", "next_refill_date": "2027-02-12"})
    staff.press("Record the refill")
    assert "Next refill due 12 February 2027." in page.locator("main").inner_text()
    staff.goto("/staff/audit?username=admin")
    actions = page.locator("tbody tr td:nth-child(3)").all_inner_texts()
    for action in ("sign_in", "create", "view", "start_call", "record_refill"):
        assert action in actions, action
