"""No question page is taller than two phone screens (issue 23, item 3; UX walk 2, finding
6: the background page was 4.3 screens, the symptoms 4.5), on every route and with every
kind of change asked ("I'm not sure: show me all of them"), at 390x844 in Chromium."""

from __future__ import annotations

import pytest

from tests.browser.helpers import Walker

pytestmark = pytest.mark.browser

TWO_SCREENS = 2 * 844


@pytest.mark.parametrize("route", ["intrathecal", "oral", "both", "unknown"])
@pytest.mark.parametrize("age", [{"age_years": "40"}, {"age_years": "0.5"},
                                 {"age_unknown": "y"}], ids=["adult", "baby", "not-known"])
def test_no_question_page_is_taller_than_two_phone_screens(server, page, route, age):
    walker = Walker(page, server, axe=False)  # axe runs on these pages in the other tests
    walker.goto("/")
    walker.press("Start now")
    heights = {}
    while walker.path().startswith("/check/"):
        page_id = walker.path().rsplit("/", 1)[1]
        answers = {"emergency-signs": {"symptoms": ["none"]}, "age": age,
                   "route": {"route": route}, "changes": {"changes": ["all"]},
                   "about": {"respondent": "caregiver"}}.get(page_id, {})
        if page.locator("input[name='symptoms'][value='none']").count():
            answers = {"symptoms": ["none"]}
        walker.fill(answers)
        # "Yes" to every question (or "I don't know") reveals the follow-ups asked after it.
        if not answers:
            for radio in page.locator("input[type='radio'][value='yes'], input[type='radio']"
                                      "[value='unknown']").all():
                name = radio.get_attribute("name")
                if radio.is_visible() and not page.locator(
                        f"input[name='{name}']:checked").count():
                    radio.check()
        heights[page_id] = page.evaluate("document.documentElement.scrollHeight")
        if not answers:  # sent blank: the answers above only opened the follow-ups
            page.goto(page.url)  # a new load (a reload would restore the boxes ticked)
        walker.press("Get the result" if page_id == "about" else "Continue")
    assert walker.path().startswith("/result/")
    assert len(heights) >= 12, heights  # every page was walked, every kind of change too
    too_tall = {p: h for p, h in heights.items() if h > TWO_SCREENS}
    assert not too_tall, too_tall
