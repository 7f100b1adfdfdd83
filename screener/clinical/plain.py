"""Turn frozen results and rule-file data into plain lists and dicts, ready for JSON."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_LEAVES = (str, int, float, bool, type(None))


def to_plain(value: Any) -> Any:
    """Dataclasses, tuples and mappings (including the rule loader's) as dicts and lists.

    dataclasses.asdict deep-copies every leaf; nothing here is mutable, so this skips the
    copies (asdict was 60% of an API request).
    """
    if isinstance(value, _LEAVES):
        return value
    if isinstance(value, tuple | list):
        if all(isinstance(item, str) for item in value):
            return list(value)
        return [to_plain(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): to_plain(item) for key, item in value.items()}
    return {name: to_plain(getattr(value, name)) for name in value.__dataclass_fields__}
