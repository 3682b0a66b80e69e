"""Lists paged by key: each page starts after the last row of the page before.

A page is found by seeking in an index to the key of the row it follows, so page 1,000
costs what page 1 does, however many rows a unit has gathered; OFFSET would read and skip
every row before it. The key in a link is the last (or first) row's sort value and id.
A link whose key cannot be read (forged or garbled) gives the first page with a notice;
one whose key lies beyond the rows (stale, out of range) gives an empty page that says so.
Totals are counted only up to a limit: a list shows "more than 1,000", never a count that
grows with the data.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from casework.extensions import db

PAGE_SIZE = 50
COUNT_LIMIT = 1000
KEY_MAX_LENGTH = 120
SEPARATOR = "~"


def read_datetime(text: str) -> datetime:
    """A key's timestamp: ISO 8601 with its offset (naive times are refused)."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError("a page key's time carries its offset")
    return value.astimezone(UTC)


def read_int(text: str) -> int:
    if not text.lstrip("-").isdigit() or len(text) > 12:
        raise ValueError("not a small integer")
    return int(text)


@dataclass(frozen=True)
class Sort:
    """What a list is ordered by: an expression, its direction, how its keys read and write."""

    expression: Any
    descending: bool = True
    read: Callable[[str], Any] = read_datetime
    write: Callable[[Any], str] = datetime.isoformat


@dataclass(frozen=True)
class KeyPage:
    """One page of a list and the keys of its neighbours (None: there is none)."""

    items: list
    newer: str | None
    older: str | None
    total: int
    key_refused: bool = False
    is_first: bool = True

    @property
    def more_than_limit(self) -> bool:
        return self.total > COUNT_LIMIT

    @property
    def limit(self) -> int:
        return COUNT_LIMIT

    @property
    def beyond_end(self) -> bool:
        """A page key pointed past the last row: nothing to show but the way back."""
        return not self.items and not self.is_first


def read_key(text: str | None, sort: Sort) -> tuple[Any, uuid.UUID] | None:
    """The (sort value, id) of a page key; ValueError if it is not one this list wrote."""
    if not text:
        return None
    value, separator, row_id = text.rpartition(SEPARATOR)
    if not separator or len(text) > KEY_MAX_LENGTH:
        raise ValueError("not a page key")
    return sort.read(value), uuid.UUID(hex=row_id)


def write_key(row: Any, sort: Sort, value: Any) -> str:
    return f"{sort.write(value)}{SEPARATOR}{row.id.hex}"


def count_up_to(statement: sa.Select, id_column, limit: int = COUNT_LIMIT) -> int:
    """How many rows the statement selects, counting no further than limit + 1."""
    rows = statement.with_only_columns(id_column).order_by(None).limit(limit + 1).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(rows))


def page_by_key(statement: sa.Select, sort: Sort, id_column, *, after: str | None = None,
                before: str | None = None, size: int = PAGE_SIZE) -> KeyPage:
    """The page after the key `after` (or before `before`); the first page without either."""
    try:
        key = read_key(after, sort) if after else read_key(before, sort)
    except (ValueError, OverflowError):
        return _first_page(statement, sort, id_column, size, refused=True)
    if key is None:
        return _first_page(statement, sort, id_column, size)
    backwards = not after
    rows = _rows(statement, sort, id_column, size, key, backwards)
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    keyed = _keys(rows, sort)
    return KeyPage(items=[row for row, _value in rows], total=count_up_to(statement, id_column),
                   newer=keyed[0] if rows and (more or not backwards) else None,
                   older=keyed[-1] if rows and (more or backwards) else None,
                   is_first=False)


def _first_page(statement, sort, id_column, size, *, refused=False) -> KeyPage:
    rows = _rows(statement, sort, id_column, size, None, False)
    keyed = _keys(rows[:size], sort)
    return KeyPage(items=[row for row, _value in rows[:size]], newer=None,
                   older=keyed[-1] if len(rows) > size else None,
                   total=count_up_to(statement, id_column), key_refused=refused)


def _rows(statement, sort, id_column, size, key, backwards) -> list[tuple[Any, Any]]:
    """Up to size + 1 rows from the key on, each with its sort value, in walking order."""
    descending = sort.descending != backwards
    expression = sort.expression
    if key is not None:
        value, row_id = key
        pair = sa.tuple_(expression, id_column)
        bound = sa.tuple_(sa.literal(value, expression.type), sa.literal(row_id, id_column.type))
        # The plain bound on the sort column lets every planner seek in the index; the pair
        # breaks ties between rows with the same value.
        if descending:
            statement = statement.where(expression <= value, pair < bound)
        else:
            statement = statement.where(expression >= value, pair > bound)
    order = [expression.desc(), id_column.desc()] if descending else [expression, id_column]
    selected = statement.add_columns(expression).order_by(*order).limit(size + 1)
    return [(row[0], row[1]) for row in db.session.execute(selected)]


def _keys(rows, sort) -> list[str]:
    return [write_key(row, sort, value) for row, value in rows]
