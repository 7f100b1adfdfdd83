"""A caregiver's journey in Chromium: each outcome, errors, the red-flag exit, resuming,
no JavaScript, keyboard only, phone and desktop widths. axe-core checks every page."""

from __future__ import annotations

import pytest

from tests.browser.helpers import DESKTOP, SMALL_SCREENS, Walker
from tests.journeys import OUTCOMES, page_data

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("level", ["emergency", "urgent", "soon", "routine"])
def test_a_caregiver_reaches_each_outcome(server, page, level):
    walker = Walker(page, server)
    walker.answer(OUTCOMES[level])
    assert walker.path().startswith("/result/")
    assert walker.level() == level
    assert page.get_by_role("heading", name="If things get worse").is_visible()
    assert len(walker.checked) >= 4


def test_the_same_journey_at_desktop_width(server, open_page):
    walker = Walker(open_page(viewport=DESKTOP), server)
    walker.answer(OUTCOMES["urgent"])
    assert walker.level() == "urgent"


def test_an_error_is_announced_focused_linked_and_recovered(server, page):
    walker = Walker(page, server)
    walker.goto("/")
    walker.press("Start now")
    walker.fill({"symptoms": ["none"]})
    walker.continue_()
    walker.fill({"age_years": "40"})
    walker.continue_()
    walker.continue_()  # the route question left unanswered
    assert page.title().startswith("Error: ")
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.name") == "route"
    outline = page.evaluate("getComputedStyle(document.activeElement.nextElementSibling, "
                            "'::before').boxShadow")
    assert outline != "none"  # the focus is visible
    walker.fill({"route": "oral"})
    walker.continue_()
    assert walker.path() == "/check/tablets"


def test_a_red_flag_ends_the_check_at_once(server, page):
    walker = Walker(page, server)
    walker.goto("/")
    walker.press("Start now")
    walker.fill({"symptoms": ["seizure"]})
    walker.continue_()
    assert walker.path().startswith("/result/")
    assert walker.level() == "emergency"


def test_a_check_can_be_resumed_after_a_reload(server, page):
    walker = Walker(page, server)
    walker.goto("/")
    walker.press("Start now")
    walker.fill({"symptoms": ["none"]})
    walker.continue_()
    walker.fill({"age_years": "40"})
    walker.continue_()
    walker.fill({"route": "intrathecal"})
    walker.continue_()
    page.reload()
    assert walker.path() == "/check/pump"
    walker.goto("/")
    page.get_by_role("link", name="Continue the check").click()
    assert walker.path() == "/check/pump"
    page.get_by_role("link", name="Back").click()
    assert walker.path() == "/check/route"
    assert page.locator("input[name='route'][value='intrathecal']").is_checked()


def test_the_journey_works_without_javascript(server, open_page):
    page = open_page(java_script_enabled=False)
    walker = Walker(page, server, axe=False)  # the same pages were checked with JS on
    walker.answer(OUTCOMES["soon"])
    assert walker.level() == "soon"
    assert page.locator(".js-copy").is_hidden()  # the copy button needs JS; the text is there
    assert page.locator("#tell-text").inner_text().strip()


def test_the_journey_with_the_keyboard_alone(server, page):
    """Tab to each control, Space to tick or choose, Enter to submit: no mouse at all."""
    keys = page.keyboard
    page.goto(server + "/")

    def tab_to(selector: str) -> None:
        for _ in range(60):
            keys.press("Tab")
            if page.evaluate(f"document.activeElement.matches({selector!r})"):
                return
        raise AssertionError(f"could not reach {selector} with Tab")

    tab_to("button.button-start")
    keys.press("Enter")
    page.wait_for_url("**/check/emergency-signs")
    tab_to("input[value='none']")
    keys.press("Space")
    keys.press("Enter")
    page.wait_for_url("**/check/age")
    tab_to("input[name='age_years']")
    keys.type("40")
    keys.press("Enter")
    page.wait_for_url("**/check/route")
    tab_to("input[name='route']")
    keys.press("ArrowDown")  # arrows move between radios; the second is tablets
    assert page.locator("input[name='route'][value='oral']").is_checked()
    keys.press("Enter")
    page.wait_for_url("**/check/tablets")
    for radio in page.locator("input[type='radio'][value='no']").all():
        if not radio.is_visible():
            continue  # a follow-up of a "no": hidden, and out of the Tab order
        name = radio.get_attribute("name")
        tab_to(f"input[name='{name}']")
        keys.press("ArrowRight")  # Yes -> No
    keys.press("Enter")
    page.wait_for_url("**/check/changes")
    assert page.locator(".error-summary").count() == 0
    tab_to("input[value='none']")  # "Nothing new or worse"
    keys.press("Space")
    keys.press("Enter")
    page.wait_for_url("**/check/vitals")
    assert page.locator(".error-summary").count() == 0


def _to_changes(walker: Walker, route: str = "oral") -> None:
    """To the "What has changed?" page (issue 23), answering only what is asked before it."""
    walker.goto("/")
    walker.press("Start now")
    walker.fill({"symptoms": ["none"]})
    walker.continue_()
    walker.fill({"age_years": "40"})
    walker.continue_()
    walker.fill({"route": route})
    walker.continue_()
    while walker.path() != "/check/changes":
        page_id = walker.path().rsplit("/", 1)[1]
        walker.fill(page_data(page_id, {"route": route, "history": {}}))
        walker.continue_()


