"""Record which enterprises were ever party to which packs (the enterprise read scope)."""

from collections.abc import Iterable

from django.db import connection

from batteries.sql import array_literal


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
            [array_literal(enterprises), array_literal(batteries)],
        )


def event_parties(events) -> set[tuple[int, int]]:
    """Return the access pairs that events create: reporter, new holder, counterparty."""
    pairs = set()
    for event in events:
        # A pack new in the batch got its key after the event was built: ask the object.
        battery_id = event.battery_id or event.battery.pk
        pairs.add((event.reporter_id, battery_id))
        pairs.add((event.holder_after_id, battery_id))
        if event.counterparty_id is not None:
            pairs.add((event.counterparty_id, battery_id))
    return pairs
