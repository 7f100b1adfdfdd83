"""What the reference journeys cost a person (scripts/journeys.py), and the start page's
promise kept in step with it."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import pytest

from screener.journey.pages import MEASURED_MINUTES

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "journeys.py"
spec = importlib.util.spec_from_file_location("journeys", SCRIPT)
journeys = sys.modules["journeys"] = importlib.util.module_from_spec(spec)  # for @dataclass
spec.loader.exec_module(journeys)


@pytest.fixture
def costs(app):
    found = {}
    for name, knows in journeys.JOURNEYS.items():
        with app.test_client() as client:
            found[name] = journeys.walk(client, knows)
    return found


def test_the_reference_journeys_reach_their_outcomes_within_the_aims(costs):
    pump = costs["pump alarm with early signs"]
    # The age page (issue 20) costs a screen and two taps: typing the age and Continue.
    assert pump.outcome == "Urgent" and pump.taps <= 22 and pump.screens <= 10
    assert costs["tablets run out, hallucinations"].outcome == "Emergency"
    assert costs["all well after a refill"].outcome == "Routine"
    first_page = costs["emergency sign on page 1"]
    assert (first_page.outcome, first_page.screens, first_page.taps) == ("Emergency", 3, 3)


def test_the_start_page_states_the_time_measured(costs, client):
    longest = max(cost.minutes for cost in costs.values())
    assert math.ceil(longest) == MEASURED_MINUTES, (longest, MEASURED_MINUTES)
    assert f"It takes about {MEASURED_MINUTES} minutes" in client.get("/").get_data(as_text=True)
