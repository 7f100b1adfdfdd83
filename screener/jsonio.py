"""JSON in and out through orjson: for Flask's responses, the API's request bodies and the
database's JSON columns.

Encoding the same assessment three times (two columns and the answer) with the standard
library took a fifth of the time to save a screening (bench/load.py). orjson is also
stricter on the way in: NaN, Infinity and lone surrogates are not JSON, so they are refused
with a 400 rather than reaching the rules or the database.
"""

from __future__ import annotations

from typing import Any

import orjson
from flask.json.provider import DefaultJSONProvider

DecodeError = orjson.JSONDecodeError  # a ValueError


def dumps(value: Any) -> str:
    """Compact JSON text, keys in their given order (the documented order: level first)."""
    return orjson.dumps(value).decode()


def loads(text: str | bytes) -> Any:
    return orjson.loads(text)


class OrjsonProvider(DefaultJSONProvider):
    """Flask's JSON through orjson; types orjson does not know go to Flask's own default."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        option = orjson.OPT_INDENT_2 if kwargs.get("indent") else 0
        return orjson.dumps(obj, default=self.default, option=option).decode()

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return orjson.loads(s)
