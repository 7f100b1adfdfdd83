"""The rule set: the rule file (`ruleset.yaml`), its version lock (`ruleset.lock`), and the
code that loads, checks and compiles it into frozen objects the scoring engine reads.

These are the names callers use; a bad rule file raises `RuleSetError` naming each bad line.
Storage and staff code that needs only the fixed words imports `rules.vocabulary`.
"""

from .checker import RuleSetError
from .loader import (
    DEFAULT_PATH,
    LOCK_PATH,
    default_ruleset,
    load_ruleset,
    parse_ruleset,
    read_lock,
    version_problem,
)
from .model import Advice, Facts, Feature, Rule, RuleSet, Vital
from .vocabulary import (
    AGE,
    DIRECTIONS,
    LEVEL_RANK,
    LEVELS,
    ROUTES,
    UNKNOWN,
    USUAL_HEART_RATE,
    USUAL_SYSTOLIC,
)

__all__ = [
    "AGE", "DEFAULT_PATH", "DIRECTIONS", "LEVELS", "LEVEL_RANK", "LOCK_PATH", "ROUTES",
    "UNKNOWN", "USUAL_HEART_RATE", "USUAL_SYSTOLIC", "Advice", "Facts", "Feature", "Rule",
    "RuleSet", "RuleSetError", "Vital",
    "default_ruleset", "load_ruleset", "parse_ruleset", "read_lock", "version_problem",
]
