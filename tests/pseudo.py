"""A pseudo-locale: every message that goes through gettext comes back wrapped in ⟦ ⟧, so
text outside the brackets did not go through the catalogue."""

from __future__ import annotations

from babel.support import NullTranslations

OPEN, CLOSE = "\u27e6", "\u27e7"


class Pseudo(NullTranslations):
    """Every message, marked: what it wraps went through the catalogue."""

    def gettext(self, message):
        return f"{OPEN}{message}{CLOSE}"

    def ngettext(self, singular, plural, n):
        return f"{OPEN}{singular if n == 1 else plural}{CLOSE}"

    def pgettext(self, context, message):
        return self.gettext(message)

    def npgettext(self, context, singular, plural, n):
        return self.ngettext(singular, plural, n)

    # Flask-Babel calls these older names
    ugettext, ungettext, upgettext, unpgettext = gettext, ngettext, pgettext, npgettext
