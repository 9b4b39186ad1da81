"""Stream an events file through `events_record`, the one path every channel uses.

Rows are read in chunks; each chunk goes to `events_record(all_or_nothing=False)` with the
import channel and batch, and its per-item errors are mapped back to spreadsheet rows.

An event already recorded by the same reporter for the same pack, kind and time (and not
voided) counts as a duplicate and is not recorded again, so re-uploading a file is safe.
An event recorded with a warning (a handover to an unqualified receiver, a receipt before
its handover) counts in `rows_warned` and is listed in the report as recorded.

All-or-nothing: later rows depend on earlier ones (a pack is delivered after it is produced),
so the file cannot be validated without applying it. The whole file therefore runs inside ONE
transaction that is rolled back if any row fails; it is capped at ALL_OR_NOTHING_LIMIT rows
to bound the locks and the transaction's size.
"""

from collections.abc import Callable
from contextlib import AbstractContextManager

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from batteries.imports.columns import (
    EVENT_COLUMNS,
    MAX_DOCUMENT_REF,
    MAX_REMARK,
    CellError,
    HeaderMap,
    bounded_text,
    cell_text,
    event_kind,
    event_time,
    header_map,
    positive_int,
)
from batteries.imports.readers import RowStream, chunks
from batteries.imports.report import Counters, ErrorReport, ImportRejected, Progress
from batteries.imports.staging import immediate_constraints
from batteries.models import Channel, ImportBatch
from batteries.services.events import EventInput, events_record
from batteries.sql import epoch_micros, from_epoch_micros
from common.battery_code import normalize_battery_code

CHUNK_SIZE = 2_000  # rows per events_record call (it writes in batches of 2,000 itself)
ALL_OR_NOTHING_LIMIT = 200_000

TOO_LARGE = _(
    "“有任何错误则全部不导入”方式的事件文件最多 %(n)s 行（整个文件在一个事务中校验并写入）。"
    "请拆分文件，或改用“导入有效行，报告错误行”方式。"
)


class _Rollback(Exception):
    """Leave the all-or-nothing transaction without committing anything."""


# From the chunk's packs to each pack's events to whether one voids it: key probes all the
# way, whatever the statistics say. OFFSET 0 and LIMIT 1 keep the subqueries as written (the
# reporter is filtered after, not through its index: a big reporter has millions of events).
RECORDED_SQL = f"""
SELECT p.code, e.kind, {epoch_micros("e.occurred_at")}, e.import_batch_id
FROM (SELECT id, code FROM batteries_battery WHERE code = ANY(%s) OFFSET 0) p
CROSS JOIN LATERAL (
    SELECT e.id, e.kind, e.occurred_at, e.import_batch_id, e.reporter_id
    FROM batteries_lifecycleevent e WHERE e.battery_id = p.id OFFSET 0
) e
LEFT JOIN LATERAL (
    SELECT true AS voided FROM batteries_lifecycleevent v WHERE v.voids_id = e.id LIMIT 1
) v ON true
WHERE e.reporter_id = %s AND v.voided IS NULL
"""


