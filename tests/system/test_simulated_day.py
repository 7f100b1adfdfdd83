"""A simulated day of alerts (issue 24; screener/alerts/simulation.py), through the app's own
outbox, delivery and claims on a simulated clock: every urgent or emergency check is
notified, escalation stops at a claim, and none is left without an owner past its last
step. `flask --app screener simulate-day --checks 500` prints the full day's figures."""

from __future__ import annotations

from screener.alerts.simulation import simulate_day_command
from tests.apps import make_app


def test_no_check_is_left_without_an_owner_past_its_last_step(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'unused.sqlite'}")
    result = app.test_cli_runner().invoke(simulate_day_command, [
        "--checks", "120", "--seed", "3", "--miss", "0.5"])
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.split() for line in result.output.splitlines()[1:-1]}
    for level in ("emergency", "urgent"):
        checks, notified, escalated, claimed = map(int, rows[level][1:5])
        assert checks == notified == claimed > 0  # every one told, every one claimed
        assert 0 < escalated < checks  # some claimed in time, some passed up the rota
    for level in ("soon", "routine"):
        assert rows[level][2] == "0"  # below the level that notifies
    assert result.output.splitlines()[-1].endswith("unowned past the last step 0")
