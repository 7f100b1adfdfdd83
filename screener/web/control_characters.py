"""One guard for control characters, before any view: PostgreSQL cannot store a NUL, and no
answer, reference, note or filter needs a control character (C0 or C1) or a noncharacter.

- in the path: 404 (no id or reference holds one);
- in the query string, a form field or a JSON string: 400 with a message saying so. Form
  fields and JSON strings may hold tab and line breaks (notes); query strings may not.
"""

from __future__ import annotations

import re
from typing import Any

from flask import abort, request

# Also the C1 controls and Unicode's noncharacters: nobody types them, and HTML may not
# carry them (a page echoing one back is not well-formed).
_NEVER_TYPED = r"\x7f-\x9f\ufdd0-\ufdef" + "".join(
    re.escape(chr(plane + end)) for plane in range(0, 0x110000, 0x10000)
    for end in (0xFFFE, 0xFFFF))
BAD_IN_TEXT = re.compile(rf"[\x00-\x08\x0b\x0c\x0e-\x1f{_NEVER_TYPED}]")  # tab, LF, CR allowed
BAD_IN_LINE = re.compile(rf"[\x00-\x1f{_NEVER_TYPED}]")
MESSAGE = ("The request holds a control character (such as a NUL byte), which no answer "
           "needs. Retype the text and send it again.")


def refuse_control_characters() -> None:
    if BAD_IN_LINE.search(request.path):
        abort(404)
    # `next` (after sign-in) is checked where it is followed: a bad one goes to the queue.
    if any(BAD_IN_LINE.search(k) or BAD_IN_LINE.search(v)
           for k, values in request.args.lists() if k != "next" for v in [k, *values]):
        abort(400, description=MESSAGE)
    form = request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data")
    if form and request.method != "GET" and any(
            BAD_IN_LINE.search(k) or BAD_IN_TEXT.search(v)
            for k, values in request.form.lists() for v in values):
        abort(400, description=MESSAGE)


def has_control_characters(value: Any) -> bool:
    """Whether any string (key or value) in a parsed JSON document holds one."""
    if isinstance(value, str):
        return BAD_IN_TEXT.search(value) is not None
    if isinstance(value, dict):
        return any(BAD_IN_LINE.search(k) or has_control_characters(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_control_characters(v) for v in value)
    return False
