"""A screening's reference: eight characters a caregiver can read out over the phone and
staff can type back to find the screening (issue 23, item 2), shown as two groups of four
("KD7P 3XHM").

It names a screening; it never opens one. The caregiver's result page is opened only by the
unguessable `public_id`, so a reference read aloud or written on a fridge gives nobody the
answers: staff find them after signing in.

The alphabet leaves out BOTH characters of every look-alike pair (0 O Q, 1 I L, 2 Z, 5 S,
6 G, 8 B, U V), so a reference never holds a character that could be read as another, and
a typed look-alike is refused by name rather than silently turned into something else: an
O typed for a 0 would otherwise find somebody else's screening. With no I, O or U, most
words cannot be spelt. 20 characters, 8 long: 20**8 (about 2.6 * 10**10) references, so a
new one clashes with one of a million stored about once in 26,000 (the database's unique
index catches it and the caller draws again).
"""

from __future__ import annotations

import secrets

ALPHABET = "3479ACDEFHJKMNPRTWXY"
LENGTH = 8
GROUP = 4
EXAMPLE = "KD7P 3XHM"
# What a reader leaves between characters: spaces, hyphens and the dashes a phone types.
SEPARATORS = frozenset(" -\u2010\u2011\u2012\u2013\u2014\u2212")


class NotAReference(ValueError):
    """Why typed text cannot be a reference. `kind` is one of "empty", "characters" (not a
    letter or number), "unused" (letters or numbers references never use, such as the
    look-alikes: `characters` names them) or "length" (`count` letters and numbers, not LENGTH)."""

    def __init__(self, kind: str, characters: str = "", count: int = 0) -> None:
        super().__init__(kind)
        self.kind, self.characters, self.count = kind, characters, count


def new_reference_code() -> str:
    """A random reference, as stored: eight characters of ALPHABET, no spaces."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def numbered_reference_code(number: int) -> str:
    """The `number`-th reference (0 <= number < 20**8), in base 20: distinct references for
    a bulk load of rows (bench/), where a million random draws would clash about 20 times."""
    digits = []
    for _ in range(LENGTH):
        number, digit = divmod(number, len(ALPHABET))
        digits.append(ALPHABET[digit])
    if number:
        raise ValueError("there are only 20**8 references")
    return "".join(reversed(digits))


def grouped(code: str) -> str:
    """A stored reference as people read it: "KD7P3XHM" becomes "KD7P 3XHM"."""
    return " ".join(code[i:i + GROUP] for i in range(0, len(code), GROUP))


def read_reference_code(typed: str) -> str:
    """The stored form of a typed reference: upper case, without spaces or hyphens. Raises
    NotAReference, saying why, for anything that cannot be one."""
    kept = [c for c in typed if not (c.isspace() or c in SEPARATORS)]
    if not kept:
        raise NotAReference("empty")
    # ASCII only: "ﬀ".upper() is "FF", and a reference is never typed with a ligature.
    if not all(c.isascii() and c.isalnum() for c in kept):
        raise NotAReference("characters")
    code = "".join(kept).upper()
    unused = "".join(dict.fromkeys(c for c in code if c not in ALPHABET))
    if unused:
        raise NotAReference("unused", characters=unused)
    if len(code) != LENGTH:
        raise NotAReference("length", count=len(code))
    return code
