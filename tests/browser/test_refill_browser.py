"""The one-form refill and the clinic worklist in Chromium (issue 25, items 3 and 4): a date
missing its month named and linked, a rise in concentration refused until a bridge bolus is
confirmed, the dates worked out live (and without JavaScript by "Work out the dates"), one
refill per form however it is sent, and each of the worklist's flags in its patient's row.
axe-core on every page state the tests look at."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import DESKTOP, Walker
from tests.pages import PASSWORD

pytestmark = pytest.mark.browser

# The service reads today on its own clock (Europe/London unless set): on a UTC machine, the
# same day but for the hour before midnight in summer time.
TODAY = date.today()
NUMBER = "07700 900123"
# SynchroMed II 20 mL, alarm 2 mL, 500 micrograms/mL, 300 micrograms a day: 0.6 mL a day.
PUMP = {"alarm_ml": "2", "concentration_mcg_per_ml": "500", "daily_dose_mcg": "300"}
# A refill 20 days after one of 20 mL expects 8 mL; 18 mL put in reaches the 2 mL alarm in
# 26 days at the earliest (15 % fast), so the refill-by day is 7 days before: 19 days on.
REFILL_BY = TODAY + timedelta(days=19)
REFILL_ROW = re.compile(r", next due \d+ \w+ \d{4}, recorded by ")  # the patient page's list


def _uk(day: date) -> str:
    return f"{day.day} {day:%B} {day.year}"


def _signed_in(open_page, server: str, javascript: bool = True) -> Walker:
    page = open_page(viewport=DESKTOP, java_script_enabled=javascript)
    staff = Walker(page, server, axe=javascript)  # axe-core runs in the page: it needs JS
    staff.goto("/staff/sign-in")
    staff.fill({"username": "clinic", "password": PASSWORD})
    staff.press("Sign in")
    assert staff.path() == "/staff/"
    return staff


def _main(staff: Walker) -> str:
    return staff.page.locator("main").inner_text()


@contextmanager
def _arranging(staff: Walker) -> Iterator[None]:
    """Pages passed through on the way (a patient added, a pump recorded: checked with
    axe-core in their own tests) are not checked again here, to keep these tests quick."""
    checking, staff.axe = staff.axe, False
    try:
        yield
    finally:
        staff.axe = checking


def _patient(staff: Walker, tag: str, **fields: str) -> tuple[str, str]:
    """A new pump patient with a number to call: its reference and its page's path."""
    reference = f"RF-{tag}-{secrets.token_hex(3).upper()}"
    with _arranging(staff):
        staff.goto("/staff/patients/new")
        staff.fill({"reference": reference, "route": "intrathecal", "contact_phone": NUMBER,
                    **fields})
        staff.press("Save")
    assert "Added the patient." in _main(staff)
    return reference, staff.path()


def _pump(staff: Walker, patient: str, implanted: date | None = None) -> None:
    with _arranging(staff):
        staff.goto(f"{patient}/pump")
        staff.page.select_option("#model_id", "synchromed-ii-8637-20")
        staff.fill(PUMP)
        if implanted is not None:
            _date(staff, "implanted_on", implanted)
        staff.press("Save the pump record")
    assert "The pump record is saved." in _main(staff)


def _date(staff: Walker, name: str, day: date) -> None:
    """The GOV.UK day, month and year boxes; the day box has the field's id."""
    staff.page.fill(f"#{name}", str(day.day))
    staff.page.fill(f"#{name}-month", str(day.month))
    staff.page.fill(f"#{name}-year", str(day.year))


def _fill_refill(staff: Walker, patient: str, on: date = TODAY, booked: date | None = None,
                 **answers: str) -> None:
    """The refill form filled in, not sent: by default 8 mL drawn out, 20 mL put in, the
    same drug and dose, not reprogrammed, the next refill in 15 days."""
    staff.goto(f"{patient}/refill")
    _date(staff, "refilled_on", on)
    staff.fill({"drawn_ml": "8", "put_in_ml": "20", "reprogrammed": "no", **answers})
    _date(staff, "next_refill_date", booked or on + timedelta(days=15))


