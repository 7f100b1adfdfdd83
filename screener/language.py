"""The request's language: the rule set and the presenter's catalogue to word a page with.

English only today (TRANSLATIONS off): the rule set as loaded and the presenter's own
English. With TRANSLATIONS on, Flask-Babel's catalogue for the request words both: the
rule set through clinical/translation.py (its decisions unchanged), the presenter directly.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import get_locale, get_translations

from .clinical.ruleset import RuleSet
from .clinical.translation import Catalogue, translated
from .clinical.wording import ENGLISH


def words() -> Catalogue:
    """The presenter's catalogue for this request."""
    return get_translations() if current_app.config["TRANSLATIONS"] else ENGLISH


def rules() -> RuleSet:
    """The rule set, worded in this request's language."""
    ruleset = current_app.extensions["ruleset"]
    catalogue = words()
    return ruleset if catalogue is ENGLISH else translated(ruleset, catalogue)


def locale() -> str:
    """The request's language as a BCP 47 tag ("en-GB"), as kept with each screening."""
    return str(get_locale()).replace("_", "-")
