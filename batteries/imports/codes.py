"""The hot path of a pack import: code checks and register-event hashes without per-row objects.

`CodeChecker` gives exactly the verdict of `parse_battery_code`: a canonical 24-character code
whose every segment but the date is valid by construction of the regular expression takes the
fast path, and its date stamp (3 characters, a few thousand possible values) is decided once by
`parse_battery_code` itself and remembered. Everything else goes through `parse_battery_code`.

`RegisterHasher` computes the hash of the register event `register_event` builds, from a byte
template cut out of the very payload `event_content`/`event_hash` produce for a sentinel code,
and checks itself against `register_event` when created.
"""

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime

from batteries.models import Battery
from batteries.services.chain import event_content
from batteries.services.packs import register_event
from common.battery_code import (
    CHEMISTRIES,
    CODE_ALPHABET,
    PRODUCT_TYPES,
    CodeParseResult,
    parse_battery_code,
)
from common.hashing import canonical_json
from common.identifiers import IdentifierError
from enterprises.models import Enterprise

_A = re.escape(CODE_ALPHABET)
# mfr(3) type(1) chemistry(1) spec(2) trace(7) date stamp(3) serial(7 digits)
FAST_CODE = re.compile(
    rf"[{_A}]{{3}}[{''.join(PRODUCT_TYPES)}][{''.join(CHEMISTRIES)}][{_A}]{{9}}[{_A}]{{3}}[0-9]{{7}}"
)


@dataclass(slots=True)  # not frozen: a frozen dataclass is several times slower to build
class CodeFields:
    """The Battery columns a valid code determines (as `battery_from_code` sets them)."""

    code: str
    product_type: str
    battery_type: str
    chemistry: str
    spec_code: str
    trace_code: str
    production_date: date
    serial: str
    manufacturer_code: str


class CodeChecker:
    """Check codes as `parse_battery_code(code, today=today)` does, fast for canonical ones."""

    def __init__(self, today: date):
        self.today = today
        self._stamps: dict[str, date | None] = {}

    def check(self, raw: str) -> tuple[CodeFields | None, list[IdentifierError]]:
        """Return the code's fields, or None and the errors `parse_battery_code` reports."""
        if FAST_CODE.fullmatch(raw):
            produced = self._stamps.get(raw[14:17], False)
            if produced is False:
                produced = self._learn_stamp(raw)
            if produced is not None:
                return _fast_fields(raw, produced), []
        return self._slow(parse_battery_code(raw, today=self.today))

    def _learn_stamp(self, code: str) -> date | None:
        result = parse_battery_code(code, today=self.today)
        # Only the date can be wrong in a code the regular expression accepted.
        produced = result.parsed.production_date if result.parsed else None
        self._stamps[code[14:17]] = produced
        return produced

    @staticmethod
    def _slow(result: CodeParseResult) -> tuple[CodeFields | None, list[IdentifierError]]:
        if result.errors or result.parsed is None:
            return None, result.errors
        p = result.parsed
        fields = CodeFields(
            p.code,
            p.product_type,
            p.battery_type,
            CHEMISTRIES[p.battery_type],
            p.spec_code,
            p.trace_code or "",
            p.production_date,
            p.serial,
            p.manufacturer_code,
        )
        return fields, []


def _fast_fields(code: str, produced: date) -> CodeFields:
    return CodeFields(
        code,
        code[3],
        code[4],
        CHEMISTRIES[code[4]],
        code[5:7],
        code[7:14],
        produced,
        code[17:24],
        code[:3],
    )


_SENTINEL = "SENTINEL0CODE0FOR0IMPORT"


class RegisterHasher:
    """Hash the register events of one chunk (same reporter, user, batch and time)."""

    def __init__(self, *, reporter: Enterprise, user, import_batch, now: datetime, channel: str):
        self._build = dict(
            reporter=reporter, user=user, channel=channel, import_batch=import_batch, now=now
        )
        expected = register_event(Battery(code=_SENTINEL), **self._build)
        content = event_content(
            expected,
            code=_SENTINEL,
            reporter_uscc=reporter.uscc,
            counterparty_uscc="",
            vin="",
            voids_seq=None,
            holder_uscc=reporter.uscc,
        )
        payload = canonical_json(content)
        head, tail = f"|{payload}".encode().split(_SENTINEL.encode())
        self._head, self._tail = hashlib.sha256(head), tail
        if self.hash(_SENTINEL) != expected.hash:
            raise RuntimeError("import hash template differs from register_event")

    def hash(self, code: str) -> str:
        """Return the register-event hash of a validated code (only [0-9A-Z] characters)."""
        digest = self._head.copy()
        digest.update(code.encode("ascii") + self._tail)
        return digest.hexdigest()

    def verify(self, fields: CodeFields, *, parsed_again: CodeParseResult) -> None:
        """Check one row against `battery_from_code` + `register_event`; raise on any drift."""
        from batteries.services.packs import battery_from_code

        reporter = self._build["reporter"]
        battery = battery_from_code(parsed_again.parsed, reporter=reporter, now=self._build["now"])
        event = register_event(battery, **self._build)
        mine = (*_battery_columns(fields), self.hash(fields.code))
        theirs = (*_battery_columns(battery), event.hash)
        if mine != theirs:
            raise RuntimeError(f"import pipeline drifted from packs_register: {mine} != {theirs}")


def _battery_columns(obj) -> tuple:
    return (
        obj.code,
        obj.product_type,
        obj.battery_type,
        obj.chemistry,
        obj.spec_code,
        obj.trace_code,
        obj.production_date,
        obj.serial,
        obj.manufacturer_code,
    )
