"""What the reference journeys cost a person (scripts/journeys.py, in Chromium at 390x844),
and the start page's promise kept in step with it (issue 23, item 3)."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import pytest

from screener.journey.pages import MEASURED_MINUTES

pytestmark = pytest.mark.browser

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "journeys.py"
spec = importlib.util.spec_from_file_location("journeys", SCRIPT)
journeys = sys.modules["journeys"] = importlib.util.module_from_spec(spec)  # for @dataclass
spec.loader.exec_module(journeys)


@pytest.fixture(scope="module")
def costs(browser):
    return journeys.measure(browser)


def test_the_reference_journeys_reach_their_outcomes(costs):
    assert {name: cost.outcome for name, cost in costs.items()} == {
        "pump alarm with early signs": "Urgent",
        "tablets run out, hallucinations": "Emergency",
        "all well after a refill": "Routine",
        "emergency sign on page 1": "Emergency",
        "child with a pump and a fever": "Urgent",
    }
    first_page = costs["emergency sign on page 1"]
    assert (first_page.screens, first_page.taps) == (2, 3)  # start, signs; Start, tick, Continue


def test_no_page_before_an_outcome_is_taller_than_two_phone_screens_but_the_start(costs):
    for cost in costs.values():
        assert all(height <= journeys.TWO_SCREENS for path, _words, height in cost.pages
                   if path != "/"), cost.pages


def test_the_start_page_states_the_time_measured(costs, server, page):
    longest = max(cost.minutes for cost in costs.values())
    assert math.ceil(longest) == MEASURED_MINUTES, (longest, MEASURED_MINUTES)
    page.goto(server + "/")
    assert f"It takes about {MEASURED_MINUTES} minutes" in page.locator("main").inner_text()
