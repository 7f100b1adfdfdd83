"""The 35 everyday pump-clinic and prescriber calls of clinical review 2 (Appendix B), at the
level the reviewer wanted (tests/data/everyday_calls.json), and the share of them sent to
urgent or emergency care: the tool's cost to a clinic, as the reviewer measured it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from screener.clinical.rules import LEVEL_RANK
from tests.packaged import assess

CALLS = json.loads((Path(__file__).parents[1] / "data" / "everyday_calls.json").read_text())["calls"]


@pytest.mark.parametrize("call", CALLS, ids=[c["id"] for c in CALLS])
def test_everyday_call_gets_the_level_the_reviewer_wanted(call):
    result = assess(call["answers"])
    fired = [r.id for r in result.discriminators]
    assert LEVEL_RANK[call["lowest"]] <= LEVEL_RANK[result.level] <= LEVEL_RANK[call["highest"]], (
        f"{call['id']} ({call['call']}): {result.level}, wanted {call['lowest']} to "
        f"{call['highest']}; fired {fired}")


def test_no_everyday_call_sends_a_symptom_free_person_to_the_emergency_number():
    """The reviewer's four 999 outcomes were all symptom-free people with a spinal cord
    injury and an ordinary home blood pressure."""
    sent = [c["id"] for c in CALLS if assess(c["answers"]).level == "emergency"]
    assert sent == []
