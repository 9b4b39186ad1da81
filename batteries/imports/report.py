"""Row errors and warnings streamed to a CSV report on disk, counters, and progress.

A row with an error was not imported; a row with a warning was recorded, and what it says
will be examined by the regulator (a handover to an unqualified receiver, a vehicle
scrapped without its pack). The report says which is which in its last column.
"""

import contextlib
import csv
import os
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from batteries.models import ImportBatch

SAMPLE_SIZE = 100
REPORT_HEADER = (_("行号"), _("字段"), _("错误代码"), _("错误说明"), _("原始值"), _("处理结果"))
NOT_IMPORTED = _("错误，未导入")
RECORDED_WITH_WARNING = _("提示，已记录")
# A cell starting with one of these is a formula to Excel: never let a file inject one.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


@dataclass
class Counters:
    rows_done: int = 0
    rows_created: int = 0
    rows_duplicate: int = 0
    rows_failed: int = 0
    rows_warned: int = 0  # recorded with a warning (counted in rows_created too)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class ErrorReport:
    """Write every row error and warning to a temporary CSV (UTF-8 with BOM).

    The first 100 entries are kept as the sample the import page shows; a warning's entry
    says so with `"level": "warning"`.
    """

    sample: list[dict] = field(default_factory=list)
    errors: int = 0
    warnings: int = 0
    path: str = ""

    def __post_init__(self):
        self._held: list[tuple] | None = None
        handle, self.path = tempfile.mkstemp(prefix="import-errors-", suffix=".csv")
        self._file = os.fdopen(handle, "w", encoding="utf-8-sig", newline="")
        self._writer = csv.writer(self._file)
        self._writer.writerow([str(title) for title in REPORT_HEADER])

    def add(self, *, row: int, field: str, code: str, message, value: object = "") -> None:
        """Record one error of a row; `message` may be lazy and is translated now."""
        if self._held is not None:
            self._held.append((row, field, code, str(message), value))
            return
        self._write(row, field, code, str(message), value)

    def warn(self, *, row: int, field: str, code: str, message, value: object = "") -> None:
        """Record a warning of a row that was imported (recorded, to be examined)."""
        if self._held is not None:
            self._held.append((row, field, code, str(message), value, True))
            return
        self._write(row, field, code, str(message), value, warning=True)

    @contextlib.contextmanager
    def in_row_order(self) -> Iterator[None]:
        """Hold the errors added inside the block, then record them sorted by row.

        For a chunk whose errors are found in more than one pass (some only after the
        insert): the report still reads top to bottom, a row's own errors in their order.
        """
        self._held = []
        try:
            yield
        finally:
            held, self._held = self._held, None
            for entry in sorted(held, key=lambda entry: entry[0]):
                self._write(*entry)

    def _write(
        self, row: int, field: str, code: str, text: str, value: object, warning: bool = False
    ) -> None:
        outcome = RECORDED_WITH_WARNING if warning else NOT_IMPORTED
        self._writer.writerow([row, _safe(field), code, _safe(text), _safe(value), str(outcome)])
        if warning:
            self.warnings += 1
        else:
            self.errors += 1
        if len(self.sample) < SAMPLE_SIZE:
            entry = {"row": row, "field": field, "code": code, "message": text, "value": str(value)}
            self.sample.append({**entry, "level": "warning"} if warning else entry)

    def close(self) -> str | None:
        """Close the file; return its path if it holds errors or warnings, else delete it."""
        self._file.close()
        if self.errors or self.warnings:
            return self.path
        self.discard()
        return None

    def discard(self) -> None:
        if not self._file.closed:
            self._file.close()
        if os.path.exists(self.path):
            os.unlink(self.path)


class Progress:
    """Write a batch's counters with one UPDATE.

    Inside a long all-or-nothing transaction the poller could not see the numbers, so
    `open_side_channel` switches to a second connection in autocommit mode until closed.
    """

    def __init__(self, batch_id: int):
        self.batch_id = batch_id
        self._side = None

    def save(self, counters: Counters, **extra) -> None:
        values = counters.as_dict() | extra | {"heartbeat_at": timezone.now()}
        if self._side is None:
            ImportBatch.objects.filter(pk=self.batch_id).update(**values)
            return
        columns = ", ".join(f"{name} = %s" for name in values)
        with self._side.cursor() as cursor:
            cursor.execute(
                f"UPDATE batteries_importbatch SET {columns} WHERE id = %s",
                [*values.values(), self.batch_id],
            )

    def open_side_channel(self) -> None:
        self._side = connections.create_connection("default")

    @property
    def side_connection(self):
        """Return the open side channel (a connection in autocommit mode), or None."""
        return self._side

    def close_side_channel(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None


class ImportRejected(Exception):
    """The whole file is refused before or while running; nothing more is imported."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)
