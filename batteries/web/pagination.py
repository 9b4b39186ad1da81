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


# --- Result counts: exact when cheap, capped or estimated when not ------------------------------

COUNT_CAP = 10_000


@dataclass(frozen=True)
class ResultCount:
    """How many rows a list holds: `kind` is "exact", "at_least" (capped) or "about"."""

    n: int
    kind: str


def result_count(queryset: QuerySet, page: KeysetPage, *, first_page: bool) -> ResultCount:
    """Return the list's size without ever counting millions of rows.

    A first page that is also the last holds them all (no query). An unfiltered, unscoped
    table gets the planner's estimate; anything else a count stopped at COUNT_CAP rows.
    """
    if first_page and page.next_cursor is None:
        return ResultCount(len(page.rows), "exact")
    if not queryset.query.where:
        estimate = table_estimate(queryset.model)
        if estimate > COUNT_CAP:
            return ResultCount(estimate, "about")
    n = queryset.order_by()[: COUNT_CAP + 1].count()
    return ResultCount(COUNT_CAP, "at_least") if n > COUNT_CAP else ResultCount(n, "exact")


def table_estimate(model) -> int:
    """Return the planner's row estimate of a model's table (-1 if never analysed)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [connection.ops.quote_name(model._meta.db_table)],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else -1
