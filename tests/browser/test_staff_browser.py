"""Staff in Chromium: sign in, take a caregiver's screening from the queue, act, close it."""

from __future__ import annotations

from tests.browser.conftest import DESKTOP
from tests.browser.helpers import Walker
from tests.pages import PASSWORD
from tests.test_journey import OUTCOMES


def test_staff_take_a_screening_from_the_queue_and_close_it(server, open_page):
    caregiver = Walker(open_page(), server)
    caregiver.answer({**OUTCOMES["urgent"], "respondent": "caregiver"})
    reference = caregiver.page.locator("code").inner_text()

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