class EventImport:
    """Run one events file for one batch; counters and errors go to the batch as it runs."""

    def __init__(self, batch: ImportBatch, *, report: ErrorReport, progress: Progress):
        self.batch, self.report, self.progress = batch, report, progress
        self.reporter = batch.enterprise
        self.counters = Counters()
        self.chunk_size = CHUNK_SIZE
        self._header: HeaderMap | None = None
        # All-or-nothing: warnings wait for the commit (a rolled-back row recorded nothing).
        self._pending: list[tuple] | None = None

    def run(self, open_rows: Callable[[], AbstractContextManager[RowStream]]) -> Counters:
        if self.batch.mode == ImportBatch.Mode.COMMIT_VALID:
            self._pass(open_rows)
            return self.counters
        if (self.batch.rows_total or 0) > ALL_OR_NOTHING_LIMIT:
            raise ImportRejected(TOO_LARGE % {"n": ALL_OR_NOTHING_LIMIT})
        self._pending = []
        self.progress.open_side_channel()
        try:
            with transaction.atomic():
                immediate_constraints()
                self._pass(open_rows, limit=ALL_OR_NOTHING_LIMIT)
                if self.counters.rows_failed:
                    raise _Rollback
            for warning in self._pending:
                self._warn(*warning)
        except _Rollback:
            self.counters.rows_created = self.counters.rows_warned = 0
        finally:
            self.progress.close_side_channel()
        return self.counters

    def _pass(self, open_rows, limit: int | None = None) -> None:
        with open_rows() as stream:
            self._header = header_map(ImportBatch.Kind.EVENTS, stream.header)
            for chunk in chunks(stream.rows, self.chunk_size):
                with self.report.in_row_order():  # parse errors, then the service's
                    self._chunk(chunk)
                if limit and self.counters.rows_done > limit:
                    raise ImportRejected(TOO_LARGE % {"n": limit})
                self.progress.save(self.counters)

    def _chunk(self, chunk: list) -> None:
        parsed = [(number, cells, self._parse(number, cells)) for number, cells in chunk]
        recorded = self._recorded([item for _, _, item in parsed if item is not None])
        items, origins, first_seen = [], [], {}
        for number, cells, item in parsed:
            if item is None:
                continue
            key = (item.code, item.kind, item.occurred_at)
            if key in first_seen or recorded.get(key, 0) == self.batch.pk:
                row = first_seen.get(key)
                message = _("与第 %(n)s 行重复。") % {"n": row} if row else _("与前面的行重复。")
                self._error(number, cells, "", "event.duplicate_in_file", message)
                self.counters.rows_failed += 1
            elif key in recorded:
                self.counters.rows_duplicate += 1
            else:
                first_seen[key] = number
                items.append(item)
                origins.append((number, cells))
        self._record(items, origins)
        self.counters.rows_done += len(chunk)

    def _record(self, items: list[EventInput], origins: list[tuple[int, list]]) -> None:
        if not items:
            return
        result = events_record(
            items=items,
            reporter=self.reporter,
            user=self.batch.uploaded_by,
            channel=Channel.IMPORT,
            import_batch=self.batch,
            all_or_nothing=False,
            now=timezone.now(),
        )
        for error in result.errors:
            number, cells = origins[error.index]
            self._error(number, cells, error.field, error.code, error.message)
        for warning in result.warnings:
            number, cells = origins[warning.index]
            entry = (number, cells, warning.field, warning.code, str(warning.message))
            if self._pending is None:
                self._warn(*entry)
            else:
                self._pending.append(entry)
        self.counters.rows_failed += len({error.index for error in result.errors})
        self.counters.rows_created += len(result.events)
        self.counters.rows_warned += len({warning.index for warning in result.warnings})

    def _recorded(self, items: list[EventInput]) -> dict[tuple, int | None]:
        """Return (code, kind, time) → import batch of the reporter's live events of these packs.

        One array parameter for the codes, and times as integer microseconds
        (`from_epoch_micros`): every event of every pack of the chunk is read.
        """
        if not items:
            return {}
        with connection.cursor() as cursor:
            cursor.execute(RECORDED_SQL, [list({item.code for item in items}), self.reporter.pk])
            rows = cursor.fetchall()
        return {
            (code, kind, from_epoch_micros(micros)): batch for code, kind, micros, batch in rows
        }

    def _parse(self, number: int, cells: list) -> EventInput | None:
        values, failed = {}, False
        readers = {
            "kind": event_kind,
            "occurred_at": event_time,
            "outlet": positive_int,
            "document_ref": lambda v: bounded_text(v, MAX_DOCUMENT_REF),
            "remark": lambda v: bounded_text(v, MAX_REMARK),
        }
        for key, read in readers.items():
            try:
                values[key] = read(self._cell(cells, key))
            except CellError as error:
                self._error(number, cells, key, error.code, error.message)
                failed = True
        code = normalize_battery_code(cell_text(self._cell(cells, "code")))
        if not code:
            self._error(number, cells, "code", "value.required", _("必填。"))
            failed = True
        if failed:
            self.counters.rows_failed += 1
            return None
        return EventInput(
            code=code,
            kind=values["kind"],
            occurred_at=values["occurred_at"],
            counterparty_uscc=cell_text(self._cell(cells, "counterparty_uscc")),
            vin=cell_text(self._cell(cells, "vin")),
            outlet_id=values["outlet"],
            document_ref=values["document_ref"],
            details={"remark": values["remark"]} if values["remark"] else {},
        )

    def _cell(self, cells: list, key: str):
        position = self._header.positions.get(key)
        return cells[position] if position is not None and position < len(cells) else ""

    def _error(self, number: int, cells: list, key: str, code: str, message) -> None:
        self.report.add(**self._entry(number, cells, key, code, message))

    def _warn(self, number: int, cells: list, key: str, code: str, message) -> None:
        self.report.warn(**self._entry(number, cells, key, code, message))

    def _entry(self, number: int, cells: list, key: str, code: str, message) -> dict:
        return {
            "row": number,
            "field": self._header.label(key, EVENT_COLUMNS) if key else "",
            "code": code,
            "message": message,
            "value": cell_text(self._cell(cells, key)) if key else "",
        }