def _record(staff: Walker) -> None:
    staff.press("Record the refill")
    assert "Refill recorded" in _main(staff), _main(staff)


def _refilled_20_days_ago(staff: Walker, patient: str) -> None:
    """A first refill of 20 mL, 20 days ago: the next one has a residual to expect."""
    with _arranging(staff):
        _fill_refill(staff, patient, on=TODAY - timedelta(days=20), drawn_ml="0",
                     booked=TODAY + timedelta(days=1))
        _record(staff)


def _refills_listed(staff: Walker, patient: str) -> int:
    if staff.path() != patient:
        staff.goto(patient)
    return staff.page.locator("main p").filter(has_text=REFILL_ROW).count()


def test_a_refill_date_missing_its_month_is_named_linked_and_kept(server, open_page):
    staff = _signed_in(open_page, server)
    _, patient = _patient(staff, "DATE")
    _pump(staff, patient)
    booked = TODAY + timedelta(days=15)
    _fill_refill(staff, patient, drawn_ml="7.5", booked=booked)
    page = staff.page
    page.fill("#refilled_on-month", "")
    staff.press("Record the refill")  # axe-core on the error page
    assert page.title().startswith("Error: ")
    links = page.locator(".error-summary a")
    assert links.all_inner_texts() == ["Date of the refill must include a month"]
    assert links.first.get_attribute("href") == "#refilled_on"
    assert page.get_attribute("#refilled_on", "name") == "refilled_on-day"
    expect(page.locator("#refilled_on-error")).to_contain_text(
        "Date of the refill must include a month")  # at the field too
    links.first.click()
    expect(page.locator("#refilled_on")).to_be_focused()
    typed = {"#refilled_on": str(TODAY.day), "#refilled_on-month": "",
             "#refilled_on-year": str(TODAY.year), "#drawn_ml": "7.5", "#put_in_ml": "20",
             "#concentration_mcg_per_ml": "500", "#daily_dose_mcg": "300",
             "#next_refill_date": str(booked.day), "#next_refill_date-month": str(booked.month),
             "#next_refill_date-year": str(booked.year)}
    assert {box: page.input_value(box) for box in typed} == typed
    assert page.is_checked("input[name='reprogrammed'][value='no']")
    page.fill("#refilled_on-month", str(TODAY.month))
    _record(staff)
    assert _refills_listed(staff, patient) == 1


def test_a_rise_in_concentration_needs_a_bridge_bolus_confirmed(server, open_page):
    staff = _signed_in(open_page, server)
    _, patient = _patient(staff, "BRIDGE")
    _pump(staff, patient)
    _fill_refill(staff, patient, concentration_mcg_per_ml="2000", reprogrammed="yes",
                 pump_checked="y")
    page = staff.page
    staff.press("Record the refill")
    assert page.title().startswith("Error: ")
    said = ("The concentration rises: give a bridge bolus and tick to confirm it, or the old "
            "drug in the catheter gives too little for days")
    links = page.locator(".error-summary a")
    assert links.all_inner_texts() == [said]
    assert links.first.get_attribute("href") == "#bridge_bolus"
    expect(page.locator("#bridge_bolus-error")).to_have_text(f"Error: {said}")
    assert page.get_attribute("#bridge_bolus", "aria-describedby") == "bridge_bolus-error"
    assert page.input_value("#concentration_mcg_per_ml") == "2000"
    assert not page.is_checked("#bridge_bolus")
    page.check("#bridge_bolus")
    _record(staff)
    assert _refills_listed(staff, patient) == 1  # the refused one recorded nothing
    staff.goto(f"{patient}/pump")
    assert "2000 micrograms/mL" in page.locator("dl.summary-list").first.inner_text()


