"""A patient reference is a reference: never a name or a phone number.

The pattern is a setting (`PATIENT_REF_PATTERN`), as clinics write their references in
their own way; names and phone numbers are refused whatever it says, each with a message
that says so.
"""

from __future__ import annotations

import re
from functools import cache

from ..settings import ConfigurationError

# Letters, digits and hyphens, up to 32 characters, with at least one digit and fewer than
# nine (so never a name or a phone number): ITB-0042, P-1.
DEFAULT_PATTERN = r"^(?=.*[0-9])(?!(?:[^0-9]*[0-9]){9})[A-Za-z0-9][A-Za-z0-9-]{0,31}$"
EXAMPLE = "ITB-0042"
PHONE_DIGITS = 9  # a UK number without its 0 has 9 or 10 digits; no reference needs that many


class PatternError(ConfigurationError, ValueError):
    """PATIENT_REF_PATTERN is not a regular expression."""


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def check_pattern(pattern: str) -> None:
    """Refuse to start with a PATIENT_REF_PATTERN that is not a regular expression."""
    try:
        _compiled(pattern)
    except (re.error, TypeError) as error:
        raise PatternError(f"PATIENT_REF_PATTERN is not a regular expression: {error}") from None


def reference_problem(text: str, pattern: str = DEFAULT_PATTERN) -> str | None:
    """Why `text` is not a patient reference, or None if it is one. Matched in full: a
    trailing line break is not "the end of the reference" (red team L3)."""
    if text != text.strip():
        return "Remove the spaces or line breaks before or after the reference"
    if sum(c.isdigit() for c in text) >= PHONE_DIGITS:
        return ("This looks like a phone number. Enter the reference the clinic gave you, "
                "not a phone number")
    if re.fullmatch(r"[^\W\d_]+([ .'-]+[^\W\d_]+)*\.?", text):  # letters only: a name
        return ("This looks like a name. Enter the reference the clinic gave you (like "
                f"{EXAMPLE}), not a name")
    if not _compiled(pattern).fullmatch(text):
        return (f"Enter the reference as the clinic wrote it (like {EXAMPLE}): letters, "
                "numbers and hyphens only")
    return None
