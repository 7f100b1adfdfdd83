"""The clinical core with the packaged rule set, for tests about that rule set. The engine
itself takes no default (screener/clinical/__init__.py); the tests name theirs here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from screener import clinical
from screener.clinical.rules import RuleSet, default_ruleset

RULES = default_ruleset()


def assess(answers: Mapping[str, Any], ruleset: RuleSet = RULES) -> clinical.Assessment:
    return clinical.assess(answers, ruleset)
