"""Keyset pagination for a list read newest first by a unique key of columns (e.g. started_at, id).

"Next" and "Previous" carry the key of the last or first row shown, so the 400th page is one range
read of the index, like the first; a page number typed on its own still works, by offset. A cursor
is the key's values joined by "~", each a whole number (a time as microseconds since 1970 UTC);
anything else (a hand-edited link) is ignored and the list starts again from the top.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app.extensions import db

PAGE_SIZE = 25
_INTEGER = re.compile(r"\d{1,18}")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class KeysetPage:
    items: list
    page: int
    has_next: bool
    has_previous: bool
    next_cursor: str | None
    previous_cursor: str | None


def _encoded(value) -> str:
    if isinstance(value, datetime):
        return str((value - _EPOCH) // timedelta(microseconds=1))
    return str(value)


def _cursor_of(item, key: tuple) -> str:
    return "~".join(_encoded(getattr(item, column.key)) for column in key)


def _is_time(column) -> bool:
    kind = column.type  # the project's UTC type wraps DateTime
    return isinstance(kind, sa.DateTime) or isinstance(getattr(kind, "impl", None), sa.DateTime)


def _parse(raw: str | None, key: tuple) -> tuple | None:
    parts = (raw or "").split("~")
    if len(parts) != len(key) or len(raw) > 200:
        return None
    if not all(_INTEGER.fullmatch(part) for part in parts):
        return None
    try:
        return tuple(
            _EPOCH + timedelta(microseconds=int(part)) if _is_time(column) else int(part)
            for part, column in zip(parts, key, strict=True)
        )
    except OverflowError:  # a time past the year 9999
        return None


def newest_first(
    statement: sa.Select, key: tuple, *, page: int, after: str | None, before: str | None, size: int = PAGE_SIZE
) -> KeysetPage:
    """One page of `statement`'s rows in descending order of `key` (columns whose values together
    are unique), after or before a cursor, or by page number when there is none."""
    place = sa.tuple_(*key)
    after_key, before_key = _parse(after, key), _parse(before, key)
    if before_key is not None:
        rows = list(db.session.scalars(statement.where(place > before_key).order_by(*key).limit(size + 1)))
        has_previous = len(rows) > size
        shown = list(reversed(rows[:size]))
        return _page(shown, max(page, 2) if has_previous else 1, key, has_next=True, has_previous=has_previous)
    descending = [column.desc() for column in key]
    if after_key is not None:
        rows = list(db.session.scalars(statement.where(place < after_key).order_by(*descending).limit(size + 1)))
        return _page(rows[:size], max(page, 2), key, has_next=len(rows) > size, has_previous=True)
    rows = list(db.session.scalars(statement.order_by(*descending).offset((page - 1) * size).limit(size + 1)))
    return _page(rows[:size], page, key, has_next=len(rows) > size, has_previous=page > 1)


def _page(shown: list, page: int, key: tuple, *, has_next: bool, has_previous: bool) -> KeysetPage:
    return KeysetPage(
        items=shown,
        page=page,
        has_next=has_next and bool(shown),
        has_previous=has_previous and bool(shown),
        next_cursor=_cursor_of(shown[-1], key) if shown else None,
        previous_cursor=_cursor_of(shown[0], key) if shown else None,
    )
