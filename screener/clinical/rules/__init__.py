"""The rule set: the rule file (`ruleset.yaml`), its version lock (`ruleset.lock`), and the
code that loads, checks and compiles it into frozen objects the scoring engine reads.

These are the names callers use; a bad rule file raises `RuleSetError` naming each bad line.
"""

from .compile import (
    AGE,
    DEFAULT_PATH,
    DIRECTIONS,
    LEVEL_RANK,
    LEVELS,
    LOCK_PATH,
    ROUTES,
    UNKNOWN,
    USUAL_SYSTOLIC,
    Facts,
    Feature,
    Rule,
    RuleSet,
    RuleSetError,
    Vital,
    default_ruleset,
    load_ruleset,
    parse_ruleset,
    read_lock,
    version_problem,
)

__all__ = [
    "AGE", "DEFAULT_PATH", "DIRECTIONS", "LEVELS", "LEVEL_RANK", "LOCK_PATH", "ROUTES",
    "UNKNOWN", "USUAL_SYSTOLIC", "Facts", "Feature", "Rule", "RuleSet", "RuleSetError", "Vital",
    "default_ruleset", "load_ruleset", "parse_ruleset", "read_lock", "version_problem",
]
