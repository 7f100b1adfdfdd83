"""Keyset (seek) pagination for the staff lists: First, Previous, Next and Last, each page
read in index order from where the last one stopped, never OFFSET past every row before it.

A page's position is the id of the row on its edge (`?after=ID`, `?before=ID`, `?last=1`):
the sort values of that row are read back by id (one small query) and the page is the rows
that sort after (or before) them, on a sort key made unique by ending in the id. The total
is counted only up to COUNT_CAP ("more than 10,000"), never over the whole filtered table.

Why not a library: sqlakeyset (maintained, works with SQLAlchemy 2) puts the sort values
themselves into its bookmarks. The patients list is sorted by reference, so its links would
carry patient references into URLs, browser history and access logs, which the staff pages
keep out on purpose (patient pages are keyed by id; the search is a POST). A row id says
nothing, and the seek itself is about 100 lines here.

Old links and bad input: `?page=N` (the OFFSET pages'), an id that is not a number or no
longer exists, all give the first page; `after` or `before` past either end gives the last
or the first. Never an error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, func, select, tuple_

from ..db import db
from ..models import MAX_ID  # larger "ids" are bad input, never a query to refuse

COUNT_CAP = 10_000


@dataclass
class Page:
    """One page of rows and where the links around it go (the `pagination` macro)."""

    items: list[Any]
    count: int  # rows matching, counted up to COUNT_CAP + 1
    has_prev: bool
    has_next: bool
    args: dict[str, str] = field(default_factory=dict)  # the request's other arguments
    first_id: Any = None
    last_id: Any = None
    where: str = "first"  # how it was reached: first, last, after ID or before ID

    def position(self) -> dict[str, str]:
        """For the audit line: which page was shown (row ids, nothing else)."""
        return {"page": self.where}

    @property
    def capped(self) -> bool:
        """More rows match than were counted: say "more than COUNT_CAP"."""
        return self.count > COUNT_CAP

    @property
    def cap(self) -> int:
        return COUNT_CAP

    @property
    def several(self) -> bool:
        return self.has_prev or self.has_next

    def link_args(self, which: str) -> dict[str, Any]:
        """The query arguments of the First, Previous, Next or Last link."""
        moves: dict[str, dict[str, Any]] = {
            "first": {}, "prev": {"before": self.first_id}, "next": {"after": self.last_id},
            "last": {"last": 1}}
        return {**self.args, **moves[which]}


def _position(args: Mapping[str, str]) -> tuple[str, int | None]:
    """("first" | "after" | "before" | "last", id), bad or old input read as "first"."""
    if args.get("last") == "1":
        return "last", None
    for move in ("after", "before"):
        value = args.get(move, "")
        if value:
            if value.isascii() and value.isdigit() and int(value) <= MAX_ID:
                return move, int(value)
            return "first", None
    return "first", None


def paginate(query, keys: Sequence[ColumnElement], *, per_page: int,
             args: Mapping[str, str], descending: bool = False, options: Sequence = (),
             id_column: ColumnElement | None = None) -> Page:
    """A page of `query` (a select of one entity, filtered, without ORDER BY) in the order of
    `keys`, all ascending or all `descending`, which together are unique: the last key is
    the entity's id, or `id_column` (the id) is given when the keys are unique without it.
    `options` (eager loads) apply to the page's rows only, not the count. Keys must not be
    NULL in any row the query returns."""
    id_column = keys[-1] if id_column is None else id_column
    kept = {k: v for k, v in args.items() if k not in ("after", "before", "last", "page")}
    move, row_id = _position(args)
    boundary = None
    if row_id is not None:
        boundary = db.session.execute(select(*keys).where(id_column == row_id)).first()
        if boundary is None:  # gone (or never there): start again
            move = "first"
    forward = move in ("first", "after")
    ascending = forward != descending  # the order rows are read in
    reading = (query.options(*options)
               .order_by(*(k.asc() if ascending else k.desc() for k in keys))
               .limit(per_page + 1))
    if boundary is not None:
        reading = reading.where(tuple_(*keys) > tuple_(*boundary) if ascending
                                else tuple_(*keys) < tuple_(*boundary))
    rows = list(db.session.execute(reading).unique().scalars())
    more = len(rows) > per_page
    rows = rows[:per_page]
    if not rows and move in ("after", "before"):  # past an end: the page at that end
        return paginate(query, keys, per_page=per_page, descending=descending,
                        options=options, id_column=id_column,
                        args={**kept, **({"last": "1"} if move == "after" else {})})
    if forward:
        has_prev, has_next = move == "after", more
    else:
        rows.reverse()
        has_prev, has_next = more, move == "before"
    counted = _count(query, keys)
    id_name = id_column.key
    return Page(rows, counted, has_prev, has_next, kept,
                getattr(rows[0], id_name) if rows else None,
                getattr(rows[-1], id_name) if rows else None,
                move if row_id is None or boundary is None else f"{move} {row_id}")


def _count(query, keys: Sequence[ColumnElement]) -> int:
    """How many rows `query` matches, counting no further than COUNT_CAP + 1. It reads the
    sort keys only, which an index holds: SQLite then counts in an index, not in the table's
    own rows (a screening's row is several pages of JSON)."""
    limited = query.with_only_columns(*keys).order_by(None).limit(COUNT_CAP + 1).subquery()
    return db.session.execute(select(func.count()).select_from(limited)).scalar_one()