def test_the_dates_are_worked_out_live_as_the_form_is_filled_in(server, open_page):
    staff = _signed_in(open_page, server)
    _, patient = _patient(staff, "LIVE")
    _pump(staff, patient)
    _refilled_20_days_ago(staff, patient)
    staff.goto(f"{patient}/refill")
    page = staff.page
    projection = page.locator("#refill-projection")
    expect(projection).to_contain_text("Expected in the reservoir: 8.0 mL.")
    assert "Refill by" not in projection.inner_text()
    address = page.url
    navigations: list[str] = []
    page.on("framenavigated",
            lambda frame: navigations.append(frame.url) if frame == page.main_frame else None)
    with page.expect_response(lambda r: r.request.method == "POST"
                              and r.request.headers.get("x-preview") == "1") as preview:
        page.fill("#put_in_ml", "20")
        page.fill("#drawn_ml", "6.5")  # 1.5 mL less than the 8 expected: beyond 1 mL
    assert preview.value.url == address and preview.value.ok, preview.value
    expect(projection).to_contain_text(f"Refill by {_uk(REFILL_BY)}")
    expect(projection).to_contain_text("1.5 mL less than expected")
    assert page.url == address and navigations == []  # no page load
    staff.check()  # axe-core on the form with its dates shown
    assert _refills_listed(staff, patient) == 1  # working them out saved nothing


def test_work_out_the_dates_shows_them_with_and_without_javascript(server, open_page):
    staff = _signed_in(open_page, server)
    _, patient = _patient(staff, "DATES")
    _pump(staff, patient)
    _refilled_20_days_ago(staff, patient)
    for walker in (staff, _signed_in(open_page, server, javascript=False)):
        walker.goto(f"{patient}/refill")
        shown = walker.page.locator("#refill-projection")
        assert "Expected in the reservoir: 8.0 mL." in shown.inner_text()
        assert "Refill by" not in shown.inner_text()
        walker.fill({"put_in_ml": "20", "drawn_ml": "6.5"})
        walker.press("Work out the dates")  # the page sent and shown again; axe-core with JS
        assert walker.path() == f"{patient}/refill"
        assert not walker.page.title().startswith("Error: ")  # not finished is no mistake
        assert f"Refill by {_uk(REFILL_BY)}" in shown.inner_text()
        assert "1.5 mL less than expected" in shown.inner_text()
        assert walker.page.input_value("#drawn_ml") == "6.5"
        assert _refills_listed(walker, patient) == 1  # nothing saved


def test_back_then_record_again_records_one_refill(server, open_page):
    """Every page is sent with Cache-Control: no-store, so Chromium fetches the form afresh
    on Back: a new key and empty boxes, under a message that a refill was recorded today
    (GOV.UK: after an action that happens once, Back shows a sensible message). Sent as it
    is, it asks for the answers; the same refill typed again is asked about first."""
    staff = _signed_in(open_page, server)
    _, patient = _patient(staff, "BACK")
    _pump(staff, patient)
    _fill_refill(staff, patient)
    page = staff.page
    first_key = page.input_value("input[name='form_key']")
    _record(staff)
    page.go_back()
    assert staff.path() == f"{patient}/refill"
    staff.check()
    assert page.input_value("input[name='form_key']") != first_key
    assert page.input_value("#drawn_ml") == ""
    assert "was recorded at" in page.locator("#recorded-today").inner_text()
    staff.press("Record the refill")
    assert page.title().startswith("Error: ")
    assert "Enter the volume drawn out: 0 if the reservoir was empty" in page.locator(
        ".error-summary").inner_text()
    staff.fill({"drawn_ml": "8", "put_in_ml": "20", "reprogrammed": "no"})
    _date(staff, "next_refill_date", TODAY + timedelta(days=15))
    staff.press("Record the refill")
    assert page.title().startswith("Error: ")
    links = page.locator(".error-summary a")
    assert links.count() == 1 and links.first.get_attribute("href") == "#another"
    assert links.first.inner_text().endswith("Tick to record another.")
    expect(page.locator("#another")).to_be_visible()
    assert _refills_listed(staff, patient) == 1
    # The first form's key sent again (as from a browser that kept the page): recorded already.
    staff.goto(f"{patient}/refill")
    page.evaluate("key => { document.querySelector(\"input[name='form_key']\").value = key; }",
                  first_key)
    staff.fill({"drawn_ml": "8", "put_in_ml": "20", "reprogrammed": "no"})
    _date(staff, "next_refill_date", TODAY + timedelta(days=15))
    staff.press("Record the refill")
    assert staff.path() == patient
    said = _main(staff)
    assert "This refill was recorded already" in said and "Refill recorded" not in said
    assert _refills_listed(staff, patient) == 1


