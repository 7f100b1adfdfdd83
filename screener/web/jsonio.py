"""JSON in and out through orjson: for Flask's responses, the API's request bodies and the
database's JSON columns.

Encoding the same assessment three times (two columns and the answer) with the standard
library took a fifth of the time to save a screening (bench/load.py). orjson is also
stricter on the way in: NaN, Infinity and lone surrogates are not JSON, so they are refused
with a 400 rather than reaching the rules or the database.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
from flask.json.provider import DefaultJSONProvider

DecodeError = orjson.JSONDecodeError  # a ValueError


def dumps(value: Any) -> str:
    """Compact JSON text, keys in their given order (the documented order: level first)."""
    return orjson.dumps(value).decode()


def loads(text: str | bytes) -> Any:
    return orjson.loads(text)


class DuplicateKey(ValueError):
    """An object names the same key twice: which one counts would be a guess."""


class TooDeep(ValueError):
    """Lists and objects nested deeper than any answer set needs."""


# Answers nest three deep (the body, "history", a value); sixteen leaves room for mistakes
# that deserve a field-by-field answer. Deeper bodies overflowed Python's stack in the
# passes after orjson's (red team 2, L11).
MAX_DEPTH = 16


def loads_request(body: bytes) -> Any:
    """A request body: strict JSON (orjson), at most MAX_DEPTH deep, with no key given twice
    in any object. Another reader (a proxy, a firewall) might keep the first of two where we
    kept the last (red team L4). The second pass costs about 8 µs for an answer set."""
    value = orjson.loads(body)
    if not within_depth(value, MAX_DEPTH):
        raise TooDeep(f"Lists and objects are nested more than {MAX_DEPTH} deep; "
                      "the answers need three.")
    json.loads(body, object_pairs_hook=_no_duplicates)
    return value


def within_depth(value: Any, limit: int) -> bool:
    """Whether no list or object lies more than `limit` levels down. Iterative, so a deep
    document cannot exhaust the stack while it is measured."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = (item.values() if isinstance(item, dict)
                    else item if isinstance(item, list) else None)
        if children is None:
            continue
        if depth > limit:
            return False
        stack.extend((child, depth + 1) for child in children
                     if isinstance(child, dict | list))
    return True


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        twice = next(k for k, _ in pairs if k in seen or seen.add(k))
        raise DuplicateKey(f"The key \"{twice}\" is given more than once.")
    return found


class OrjsonProvider(DefaultJSONProvider):
    """Flask's JSON through orjson; types orjson does not know go to Flask's own default."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        option = orjson.OPT_INDENT_2 if kwargs.get("indent") else 0
        return orjson.dumps(obj, default=self.default, option=option).decode()

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return orjson.loads(s)
