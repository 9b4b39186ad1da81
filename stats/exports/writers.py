"""Write rows to XLSX or CSV as they come: nothing but the current row is held in memory.

XLSX: XlsxWriter in constant-memory mode (each row goes to disk once written, strings are
written inline), a bold frozen header row with a filter, real date, time and number cells
with number formats, column widths estimated from the header and the first rows. Past
Excel's 1,048,576 rows a sheet, the rows go on in a second sheet with the same header.
CSV: UTF-8 with a byte-order mark (Excel on Chinese Windows reads it right), ISO dates,
and text that a spreadsheet would run as a formula is quoted with an apostrophe.
"""

import csv
import datetime as dt
import itertools
import unicodedata
from collections.abc import Callable, Iterable, Sequence

import xlsxwriter

from stats.exports.columns import DATE, DATETIME, INT, MONTH, PERCENT, TEXT, YUAN, Column

SAMPLE_ROWS = 200  # rows read ahead to size the columns
PROGRESS_EVERY = 10_000
XLSX_ROWS_PER_SHEET = 1_048_576  # Excel's limit, the header row included
MIN_WIDTH, MAX_WIDTH = 6, 60
NUMBER_FORMATS = {
    DATE: "yyyy-mm-dd",
    MONTH: "yyyy-mm",
    DATETIME: "yyyy-mm-dd hh:mm:ss",
    INT: "0",
    YUAN: "#,##0.00",
    PERCENT: "0.0%",
}
# A cell starting with one of these runs as a formula when a spreadsheet opens the CSV.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Progress = Callable[[int], None] | None


def display_width(text: str) -> int:
    """Return the width of a text in spreadsheet columns (a Chinese character counts 2)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _shown(column: Column, value) -> str:
    """Return a cell value as the spreadsheet shows it (for sizing the column)."""
    if value is None:
        return ""
    if column.type == DATETIME:
        return "0000-00-00 00:00:00"
    if column.type == DATE:
        return "0000-00-00"
    if column.type == MONTH:
        return "0000-00"
    if column.type == YUAN:
        return f"{value:,.2f}"
    if column.type == PERCENT:
        return f"{value * 100:.1f}%"
    return str(value)


def column_widths(columns: Sequence[Column], headers: Sequence[str], sample) -> list[int]:
    """Return each column's width: its header's or its widest sampled value's, bounded."""
    widths = []
    for index, (column, header) in enumerate(zip(columns, headers, strict=True)):
        widest = max(
            [display_width(header), *(display_width(_shown(column, row[index])) for row in sample)]
        )
        widths.append(max(MIN_WIDTH, min(MAX_WIDTH, widest + 2)))
    return widths


def _cells(columns: Sequence[Column], rows: Iterable[Sequence]) -> Iterable[list]:
    cells = [column.converter() for column in columns]
    for row in rows:
        yield [cell(value) for cell, value in zip(cells, row, strict=True)]


def write_xlsx(
    path: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence],
    *,
    title: str,
    on_progress: Progress = None,
) -> int:
    """Write the rows (stored values, in column order) to an XLSX file; return how many."""
    headers = [str(column.header) for column in columns]
    stream = _cells(columns, rows)
    sample = list(itertools.islice(stream, SAMPLE_ROWS))
    widths = column_widths(columns, headers, sample)
    workbook = xlsxwriter.Workbook(
        path,
        {
            "constant_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    bold = workbook.add_format({"bold": True, "bg_color": "#EEF2F7", "border": 1})
    formats = {kind: workbook.add_format({"num_format": f}) for kind, f in NUMBER_FORMATS.items()}
    sheets: list = []

    def new_sheet():
        name = _sheet_name(title, len(sheets) + 1)
        sheet = workbook.add_worksheet(name)
        for index, (header, width) in enumerate(zip(headers, widths, strict=True)):
            sheet.set_column(index, index, width, formats.get(columns[index].type))
            sheet.write_string(0, index, header, bold)
        sheet.freeze_panes(1, 0)
        sheets.append(sheet)
        return sheet

    writers = [_xlsx_writer(column, formats) for column in columns]
    sheet, row_index, written = new_sheet(), 1, 0
    for values in itertools.chain(sample, stream):
        if row_index == XLSX_ROWS_PER_SHEET:
            sheet.autofilter(0, 0, row_index - 1, len(columns) - 1)
            sheet, row_index = new_sheet(), 1
        for col, (write, value) in enumerate(zip(writers, values, strict=True)):
            if value is not None:
                write(sheet, row_index, col, value)
        row_index += 1
        written += 1
        if on_progress and written % PROGRESS_EVERY == 0:
            on_progress(written)
    sheet.autofilter(0, 0, max(row_index - 1, 1), len(columns) - 1)
    workbook.close()
    return written


def _xlsx_writer(column: Column, formats: dict):
    fmt = formats.get(column.type)
    if column.type in {DATE, MONTH, DATETIME}:
        return lambda sheet, r, c, v: sheet.write_datetime(r, c, v, fmt)
    if column.type == YUAN:
        return lambda sheet, r, c, v: sheet.write_number(r, c, float(v), fmt)
    if column.type in {INT, PERCENT}:
        return lambda sheet, r, c, v: sheet.write_number(r, c, v, fmt)
    return lambda sheet, r, c, v: sheet.write_string(r, c, v)


def _sheet_name(title: str, number: int) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet name."""
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in title)[:25] or "Sheet"
    return clean if number == 1 else f"{clean} ({number})"


def write_csv(
    handle, columns: Sequence[Column], rows: Iterable[Sequence], *, on_progress: Progress = None
) -> int:
    """Write a BOM, the header and the rows to a binary file; return how many rows."""
    text = _TextSink(handle)
    writer = csv.writer(text)
    text.raw.write(b"\xef\xbb\xbf")
    writer.writerow([str(column.header) for column in columns])
    shows = [_csv_text(column.type) for column in columns]
    written = 0
    for values in _cells(columns, rows):
        writer.writerow(
            ["" if v is None else show(v) for show, v in zip(shows, values, strict=True)]
        )
        written += 1
        if on_progress and written % PROGRESS_EVERY == 0:
            on_progress(written)
    text.flush()
    return written


class _TextSink:
    """A text file over a binary one, encoding in batches (the csv module writes str)."""

    def __init__(self, raw):
        self.raw, self.parts, self.size = raw, [], 0

    def write(self, value: str) -> None:
        self.parts.append(value)
        self.size += len(value)
        if self.size > 1 << 16:
            self.flush()

    def flush(self) -> None:
        self.raw.write("".join(self.parts).encode("utf-8"))
        self.parts, self.size = [], 0


def _csv_text(kind: str):
    if kind == DATETIME:
        return lambda v: v.strftime("%Y-%m-%d %H:%M:%S")
    if kind == DATE:
        return dt.date.isoformat
    if kind == MONTH:
        return lambda v: v.strftime("%Y-%m")
    if kind == YUAN:
        return lambda v: f"{v:.2f}"
    if kind == PERCENT:
        return lambda v: f"{v * 100:.1f}%"
    if kind == TEXT:
        return _safe_text
    return str


def _safe_text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value
