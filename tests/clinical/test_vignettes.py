"""The scoring against clinical vignettes written from the clinical brief (tests/data)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from screener.clinical.rules import LEVELS, default_ruleset
from tests.packaged import assess

VIGNETTES = json.loads((Path(__file__).parents[1] / "data" / "vignettes.json").read_text())


@pytest.mark.parametrize("case", VIGNETTES, ids=[c["id"] for c in VIGNETTES])
def test_vignette_gets_an_acceptable_level(case):
    result = assess(case["answers"])
    assert result.level in case["acceptable"], (
        f"{case['title']}: got {result.level} (score {result.score}); "
        f"expected {case['expected']} because {case['reason']}"
    )


def test_every_emergency_vignette_gets_emergency():
    missed = [c["id"] for c in VIGNETTES
              if c["expected"] == "emergency" and assess(c["answers"]).level != "emergency"]
    assert missed == []


def test_the_table_is_well_formed_and_covers_levels_and_routes():
    assert len(VIGNETTES) >= 40
    assert len({c["id"] for c in VIGNETTES}) == len(VIGNETTES)
    assert set(Counter(c["expected"] for c in VIGNETTES)) == set(LEVELS)
    routes = Counter(c["answers"]["route"] for c in VIGNETTES)
    assert routes["intrathecal"] >= 10 and routes["oral"] >= 10
    for case in VIGNETTES:
        rank = LEVELS.index(case["expected"])
        allowed = set(LEVELS[max(rank - 1, 0): rank + 1])  # expected, or the next higher
        assert case["expected"] in case["acceptable"] and set(case["acceptable"]) <= allowed
        assert case["reason"] and case["sources"]
        assert set(case["sources"]) <= set(default_ruleset().sources), case["id"]
