"""Canonical SHA-256 hashing for the per-pack event chain (EPCIS-style event hashes).

The hashed bytes are `prev_hash|payload`, where payload is the event content as JSON with
sorted keys, no spaces and UTF-8 text (`canonical_json`). Every stored chain depends on those
bytes: a faster builder of the same payload (`batteries.services.chain.event_payload`) must
produce them exactly, and its tests compare the two over awkward values.
"""

import functools
import hashlib
import json
from datetime import UTC, datetime


@functools.lru_cache(maxsize=4096)  # a batch shares its reported_at and often occurred_at
def canonical_time(value: datetime) -> str:
    """Return an aware datetime as UTC ISO-8601 with microseconds, the one form hashed."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(content: dict) -> str:
    """Return the one JSON form that is hashed: sorted keys, no spaces, UTF-8 text."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def payload_hash(payload: str, prev_hash: str) -> str:
    """Return the hex SHA-256 of a canonical payload chained to prev_hash."""
    return hashlib.sha256(f"{prev_hash}|{payload}".encode()).hexdigest()


def event_hash(content: dict, prev_hash: str) -> str:
    """Return the hex SHA-256 of the event's canonical JSON content chained to prev_hash.

    Datetimes must already be strings from `canonical_time`.
    """
    return payload_hash(canonical_json(content), prev_hash)
