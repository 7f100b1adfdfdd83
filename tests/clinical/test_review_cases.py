"""Every case of the 2026-11-22 clinical safety review (sections 1 and 2) as a regression
test, with the level range the reviewer wanted (tests/data/review_cases.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from screener.clinical.rules import LEVEL_RANK
from tests.packaged import assess

CASES = json.loads((Path(__file__).parents[1] / "data" / "review_cases.json").read_text())


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_review_case_gets_the_level_the_reviewer_wanted(case):
    result = assess(case["answers"])
    fired = [r.id for r in result.discriminators]
    assert LEVEL_RANK[result.level] >= LEVEL_RANK[case["lowest"]], (
        f"UNDER-TRIAGE {case['id']}: {result.level}, wanted {case['lowest']}+; fired {fired}")
    assert LEVEL_RANK[result.level] <= LEVEL_RANK[case["highest"]], (
        f"over-triage {case['id']}: {result.level}, wanted at most {case['highest']}; "
        f"fired {fired}")
