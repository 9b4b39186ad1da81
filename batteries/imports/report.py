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


# --- The file a clerk corrects and uploads again ----------------------------------------------
# The stored report above lists one line per problem (row, field, code, message). People get
# instead their own rows, as uploaded, with two columns added: what happened to the row and
# what is wrong with it, in their language; no internal codes. Uploaded again as it is, the
# added columns are ignored (columns.REPORT_HEADERS).

OTHER_ROWS_FAILED = _("未导入（文件中其他行有错误）")


@dataclass
class RowProblems:
    """What the stored report says of one row: its messages, and whether it was recorded."""

    messages: list[str] = field(default_factory=list)
    warning_only: bool = True


def _recorded_texts() -> set[str]:
    """Return the stored outcome text of a recorded row, in every language it may be in."""
    from django.conf import settings
    from django.utils import translation

    texts = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            texts.add(str(RECORDED_WITH_WARNING))
    return texts


def stored_problems(report_path: str) -> Iterator[tuple[int, RowProblems]]:
    """Yield (row, its problems) from a stored report, in the report's row order."""
    from batteries.web.stored_text import stored_text

    recorded = _recorded_texts()
    current, problems = None, RowProblems()
    with open(report_path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        next(reader, None)  # the header
        for line in reader:
            if len(line) < 4 or not line[0].isdigit():
                continue
            row, column, message = int(line[0]), line[1], stored_text(line[3])
            warning = len(line) > 5 and line[5] in recorded
            if row != current:
                if current is not None:
                    yield current, problems
                current, problems = row, RowProblems()
            problems.messages.append(
                str(_("%(column)s：%(message)s") % {"column": column, "message": message})
                if column
                else message
            )
            problems.warning_only = problems.warning_only and warning
    if current is not None:
        yield current, problems


def correction_rows(rows, header: list, problems, *, every_row: bool):
    """Yield the header and the rows to correct, each with its outcome and its problems.

    `rows` and `problems` come in row order (the importers write the report so); `every_row`
    also yields the rows without problems (an all-or-nothing file of which nothing was
    imported: it is corrected and uploaded again whole).
    """
    from django.utils.translation import pgettext

    from batteries.imports.columns import OUTCOME_HEADER, PROBLEMS_HEADER, REPORT_HEADERS

    separator = pgettext("list separator", "；")
    kept = [i for i, cell in enumerate(header) if str(cell or "").strip() not in REPORT_HEADERS]
    yield [header[i] for i in kept] + [OUTCOME_HEADER, PROBLEMS_HEADER]
    pending = iter(problems)
    next_problem = next(pending, None)
    for number, cells in rows:
        while next_problem is not None and next_problem[0] < number:
            next_problem = next(pending, None)  # a row the file no longer has
        found = None
        if next_problem is not None and next_problem[0] == number:
            found, next_problem = next_problem[1], next(pending, None)
        if found is None and not every_row:
            continue
        own = [cells[i] if i < len(cells) else "" for i in kept]
        if found is None:
            outcome, text = OTHER_ROWS_FAILED, ""
        else:
            outcome = RECORDED_WITH_WARNING if found.warning_only else NOT_IMPORTED
            text = separator.join(found.messages)
        yield [*own, str(outcome), _safe(text)]