# Each submit event's fate, kept in sessionStorage through the page load it starts; seen
# from window, after the form's own listeners (static/app.js) have had their say.
WATCH_SUBMITS = """() => window.addEventListener("submit", (event) => {
    const seen = JSON.parse(sessionStorage.getItem("submits") || "[]");
    seen.push(event.defaultPrevented);
    sessionStorage.setItem("submits", JSON.stringify(seen));
})"""


def test_a_double_click_sends_and_records_one_refill(server, open_page):
    staff = _signed_in(open_page, server)
    _, patient = _patient(staff, "TWICE")
    _pump(staff, patient)
    _fill_refill(staff, patient)
    page = staff.page
    page.evaluate(WATCH_SUBMITS)
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if r.method == "POST"
            and r.url.endswith("/refill") and "x-preview" not in r.headers else None)
    with page.expect_navigation(url=f"**{patient}"):
        page.get_by_role("button", name="Record the refill").dblclick()
    staff.check()
    assert "Refill recorded" in _main(staff)
    # The second press was stopped by the page (data-prevent-double-click), not only by luck.
    assert page.evaluate("sessionStorage.getItem('submits')") == "[false,true]"
    assert len(sent) == 1, sent
    assert _refills_listed(staff, patient) == 1


def _implanted_for_battery() -> tuple[date, date]:
    """An implant date 7 years less 60 days ago, so the pump stops in 60 days and its
    replacement should have been booked 91 days before that; and that book-by day."""
    stops = TODAY + timedelta(days=60)
    if (stops.month, stops.day) == (2, 29):
        stops -= timedelta(days=1)
    implanted = stops.replace(year=stops.year - 7)
    return implanted, stops - timedelta(days=91)


def test_the_worklist_flags_each_need_in_its_row(server, open_page):
    staff = _signed_in(open_page, server)
    later = (TODAY + timedelta(days=30)).strftime("%d/%m/%Y")  # a planned refill, no dates
    expected: dict[str, list[str]] = {}

    missed, _ = _patient(staff, "MISSED",
                         next_refill_date=(TODAY - timedelta(days=1)).strftime("%d/%m/%Y"))
    expected[missed] = ["Booked refill missed"]

    late, patient = _patient(staff, "LATE")
    _pump(staff, patient)
    _fill_refill(staff, patient, drawn_ml="0", booked=TODAY + timedelta(days=40))
    _record(staff)
    assert f"after the refill-by day, {_uk(REFILL_BY)}" in _main(staff)
    expected[late] = [f"Book a refill by {_uk(REFILL_BY)}"]

    residual, patient = _patient(staff, "RESIDUAL")
    _pump(staff, patient)
    _refilled_20_days_ago(staff, patient)
    _fill_refill(staff, patient, drawn_ml="6.5")
    _record(staff)
    expected[residual] = ["Residual differed: check the pump and catheter"]

    mri, patient = _patient(staff, "MRI", next_refill_date=later)
    _pump(staff, patient)
    staff.fill({"kind": "mri", "note": "Lumbar MRI"})
    staff.press("Record it")
    assert "Recorded." in _main(staff)
    expected[mri] = [f"Check the pump is running: MRI or programming on {_uk(TODAY)}"]

    battery, patient = _patient(staff, "BATTERY", next_refill_date=later)
    implanted, book_by = _implanted_for_battery()
    _pump(staff, patient, implanted=implanted)
    expected[battery] = [f"Book the battery replacement by {_uk(book_by)}"]

    staff.goto("/staff/refills")  # "Needs action", as it opens
    page = staff.page
    for reference, flags in expected.items():
        row = page.locator("#worklist tbody tr").filter(
            has=page.get_by_role("link", name=reference, exact=True))
        expect(row).to_have_count(1)
        assert row.locator(".flags li").all_inner_texts() == flags, reference
        call = row.locator("td[data-label='Call'] a")
        assert call.inner_text() == NUMBER
        assert call.get_attribute("href") == "tel:07700900123"
