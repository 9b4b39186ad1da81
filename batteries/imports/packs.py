"""Stream a packs file into the registry: validate in chunks, COPY, INSERT … ON CONFLICT.

Each chunk is checked with the rules of `packs_register` (code parse, in-file and registry
duplicates, manufacturer code owned by the reporter, parent known, held by the reporter and of
a higher level), then the valid rows are COPYed into a temporary staging table and inserted:

    WITH ins AS (INSERT INTO batteries_battery … SELECT … FROM stage ON CONFLICT (code)
                 DO NOTHING RETURNING id, last_hash),
         ev AS (INSERT INTO batteries_lifecycleevent … SELECT … FROM ins RETURNING battery_id)
    INSERT INTO batteries_batteryaccess … SELECT reporter, battery_id FROM ev

so the register event (and the reporter's access row, as `packs_register` writes them) is
written only for the packs this statement inserted, and the event hash travels as the pack's
`last_hash` (no join back to the staging table). Parents are inserted before children (one
statement per level present in the chunk).

The codes refused for themselves (as `packs_register` logs them) are logged against the
reporter with one `code_rejections_log` statement per chunk: in the chunk's transaction, or
on the progress side channel while an all-or-nothing transaction is open, so that its
rollback keeps them.
"""

import itertools
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from batteries.imports.codes import CodeChecker, CodeFields, RegisterHasher
from batteries.imports.columns import (
    MAX_INT,
    PACK_COLUMNS,
    CellError,
    HeaderMap,
    cell_text,
    header_map,
    positive_int,
)
from batteries.imports.readers import RowStream, chunks
from batteries.imports.report import Counters, ErrorReport, Progress
from batteries.imports.staging import (
    INSERT_SQL,
    LOOKUP_SEEN_SQL,
    LOOKUP_SQL,
    LOST_SQL,
    copy_to_stage,
    create_temp_tables,
    drop_temp_tables,
    fast_commit,
    immediate_constraints,
    remember,
    stage_line,
)
from batteries.models import Channel, EventKind, ImportBatch, State
from batteries.services.packs import LEVEL
from batteries.services.rejections import (
    STORED_LANGUAGE,
    Rejection,
    code_rejections_log,
    parse_refusals,
    refusal_message,
)
from common.battery_code import normalize_battery_code, parse_battery_code
from enterprises.models import ManufacturerCode

CHUNK_SIZE = 10_000


class _Rollback(Exception):
    """Leave the all-or-nothing transaction without committing anything."""


@dataclass(slots=True)
class _Row:
    number: int
    fields: CodeFields
    parent_code: str
    mass_kg: int | None
    capacity_wh: int | None
    cells: list
    digest: str = ""  # the register event's hash, when the chunk is read for writing


@dataclass(slots=True)
class _Read:
    """A chunk as read from the file: rows whose code is valid and those whose code is not.

    Reading records nothing (no error, no counter): `_check_and_write` does, in file order,
    when the chunk's turn comes, so it can be done ahead while the previous chunk inserts.
    """

    size: int
    rows: list[_Row]
    bad_codes: list[tuple[int, list, list]]  # (row number, cells, code errors)
    now: datetime
    hasher: "RegisterHasher | None"


_END = object()


class _Lookahead:
    """Chunks of the file, each read one step ahead of its turn.

    `fetch` reads the next chunk (CSV parsing, code checks, register hashes: Python only, no
    database) and is called while PostgreSQL runs the current chunk's insert, so the two
    cores work at once. At most two chunks are in memory.
    """

    def __init__(self, chunks_iter: Iterator[list], read: Callable[[list], _Read]):
        self._chunks, self._read, self._next = chunks_iter, read, None

    def fetch(self) -> None:
        if self._next is None:
            try:
                chunk = next(self._chunks, None)
                self._next = _END if chunk is None else self._read(chunk)
            except Exception as problem:  # e.g. an undecodable line: raised at its turn,
                self._next = _Failed(problem)  # after the chunks before it are committed

    def take(self) -> _Read | None:
        self.fetch()
        read, self._next = self._next, None
        if isinstance(read, _Failed):
            raise read.problem
        return None if read is _END else read


@dataclass(frozen=True, slots=True)
class _Failed:
    problem: Exception


