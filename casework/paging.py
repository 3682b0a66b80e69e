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

import base64
import binascii
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from casework.extensions import db

PAGE_SIZE = 50
COUNT_LIMIT = 1000
KEY_MAX_LENGTH = 600
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
class Part:
    """One expression a list is ordered by, and how its values are read from and written to
    a page key."""

    expression: Any
    read: Callable[[str], Any] = read_datetime
    write: Callable[[Any], str] = datetime.isoformat


def by_number(expression) -> Part:
    return Part(expression, read_int, str)


def _write_text(value: str) -> str:
    return base64.urlsafe_b64encode(value.encode()).decode().rstrip("=")


def _read_text(text: str) -> str:
    if len(text) > KEY_MAX_LENGTH:
        raise ValueError("too long for a page key")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError) as error:
        raise ValueError("not a page key") from error


def by_text(expression) -> Part:
    """A text part, written in URL-safe base64 so that any character may appear in it."""
    return Part(expression, _read_text, _write_text)


@dataclass(frozen=True)
class Sort:
    """What a list is ordered by, all in one direction; the row's id breaks ties."""

    parts: tuple[Part, ...]
    descending: bool = True

    @classmethod
    def of(cls, *parts: Part | Any, descending: bool = True) -> Sort:
        """A sort by the given parts (a bare expression is a timestamp)."""
        return cls(tuple(part if isinstance(part, Part) else Part(part) for part in parts),
                   descending)


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


def read_key(text: str | None, sort: Sort, id_column) -> tuple[list, Any] | None:
    """The (sort values, id) of a page key; ValueError if it is not one this list wrote."""
    if not text:
        return None
    *values, row_id = text.split(SEPARATOR)
    if len(text) > KEY_MAX_LENGTH or len(values) != len(sort.parts):
        raise ValueError("not a page key")
    values = [part.read(value) for part, value in zip(sort.parts, values, strict=True)]
    if isinstance(id_column.type, sa.Integer):
        return values, read_int(row_id)
    return values, uuid.UUID(hex=row_id)


def write_key(values, row_id) -> str:
    text = row_id.hex if isinstance(row_id, uuid.UUID) else str(row_id)
    return SEPARATOR.join([*values, text])


def count_up_to(statement: sa.Select, id_column) -> int:
    """How many rows the statement selects, counting no further than COUNT_LIMIT + 1."""
    rows = (statement.with_only_columns(id_column).order_by(None).limit(COUNT_LIMIT + 1)
            .subquery())
    return db.session.scalar(sa.select(sa.func.count()).select_from(rows))


def page_by_key(statement: sa.Select, sort: Sort, id_column, *, after: str | None = None,
                before: str | None = None, size: int = PAGE_SIZE) -> KeyPage:
    """The page after the key `after` (or before `before`); the first page without either."""
    try:
        key = read_key(after or before, sort, id_column)
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
    return KeyPage(items=[row for row, _key in rows], total=count_up_to(statement, id_column),
                   newer=keyed[0] if rows and (more or not backwards) else None,
                   older=keyed[-1] if rows and (more or backwards) else None,
                   is_first=False)


def _first_page(statement, sort, id_column, size, *, refused=False) -> KeyPage:
    rows = _rows(statement, sort, id_column, size, None, False)
    keyed = _keys(rows[:size], sort)
    return KeyPage(items=[row for row, _key in rows[:size]], newer=None,
                   older=keyed[-1] if len(rows) > size else None,
                   total=count_up_to(statement, id_column), key_refused=refused)


def _rows(statement, sort, id_column, size, key, backwards) -> list[tuple[Any, tuple]]:
    """Up to size + 1 rows from the key on, each with its key values, in walking order."""
    descending = sort.descending != backwards
    expressions = [part.expression for part in sort.parts]
    if key is not None:
        values, row_id = key
        pair = sa.tuple_(*expressions, id_column)
        bound = sa.tuple_(*(sa.literal(value, expression.type)
                            for expression, value in zip(expressions, values, strict=True)),
                          sa.literal(row_id, id_column.type))
        # The plain bound on the first part lets every planner seek in the index; the
        # row value orders the rest and breaks ties between rows with the same values.
        first, value = expressions[0], values[0]
        if descending:
            statement = statement.where(first <= value, pair < bound)
        else:
            statement = statement.where(first >= value, pair > bound)
    columns = [*expressions, id_column]
    order = [column.desc() for column in columns] if descending else columns
    selected = statement.add_columns(*columns).order_by(*order).limit(size + 1)
    return [(row[0], tuple(row[1:])) for row in db.session.execute(selected)]


def _keys(rows, sort) -> list[str]:
    return [write_key([part.write(value) for part, value in zip(sort.parts, key, strict=False)],
                      key[-1]) for _row, key in rows]
