"""The request's language: the rule set and the presenter's catalogue to word a page with.

English only today (TRANSLATIONS off): the rule set as loaded and the presenter's own
English. With TRANSLATIONS on, Flask-Babel's catalogue for the request words both: the
rule set through clinical/translation.py (its decisions unchanged), the presenter directly.

`gettext` and `ngettext` here are Flask-Babel's for the app's Python code. With English only
they skip its per-string lookup of the request's language (about 20 µs a string, and a
saved screening's snapshot words some forty).
"""

from __future__ import annotations

from typing import Any

import flask_babel
from flask import current_app
from flask_babel import get_locale, get_translations

from ..clinical.rules import RuleSet
from ..clinical.translation import Catalogue, translated
from ..clinical.wording import ENGLISH

ENGLISH_TAG = "en-GB"  # the app's only language (app.LOCALE, as a BCP 47 tag)


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
    if not current_app.config["TRANSLATIONS"]:
        return ENGLISH_TAG
    return str(get_locale()).replace("_", "-")


def gettext(message: str, **variables: Any) -> str:
    if current_app.config["TRANSLATIONS"]:
        return flask_babel.gettext(message, **variables)
    return message % variables if variables else message


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    if current_app.config["TRANSLATIONS"]:
        return flask_babel.ngettext(singular, plural, num, **variables)
    return (singular if num == 1 else plural) % {"num": num, **variables}
