"""A simulated stretch of a pump clinic (issue 25; screener/pump/simulation.py), through the
app's own records, refill review and worklist: no pump reaches its alarm date neither
booked in time nor flagged to a named owner, and the measure can fail: a clinic that never
sees the worklist's flags lets pumps reach their alarms unwarned.
`flask --app screener simulate-clinic --pumps 200 --days 365` prints the full year."""

from __future__ import annotations

import re

from screener.pump import simulation
from screener.pump.simulation import simulate_clinic_command
from tests.apps import make_app

ARGS = ["--pumps", "40", "--days", "150", "--seed", "3"]


def _figures(output: str) -> dict[str, int]:
    last = output.splitlines()[-1]
    assert re.fullmatch(r"pumps 40, days 150, .*, reached the alarm date unbooked and "
                        r"unflagged \d+", last), last
    return {name: int(n) for n, name in (
        (m.group(2), m.group(1)) for m in re.finditer(r"([a-z][a-z ()-]*?) (\d+)(?:,|$)",
                                                      last))}


def test_no_pump_reaches_its_alarm_unbooked_and_unflagged(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'unused.sqlite'}")
    result = app.test_cli_runner().invoke(simulate_clinic_command, ARGS)
    assert result.exit_code == 0, result.output
    seen = _figures(result.output)
    assert seen["reached the alarm date unbooked and unflagged"] == 0
    assert seen["ran dry"] == 0
    assert seen["refills"] > 40 and seen["missed a refill"] > 0  # the world did misbehave
    assert seen["rebooked"] > 0  # ... and the worklist's flags put it right


def test_a_clinic_blind_to_the_worklist_lets_pumps_reach_their_alarms(tmp_path, monkeypatch):
    monkeypatch.setattr(simulation, "flags_of", lambda ids, today: {})
    app = make_app(f"sqlite:///{tmp_path / 'unused.sqlite'}")
    result = app.test_cli_runner().invoke(simulate_clinic_command, ARGS)
    assert result.exit_code == 0, result.output
    seen = _figures(result.output)
    assert seen["reached the alarm date unbooked and unflagged"] > 0
    assert seen["alarms"] >= seen["reached the alarm date unbooked and unflagged"]