@dataclass(frozen=True, slots=True)
class _Known:
    """A code already in the registry (or, while only validating, earlier in the file)."""

    manufacturer_id: int | None
    holder_id: int
    product_type: str
    batch_id: int | None


_UNREAD = object()  # a cell the quick reader leaves to `positive_int` (and its error message)


def _text(cells: list, at: int | None) -> str:
    if at is None or at >= len(cells):
        return ""
    value = cells[at]
    return value.strip() if value.__class__ is str else cell_text(value)


def _quick_int(cells: list, at: int | None):
    """Return a plain positive integer cell, None if empty, else _UNREAD."""
    if at is None or at >= len(cells):
        return None
    value = cells[at]
    if value.__class__ is str:
        value = value.strip()
        if not value:
            return None
        if value.isascii() and value.isdigit() and 0 < int(value) <= MAX_INT:
            return int(value)
    return _UNREAD


def _timed_iter(rows: Iterator, timings: dict[str, float]) -> Iterator:
    """Yield the rows, adding the time spent reading them to timings["read"] per 1,000."""
    while True:
        started = time.perf_counter()
        block = list(itertools.islice(rows, 1000))
        timings["read"] += time.perf_counter() - started
        if not block:
            return
        yield from block


class PackImport:
    """Run one packs file for one batch; counters and errors go to the batch as it runs."""

    def __init__(self, batch: ImportBatch, *, report: ErrorReport, progress: Progress):
        self.batch, self.report, self.progress = batch, report, progress
        self.reporter = batch.enterprise
        self.counters = Counters()
        self.chunk_size = CHUNK_SIZE
        self.own_prefixes = set(
            ManufacturerCode.objects.filter(enterprise=self.reporter).values_list("code", flat=True)
        )
        self._all_prefixes: set[str] | None = None
        self._checker = CodeChecker(timezone.localdate())
        self._user = batch.uploaded_by  # loaded now: reading ahead must not query
        self._lookahead: _Lookahead | None = None
        self._header: HeaderMap | None = None
        self._at: dict[str, int | None] = {}
        # The chunk's codes refused for themselves, logged in one statement at its end; on
        # the side channel while an all-or-nothing transaction is open (its rollback must
        # not take the log with it).
        self._rejections: list[Rejection] = []
        self._log_connection = None
        self._report_in_stored_language = False  # then the report's texts are logged as is
        self.timings: dict[str, float] = defaultdict(float)  # seconds per step, for benchmarks

    @contextmanager
    def _timed(self, step: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[step] += time.perf_counter() - started

    # --- driving ------------------------------------------------------------------------

    def run(self, open_rows: Callable[[], AbstractContextManager[RowStream]]) -> Counters:
        """Import the file; in all-or-nothing mode validate it whole before writing anything."""
        create_temp_tables()
        try:
            if self.batch.mode == ImportBatch.Mode.COMMIT_VALID:
                self._pass(open_rows, write=True, atomic_chunks=True)
            elif self._validated(open_rows):
                self._write_all_or_nothing(open_rows)
        finally:
            drop_temp_tables()
        return self.counters

    def _validated(self, open_rows) -> bool:
        self.progress.save(self.counters, message=str(_("第 1 步：校验全部行（尚未写入）")))
        self._pass(open_rows, write=False, atomic_chunks=False)
        return not self.counters.rows_failed

    def _write_all_or_nothing(self, open_rows) -> None:
        self.counters = Counters()
        self.progress.save(self.counters, message=str(_("第 2 步：写入（全部成功才提交）")))
        self.progress.open_side_channel()
        self._log_connection = self.progress.side_connection
        try:
            with transaction.atomic():
                immediate_constraints()
                self._pass(open_rows, write=True, atomic_chunks=False)
                if self.counters.rows_failed:  # lost a race since the validation pass
                    raise _Rollback
        except _Rollback:
            self.counters.rows_created = 0
        finally:
            self._log_connection = None
            self.progress.close_side_channel()

    def _pass(self, open_rows, *, write: bool, atomic_chunks: bool) -> None:
        with open_rows() as stream:
            self._header = header_map(ImportBatch.Kind.PACKS, stream.header)
            self._at = {c.key: self._header.positions.get(c.key) for c in PACK_COLUMNS}
            rows = _timed_iter(stream.rows, self.timings)
            self._lookahead = _Lookahead(
                chunks(rows, self.chunk_size), lambda chunk: self._read(chunk, hash_rows=write)
            )
            while (read := self._lookahead.take()) is not None:
                if atomic_chunks:
                    with self._timed("transaction"), transaction.atomic():
                        fast_commit()
                        self._chunk(read, write=write)
                        self.progress.save(self.counters)
                else:
                    self._chunk(read, write=write)
                    self.progress.save(self.counters)

    def _chunk(self, read: _Read, *, write: bool) -> None:
        with self.report.in_row_order():
            self._check_and_write(read, write=write)

    def _read(self, chunk: list, *, hash_rows: bool) -> _Read:
        """Read a chunk's rows and check their codes; hash them if they are to be written."""
        now = timezone.now()
        if self._checker.today != timezone.localdate(now):
            self._checker = CodeChecker(timezone.localdate(now))
        with self._timed("check"):
            read = _Read(len(chunk), [], [], now, None)
            for number, cells in chunk:
                row = self._parse(number, cells)
                if isinstance(row, _Row):
                    read.rows.append(row)
                else:
                    read.bad_codes.append((number, cells, row))
        if hash_rows and read.rows:
            with self._timed("hash"):
                read.hasher = hasher = self._hasher(now)
                for row in read.rows:
                    row.digest = hasher.hash(row.fields.code)
        return read

    def _check_and_write(self, read: _Read, *, write: bool) -> None:
        started = time.perf_counter()
        self._report_in_stored_language = translation.get_language() == STORED_LANGUAGE
        self._bad_codes(read.bad_codes)
        rows = read.rows
        with self._timed("lookup"):
            # Writing, the codes of the reporter's own prefixes are not looked up first:
            # INSERT … ON CONFLICT finds those already registered as it goes, and
            # `_settle_lost_rows` sorts them out after (one probe of the code index per row
            # instead of two). Parents and other prefixes' codes are looked up, so a foreign
            # code reads "already registered" when it is, as in `packs_register`.
            codes = self._codes_to_check_first(rows) if write else _codes_to_look_up(rows)
            known = self._lookup(codes, with_seen=not write)
        with self._timed("check"):
            valid = self._classify(rows, known)
        self.counters.rows_done += read.size
        if valid and write:
            self._write(valid, read)
        elif valid:
            with self._timed("remember"):
                remember([r.fields.code for r in valid], [r.fields.product_type for r in valid])
        if self._rejections:
            with self._timed("rejections"):
                self._log_rejections()
        self.timings["chunk"] += time.perf_counter() - started

    def _log_rejections(self) -> None:
        rejections, self._rejections = self._rejections, []
        code_rejections_log(
            enterprise=self.reporter,
            rejections=rejections,
            channel=Channel.IMPORT,
            import_batch=self.batch,
            connection=self._log_connection,
        )

    # --- checking -----------------------------------------------------------------------

    def _bad_codes(self, bad_codes: list[tuple[int, list, list]]) -> None:
        """Record the rows whose code the parser refused, and queue the codes for the log."""
        for number, cells, errors in bad_codes:
            texts = [self._error(number, cells, "code", e.code, e.message) for e in errors]
            self._value_errors(number, cells)
            self.counters.rows_failed += 1
            code = normalize_battery_code(_text(cells, self._at["code"]))
            reuse = texts if self._report_in_stored_language else None
            self._rejections += parse_refusals(code, errors, reuse)

    def _parse(self, number: int, cells: list) -> _Row | list:
        """Check the code; read the other cells quickly (hard cases are left to _row_ok).

        Return the row, or the code's errors.
        """
        at = self._at
        fields, errors = self._checker.check(_text(cells, at["code"]))
        if fields is None:
            return errors
        parent = _text(cells, at["parent_code"]).upper()
        mass, capacity = _quick_int(cells, at["mass_kg"]), _quick_int(cells, at["capacity_wh"])
        return _Row(number, fields, parent, mass, capacity, cells)

    def _classify(self, rows: list[_Row], known: dict[str, _Known]) -> list[_Row]:
        valid: dict[str, _Row] = {}
        for row in rows:
            code = row.fields.code
            existing = known.get(code)
            if code in valid or (existing and existing.batch_id == self.batch.pk):
                self._fail(row, "code.duplicate_in_file", _("电池编码在文件中重复出现：%(code)s"))
            elif existing and existing.manufacturer_id == self.reporter.pk:
                self.counters.rows_duplicate += 1
            elif existing:
                self._fail(row, "code.duplicate", _("电池编码已登记：%(code)s"), rejected=True)
            elif self._row_ok(row, valid, known):
                valid[code] = row
        return list(valid.values())

    def _row_ok(self, row: _Row, valid: dict[str, _Row], known: dict[str, _Known]) -> bool:
        failures = 0
        if row.mass_kg is _UNREAD or row.capacity_wh is _UNREAD:
            failures = self._value_errors(row.number, row.cells, row)
        prefix = row.fields.manufacturer_code
        if prefix not in self.own_prefixes:
            error_code, message = self._prefix_error(prefix)
            text = self._error(row.number, row.cells, "code", error_code, message)
            self._reject(row.fields.code, error_code, message, text)
            failures += 1
        elif row.parent_code:
            failures += self._parent_errors(row, valid, known)
        if failures:
            self.counters.rows_failed += 1
        return not failures

    def _value_errors(self, number: int, cells: list, row: _Row | None = None) -> int:
        failures = 0
        for key in ("mass_kg", "capacity_wh"):
            try:
                value = positive_int(self._cell(cells, key))
            except CellError as error:
                self._error(number, cells, key, error.code, error.message)
                failures += 1
            else:
                if row is not None:
                    setattr(row, key, value)
        return failures

    def _parent_errors(self, row: _Row, valid: dict[str, _Row], known: dict[str, _Known]) -> int:
        parent = valid.get(row.parent_code)
        parent_type = parent.fields.product_type if parent else None
        if parent is None:
            existing = known.get(row.parent_code)
            if existing and existing.holder_id == self.reporter.pk:
                parent_type = existing.product_type
        if parent_type is None:
            message = _("上级编码未登记或不属于本企业：%(c)s") % {"c": row.parent_code}
            self._error(row.number, row.cells, "parent_code", "code.parent_unknown", message)
            return 1
        if LEVEL[parent_type] <= LEVEL[row.fields.product_type]:
            message = _("上级编码的层级必须高于本编码（电池包 > 模块 > 单体）。")
            self._error(row.number, row.cells, "parent_code", "code.parent_level", message)
            return 1
        return 0

    def _lookup(self, codes: list[str], *, with_seen: bool) -> dict[str, _Known]:
        """Return the codes of the chunk (and its parents) the registry already knows."""
        if not codes:
            return {}
        params = {"codes": codes, "batch": self.batch.pk, "reporter": self.reporter.pk}
        with connection.connection.cursor() as cursor:
            cursor.execute(LOOKUP_SQL, params)
            rows = cursor.fetchall()
            if with_seen:
                cursor.execute(LOOKUP_SEEN_SQL, params)
                rows += cursor.fetchall()
        return {code: _Known(*rest) for code, *rest in rows}

    def _prefix_error(self, prefix: str) -> tuple[str, str]:
        if self._all_prefixes is None:
            self._all_prefixes = set(ManufacturerCode.objects.values_list("code", flat=True))
        if prefix in self._all_prefixes:
            message = refusal_message(_("厂商代码 %(m)s 不属于本企业。"), {"m": prefix})
            return "code.manufacturer_not_own", message
        message = refusal_message(_("厂商代码 %(m)s 未在平台备案。"), {"m": prefix})
        return "code.manufacturer_unregistered", message

    def _fail(self, row: _Row, error_code: str, message, *, rejected: bool = False) -> None:
        """Record a row's code error; `rejected`: a refusal of the code itself, logged."""
        message = refusal_message(message, {"code": row.fields.code})
        text = self._error(row.number, row.cells, "code", error_code, message)
        self.counters.rows_failed += 1
        if rejected:
            self._reject(row.fields.code, error_code, message, text)

    def _reject(self, code: str, error_code: str, message, text: str) -> None:
        """Queue a code refused for itself for the chunk's log (rendered once if Chinese)."""
        self._rejections.append(
            (code, error_code, text if self._report_in_stored_language else message)
        )

    def _cell(self, cells: list, key: str):
        position = self._header.positions.get(key)
        return cells[position] if position is not None and position < len(cells) else ""

    def _error(self, number: int, cells: list, key: str, code: str, message) -> str:
        """Record one error of a row; return its message as the report renders it."""
        text = str(message)
        self.report.add(
            row=number,
            field=self._header.label(key, PACK_COLUMNS),
            code=code,
            message=text,
            value=cell_text(self._cell(cells, key)),
        )
        return text

    # --- writing ------------------------------------------------------------------------

    def _hasher(self, now: datetime) -> RegisterHasher:
        return RegisterHasher(
            reporter=self.reporter,
            user=self._user,
            import_batch=self.batch,
            now=now,
            channel=Channel.IMPORT,
        )

    def _write(self, rows: list[_Row], read: _Read) -> None:
        first = rows[0].fields
        today = self._checker.today
        read.hasher.verify(first, parsed_again=parse_battery_code(first.code, today=today))
        raw = connection.connection
        with raw.cursor() as cursor:
            with self._timed("hash"):
                text = "".join(stage_line(row, row.digest) for row in rows)
            with self._timed("copy"):
                copy_to_stage(cursor, text)
        levels = sorted({r.fields.product_type for r in rows}, key=LEVEL.get, reverse=True)
        started = time.perf_counter()
        # Pipeline mode sends the inserts without waiting for them; the next chunk is read
        # meanwhile, and leaving the block waits for the results.
        cursors = [raw.cursor() for _ in levels]
        try:
            with raw.pipeline():
                for cursor, level in zip(cursors, levels, strict=True):
                    cursor.execute(INSERT_SQL, self._insert_params(level, read.now))
                ahead = time.perf_counter()
                self._lookahead.fetch()
                ahead = time.perf_counter() - ahead
            created = sum(cursor.rowcount for cursor in cursors)
        finally:
            for cursor in cursors:
                cursor.close()
        # The reading ahead is counted in its own steps (read, check, hash).
        self.timings["insert"] += time.perf_counter() - started - ahead
        self.counters.rows_created += created
        if created < len(rows):
            self._settle_lost_rows()

    def _insert_params(self, level: str, now) -> dict:
        return {
            "level": level,
            "reporter": self.reporter.pk,
            "user": self.batch.uploaded_by_id,
            "batch": self.batch.pk,
            "now": now,
            "registered": State.REGISTERED.value,
            "register": EventKind.REGISTER.value,
            "channel": Channel.IMPORT.value,
        }

    def _codes_to_check_first(self, rows: list[_Row]) -> list[str]:
        own = self.own_prefixes
        codes = {row.parent_code for row in rows if row.parent_code}
        codes.update(r.fields.code for r in rows if r.fields.manufacturer_code not in own)
        return list(codes)

    def _settle_lost_rows(self) -> None:
        """Classify the rows the insert skipped: codes registered before (by this file, by
        the reporter, by another enterprise, perhaps a moment ago) and parents gone since."""
        with connection.connection.cursor() as cursor:
            cursor.execute(LOST_SQL)
            lost = cursor.fetchall()
        for number, code, parent_code, manufacturer_id, batch_id in lost:
            value = code
            if manufacturer_id is None:
                field, error, value = "parent_code", "code.parent_unknown", parent_code
                message = _("写入时上级编码已不可用，请重新导入该行：%(code)s")
            elif batch_id == self.batch.pk:
                field, error = "code", "code.duplicate_in_file"
                message = _("电池编码在文件中重复出现：%(code)s")
            elif manufacturer_id == self.reporter.pk:
                self.counters.rows_duplicate += 1
                continue
            else:
                field, error = "code", "code.duplicate"
                message = _("电池编码已登记：%(code)s")
            self.counters.rows_failed += 1
            message = refusal_message(message, {"code": code})
            text = str(message)
            self.report.add(
                row=number,
                field=self._header.label(field, PACK_COLUMNS),
                code=error,
                message=text,
                value=value,
            )
            if error == "code.duplicate":
                self._reject(code, error, message, text)


def _codes_to_look_up(rows: list[_Row]) -> list[str]:
    codes = {row.fields.code for row in rows}
    codes.update(row.parent_code for row in rows if row.parent_code)
    return list(codes)