@pytest.mark.parametrize(("page_id", "answers"), [
    ("mind", {"symptoms": ["hallucinations"]}),
    ("vitals", {"respiratory_rate": "7"}),
])
def test_the_check_ends_on_the_page_whose_answers_reach_emergency(server, page, page_id,
                                                                   answers):
    """Hallucinations after an unknown interruption, or 7 breaths a minute: the outcome comes
    next, without the pages after it (the partial screening is saved)."""
    walker = Walker(page, server)
    _to_changes(walker)
    walker.fill({"changes": ["mind"] if page_id == "mind" else ["none"]})
    walker.continue_()
    assert walker.path() == f"/check/{page_id}"
    walker.fill(answers)
    walker.continue_()
    assert walker.path().startswith("/result/")
    assert walker.level() == "emergency"
    assert page.locator("a[href^='tel:']").count() >= 1


def test_back_and_reload_after_an_error_on_a_phone(server, page):
    """Post/redirect/get: after a refused page, reload shows the same answers and messages
    (no resubmission prompt); Back shows the answers without the error summary (UX walk 2,
    finding 13), and Back again goes to the page before."""
    walker = Walker(page, server)
    _to_changes(walker)
    walker.fill({"changes": ["none"]})
    walker.continue_()
    assert walker.path() == "/check/vitals"
    walker.fill({"heart_rate": "fast", "spo2": "96"})
    walker.continue_()
    assert page.title().startswith("Error: ") and walker.path() == "/check/vitals"
    dialogs = []
    page.on("dialog", lambda dialog: dialogs.append(dialog) or dialog.dismiss())
    page.reload()
    walker.check()
    assert not dialogs
    assert page.title().startswith("Error: ")
    assert page.locator("input[name='heart_rate']").input_value() == "fast"
    assert page.locator("input[name='spo2']").input_value() == "96"
    # Back: first the same page as it was before the error was sent (now showing what was
    # typed, without the messages), then the page before it; never a resubmission prompt
    # or a broken page.
    page.go_back()
    walker.check()
    assert walker.path() == "/check/vitals"
    assert page.locator("input[name='heart_rate']").input_value() == "fast"
    assert not page.title().startswith("Error: ")
    assert page.locator(".error-summary, .error-message").count() == 0
    page.go_back()
    walker.check()
    assert walker.path() == "/check/changes"
    assert page.locator("input[value='none']").is_checked()
    page.go_forward()
    assert walker.path() == "/check/vitals"
    assert page.locator("input[name='heart_rate']").input_value() == "fast"
    assert not dialogs
    walker.fill({"heart_rate": "88"})
    walker.continue_()
    assert walker.path() == "/check/tablets-more"  # the rest of the history, then about you


# A small phone, a common one, and a 1280x800 screen at 200 % zoom (issue 23; UX walk 2,
# finding 3: at these sizes "Call 999" was below a reference panel, off the first screen).
@pytest.mark.parametrize("viewport", SMALL_SCREENS, ids=lambda v: f"{v['width']}x{v['height']}")
def test_the_emergency_call_button_is_on_the_first_screen(server, open_page, viewport):
    walker = Walker(open_page(viewport=viewport), server)
    walker.goto("/")
    walker.press("Start now")
    walker.fill({"symptoms": ["seizure"]})
    walker.continue_()
    assert walker.level() == "emergency"
    button = walker.page.locator("a.button-call").first
    box = button.bounding_box()
    assert box is not None and box["y"] >= 0
    assert box["y"] + box["height"] <= viewport["height"], (box, viewport)
    assert button.get_attribute("href").startswith("tel:")
    heading = walker.page.locator("h1").bounding_box()
    reference = walker.page.locator(".panel-reference").bounding_box()
    assert reference["y"] > heading["y"]  # the reference comes after the advice


def test_change_your_answers_from_the_result_makes_a_new_check(server, page):
    """UX walk 2, finding 13: from the result, the answers come back on the last page (axe
    checked), one changes, and a new result is given; the first result is still there."""
    walker = Walker(page, server)
    walker.answer(OUTCOMES["routine"])
    first = walker.path()
    assert walker.level() == "routine"
    walker.press("Change your answers")
    assert walker.path() == "/check/about"
    assert page.locator("details.details").get_attribute("open") is not None
    page.get_by_role("link", name="Change what has changed?").click()
    page.wait_for_url("**/check/changes?change=1")
    walker.check()
    page.uncheck("input[value='none']")
    walker.fill({"changes": ["muscles"]})
    walker.continue_()
    page.wait_for_url("**/check/muscles*")  # the kind now chosen is asked
    walker.fill({"symptoms": ["muscle_rigidity"]})
    walker.continue_()
    walker.press("Get the result")
    assert walker.path().startswith("/result/") and walker.path() != first
    assert walker.level() != "routine"
    walker.goto(first)
    assert walker.level() == "routine"


def test_check_again_from_the_result_starts_a_check_with_the_history_filled_in(server, page):
    """Issue 24, item 4: after missed doses, the result lists when to check again; its link
    opens a page that starts a new check, the history filled in and said so. axe on each."""
    walker = Walker(page, server)
    walker.answer({"route": "oral", "history": {"missed_doses": True},
                   "callback_phone": "07700 900321"})
    assert walker.level() == "soon"
    section = page.locator("#check-again")
    assert section.is_visible()
    assert page.locator("#check-again + p + ul li").count() == 4  # 12, 24, 48 and 72 hours
    with page.expect_navigation():
        page.locator("#check-again-link").click()
    walker.check()
    assert walker.path().startswith("/again/")
    walker.press("Start the check again")
    assert walker.path() == "/check/emergency-signs"
    walker.fill({"symptoms": ["none"]})
    walker.continue_()
    assert "Filled in from your last check." in page.locator("main").inner_text()
