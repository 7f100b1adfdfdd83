"""The clinical core, a library: the rule model, loader and compiler (`rules`), answers and
their validation (`answers`), the result types (`results`), the decision (`scoring`, which
never words anything), the presenter that puts a decision into words (`wording`, which never
decides), `assess()` that does both (`assessing`), and one answer set under two rule sets
(`compare`).

It imports neither Flask, WTForms nor SQLAlchemy (a test checks), and it never picks a rule
set by itself: every function is given the rule set to use, so a deployment's own rule file
(RULESET_PATH) cannot be silently replaced by the packaged one.

The names below are what code outside the package uses:

    from screener.clinical import assess, Assessment
"""

from .answers import Answers, InvalidAnswers, normalise
from .assessing import assess
from .results import Advice, Assessment, Contribution, Decision, FiredRule, Note, VitalScore
from .scoring import decide

__all__ = [
    "Advice", "Answers", "Assessment", "Contribution", "Decision", "FiredRule",
    "InvalidAnswers", "Note", "VitalScore", "assess", "decide", "normalise",
]
