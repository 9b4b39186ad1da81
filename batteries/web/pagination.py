"""Keyset pagination by primary key: no COUNT(*), constant cost on any page of millions."""

from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass(frozen=True)
class KeysetPage:
    """One page of rows, newest first, with the cursors of its neighbours (None: no page)."""

    rows: list
    next_cursor: int | None
    prev_cursor: int | None


def keyset_page(
    queryset: QuerySet, *, after: int | None = None, before: int | None = None, size: int = 50
) -> KeysetPage:
    """Return the page of rows just older than `after` (or just newer than `before`).

    One query per page: `size` + 1 rows are read to learn whether another page follows.
    """
    if before is not None:
        rows = list(queryset.filter(pk__gt=before).order_by("pk")[: size + 1])
        more_newer = len(rows) > size
        rows = rows[:size][::-1]
        if not rows:
            return KeysetPage([], None, None)
        return KeysetPage(rows, rows[-1].pk, rows[0].pk if more_newer else None)
    if after is not None:
        queryset = queryset.filter(pk__lt=after)
    rows = list(queryset.order_by("-pk")[: size + 1])
    more_older = len(rows) > size
    rows = rows[:size]
    if not rows:
        return KeysetPage([], None, None)
    return KeysetPage(rows, rows[-1].pk if more_older else None, rows[0].pk if after else None)


def cursor(value: str | None) -> int | None:
    """Return a cursor from a query-string value, ignoring anything that is not a number."""
    return int(value) if value and value.isdigit() and len(value) < 19 else None
