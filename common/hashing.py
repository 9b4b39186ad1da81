"""Canonical SHA-256 hashing for the per-pack event chain (EPCIS-style event hashes)."""

import functools
import hashlib
import json
from datetime import UTC, datetime


@functools.lru_cache(maxsize=4096)  # a batch shares its reported_at and often occurred_at
def canonical_time(value: datetime) -> str:
    """Return an aware datetime as UTC ISO-8601 with microseconds, the one form hashed."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(content: dict, prev_hash: str) -> str:
    """Return the hex SHA-256 of the event's canonical JSON content chained to prev_hash.

    Keys are sorted and separators fixed so the same content always gives the same bytes;
    datetimes must already be strings from `canonical_time`.
    """
    payload = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev_hash}|{payload}".encode()).hexdigest()
