"""Every outcome's first screen is its action (issue 23, items 1 and 5): on a 320x568 or
375x667 phone, and a 1280x800 desk at 200 % zoom, the level in words and the action's call
button lie wholly inside the first viewport, without scrolling; axe finds no violations.

The clinic is open or closed by its profile's hours, not by the time the tests run: one
server's clinic is open around the clock, another's never opens (the hours at a chosen
moment are tested without a browser, tests/web/test_outcome_action.py)."""

from __future__ import annotations

import json
from contextlib import ExitStack

import pytest

from tests.browser.helpers import SMALL_SCREENS, Walker
from tests.journeys import CLINIC, OUTCOMES
from tests.live import gunicorn, migrate, server_env

pytestmark = pytest.mark.browser

UK = {**CLINIC, "out_of_hours_name": "NHS 111", "out_of_hours_phone": "111"}
PROFILES = {
    "open": {**UK, "opening_hours": dict.fromkeys(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
        "00:00-24:00")},
    "closed": {**UK, "opening_hours": {"monday": "closed"}},
    "no numbers": None,  # the default profile: no clinic, no out-of-hours service
}
# (the outcome, the server's profile): the level shown and the first button's words.
CASES = {
    "emergency": ("emergency", "open", "Call 999"),
    "urgent, clinic open": ("urgent", "open", "Call 0161 496 0000"),
    "urgent, clinic closed": ("urgent", "closed", "Call 111"),
    "urgent, no numbers": ("urgent", "no numbers", "Call 999"),
    "soon": ("soon", "open", "Call 0161 496 0000"),
    "routine": ("routine", "open", "Call 0161 496 0000"),
}


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """One server per profile, each on its own migrated SQLite file; name -> base URL."""
    with ExitStack() as stack:
        bases = {}
        for name, service in PROFILES.items():
            folder = tmp_path_factory.mktemp(name.replace(" ", "-"))
            database = f"sqlite:///{folder / 'outcome.sqlite'}"
            migrate(database)
            extra = {} if service is None else {"SCREENER_SERVICE": json.dumps(service)}
            bases[name] = stack.enter_context(gunicorn(server_env(database, **extra),
                                                       folder / "gunicorn.log"))
        yield bases


@pytest.fixture(scope="module")
def results(servers, browser):
    """Each case's outcome, reached once through the pages; case -> its result URL."""
    found = {}

    def url(case: str) -> str:
        if case not in found:
            level, profile, _ = CASES[case]
            context = browser.new_context()
            walker = Walker(context.new_page(), servers[profile], axe=False)
            walker.answer({**OUTCOMES[level], "respondent": "caregiver"})
            assert walker.level() == level
            found[case] = walker.page.url
            context.close()
        return found[case]
    return url


def _inside(box, viewport) -> bool:
    return (box is not None and box["x"] >= 0 and box["y"] >= 0
            and box["x"] + box["width"] <= viewport["width"]
            and box["y"] + box["height"] <= viewport["height"])


@pytest.mark.parametrize("viewport", SMALL_SCREENS, ids=lambda v: f"{v['width']}x{v['height']}")
@pytest.mark.parametrize("case", CASES)
def test_the_level_and_the_call_button_are_on_the_first_screen(results, open_page, case,
                                                               viewport):
    level, _, words = CASES[case]
    page = open_page(viewport=viewport)
    walker = Walker(page, "")
    walker.goto(results(case))  # and axe-core: no violations
    assert walker.level() == level
    assert page.evaluate("window.scrollY") == 0
    heading = page.locator("h1")
    button = page.locator(".outcome-action a.button-call").first
    assert button.inner_text().startswith(words)
    assert button.get_attribute("href").startswith("tel:")
    for shown in (heading, button):
        assert _inside(shown.bounding_box(), viewport), (shown, shown.bounding_box())
