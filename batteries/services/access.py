"""Record which enterprises were ever party to which packs (the enterprise read scope)."""

from collections.abc import Iterable

from django.db import connection


def access_grant(pairs: Iterable[tuple[int, int]]) -> None:
    """Record (enterprise_id, battery_id) pairs in one statement; existing pairs are kept."""
    pairs = {(e, b) for e, b in pairs if e is not None and b is not None}
    if not pairs:
        return
    enterprises, batteries = zip(*sorted(pairs), strict=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO batteries_batteryaccess (enterprise_id, battery_id) "
            "SELECT * FROM unnest(%s::bigint[], %s::bigint[]) ON CONFLICT DO NOTHING",
            [list(enterprises), list(batteries)],
        )


def event_parties(events) -> set[tuple[int, int]]:
    """Return the access pairs that events create: reporter, new holder, counterparty."""
    pairs = set()
    for event in events:
        battery_id = event.battery.pk
        pairs.add((event.reporter.pk, battery_id))
        pairs.add((event.holder_after.pk, battery_id))
        if event.counterparty is not None:
            pairs.add((event.counterparty.pk, battery_id))
    return pairs
