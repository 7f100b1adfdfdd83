"""The pump record in Chromium (issue 25, item 1): an error named and linked, then a pump
recorded and its projected dates shown; axe-core on each page."""

from __future__ import annotations

import pytest

from tests.browser.helpers import DESKTOP, Walker
from tests.pages import PASSWORD

pytestmark = pytest.mark.browser


def test_a_pump_recorded_with_a_mistake_first(server, open_page):
    staff = Walker(open_page(viewport=DESKTOP), server)
    staff.goto("/staff/sign-in")
    staff.fill({"username": "clinic", "password": PASSWORD})
    staff.press("Sign in")
    staff.goto("/staff/patients/new")
    staff.fill({"reference": "PUMP-1", "route": "intrathecal"})
    staff.press("Save")
    page = staff.page
    page.get_by_role("link", name="The pump record: settings, projected dates and every change"
                     ).click()
    page.wait_for_url("**/pump")
    staff.check()
    page.select_option("#model_id", "synchromed-ii-8637-20")
    staff.fill({"alarm_ml": "25", "concentration_mcg_per_ml": "500", "daily_dose_mcg": "300"})
    staff.press("Save the pump record")
    assert page.title().startswith("Error: ")
    link = page.locator(".error-summary a")
    assert link.inner_text() == "Enter an alarm volume from 0.5 to 20 mL"
    assert link.get_attribute("href") == "#alarm_ml"
    assert page.input_value("#daily_dose_mcg") == "300"  # what was typed is kept
    staff.fill({"alarm_ml": "4", "reason": "Withdrawal above 2 mL before"})
    staff.press("Save the pump record")
    main = page.locator("main").inner_text()
    assert "The pump record is saved." in main and "Withdrawal above 2 mL before" in main
    assert "Record a refill with the volume put in" in main  # no refill yet: no dates
