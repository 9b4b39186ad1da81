"""Stream a scrapped-vehicles file through `vehicles_scrap_record`, as the form and API do.

Each row is one vehicle: VIN, certificate number, time, the codes of the packs that came
with it (empty: every pack bound to the VIN), and the declarations "pack missing" and
"swap model". Rows are read in chunks; each chunk goes to the service with the import
channel and batch, and its per-item errors and warnings are mapped back to spreadsheet rows.

A vehicle already recorded under the same certificate, VIN and dismantler counts as a
duplicate and is not recorded again, so re-uploading a file is safe. All-or-nothing runs
the whole file in ONE transaction, rolled back if any row fails (capped, as for events).
"""

from collections.abc import Callable
from contextlib import AbstractContextManager

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from batteries.imports.columns import (
    SCRAP_COLUMNS,
    CellError,
    HeaderMap,
    bounded_text,
    cell_text,
    code_list,
    event_time,
    header_map,
    yes_no,
)
from batteries.imports.readers import RowStream, chunks
from batteries.imports.report import Counters, ErrorReport, ImportRejected, Progress
from batteries.imports.staging import immediate_constraints
from batteries.models import Channel, ImportBatch, ScrappedVehicle
from batteries.services.scrap import MAX_CERTIFICATE, MAX_NOTE, ScrapInput, vehicles_scrap_record
from common.identifiers import normalize_vin

CHUNK_SIZE = 500  # vehicles per service call (a vehicle has one or a few packs)
ALL_OR_NOTHING_LIMIT = 100_000

TOO_LARGE = _(
    "“有任何错误则全部不导入”方式的报废车辆文件最多 %(n)s 行（整个文件在一个事务中校验并写入）。"
    "请拆分文件，或改用“导入有效行，报告错误行”方式。"
)


class _Rollback(Exception):
    """Leave the all-or-nothing transaction without committing anything."""


class ScrapImport:
    """Run one scrapped-vehicles file for one batch; counters and rows go to the batch."""

    def __init__(self, batch: ImportBatch, *, report: ErrorReport, progress: Progress):
        self.batch, self.report, self.progress = batch, report, progress
        self.reporter = batch.enterprise
        self.counters = Counters()
        self.chunk_size = CHUNK_SIZE
        self._header: HeaderMap | None = None
        self._seen: dict[str, int] = {}  # certificate → the row that first named it
        # All-or-nothing: warnings wait for the commit (a rolled-back row recorded nothing).
        self._pending: list[dict] | None = None

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
                self.report.warn(**warning)
        except _Rollback:
            self.counters.rows_created = self.counters.rows_warned = 0
        finally:
            self.progress.close_side_channel()
        return self.counters

    def _pass(self, open_rows, limit: int | None = None) -> None:
        with open_rows() as stream:
            self._header = header_map(ImportBatch.Kind.SCRAPPED_VEHICLES, stream.header)
            for chunk in chunks(stream.rows, self.chunk_size):
                with self.report.in_row_order():  # parse errors, then the service's
                    self._chunk(chunk)
                if limit and self.counters.rows_done > limit:
                    raise ImportRejected(TOO_LARGE % {"n": limit})
                self.progress.save(self.counters)

    def _chunk(self, chunk: list) -> None:
        parsed = [(number, cells, self._parse(number, cells)) for number, cells in chunk]
        recorded = self._recorded([item for _, _, item in parsed if item is not None])
        items, origins = [], []
        for number, cells, item in parsed:
            if item is None:
                continue
            number_of = item.certificate_no.strip()
            if number_of in self._seen:
                message = _("与第 %(n)s 行重复。") % {"n": self._seen[number_of]}
                self._error(number, cells, "certificate_no", "scrap.duplicate_in_file", message)
                self.counters.rows_failed += 1
            elif recorded.get(number_of) == normalize_vin(item.vin):
                self.counters.rows_duplicate += 1
            else:
                self._seen[number_of] = number
                items.append(item)
                origins.append((number, cells))
        self._record(items, origins)
        self.counters.rows_done += len(chunk)

    def _recorded(self, items: list[ScrapInput]) -> dict[str, str]:
        """Return certificate → VIN of this dismantler's records among the chunk's."""
        numbers = list({item.certificate_no.strip() for item in items})
        if not numbers:
            return {}
        return dict(
            ScrappedVehicle.objects.filter(
                certificate_no__any=numbers, dismantler=self.reporter
            ).values_list("certificate_no", "vin")
        )

    def _record(self, items: list[ScrapInput], origins: list[tuple[int, list]]) -> None:
        if not items:
            return
        result = vehicles_scrap_record(
            items=items,
            reporter=self.reporter,
            user=self.batch.uploaded_by,
            channel=Channel.IMPORT,
            import_batch=self.batch,
            all_or_nothing=False,
            now=timezone.now(),
        )
        for error in result.errors:
            number, cells = origins[error.index or 0]
            self._error(number, cells, error.field, error.code, error.message)
        for warning in result.warnings:
            number, cells = origins[warning.index]
            self._warn(number, cells, warning.field, warning.code, warning.message)
        self.counters.rows_failed += len({error.index for error in result.errors})
        self.counters.rows_created += len(result.records)
        self.counters.rows_warned += len({warning.index for warning in result.warnings})

    def _parse(self, number: int, cells: list) -> ScrapInput | None:
        values, failed = {}, False
        readers = {
            "vin": _required(cell_text),
            "certificate_no": _required(lambda v: bounded_text(v, MAX_CERTIFICATE)),
            "scrapped_at": event_time,
            "arrived_codes": code_list,
            "pack_missing": yes_no,
            "swap_pool": yes_no,
            "note": lambda v: bounded_text(v, MAX_NOTE),
        }
        for key, read in readers.items():
            try:
                values[key] = read(self._cell(cells, key))
            except CellError as error:
                self._error(number, cells, key, error.code, error.message)
                failed = True
        if failed:
            self.counters.rows_failed += 1
            return None
        return ScrapInput(**values)

    def _cell(self, cells: list, key: str):
        position = self._header.positions.get(key)
        return cells[position] if position is not None and position < len(cells) else ""

    def _entry(self, number: int, cells: list, key: str, code: str, message) -> dict:
        return {
            "row": number,
            "field": self._header.label(key, SCRAP_COLUMNS) if key else "",
            "code": code,
            "message": message,
            "value": cell_text(self._cell(cells, key)) if key else "",
        }

    def _error(self, number: int, cells: list, key: str, code: str, message) -> None:
        self.report.add(**self._entry(number, cells, key, code, message))

    def _warn(self, number: int, cells: list, key: str, code: str, message) -> None:
        entry = self._entry(number, cells, key, code, message)
        if self._pending is None:
            self.report.warn(**entry)
        else:
            self._pending.append({**entry, "message": str(message)})


def _required(read: Callable[[object], str]) -> Callable[[object], str]:
    def reader(value: object) -> str:
        text = read(value)
        if not text:
            raise CellError("value.required", _("必填。"))
        return text

    return reader
