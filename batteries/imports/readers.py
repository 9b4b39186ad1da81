"""Read import files as a stream of rows: CSV (UTF-8, UTF-8 with BOM, GB18030) and XLSX.

CSV is read line by line and never held whole. XLSX sheets of up to CALAMINE_MAX_ROWS rows
are decoded by python-calamine (fast, but it holds the whole decoded sheet in native memory:
~55 MB per 200k rows of four columns, ~270 MB for Excel's 1,048,576); larger sheets, or
sheets that do not declare their size, are streamed by openpyxl's read-only mode in
constant memory, about four times slower to parse.
"""

import codecs
import csv
import io
import itertools
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from django.utils.translation import gettext_lazy as _

CSV, XLSX = "csv", "xlsx"
SNIFF_BYTES = 1 << 20  # the first chunk decides the encoding
COUNT_BYTES = 1 << 20
ZIP_MAGIC = b"PK\x03\x04"
# A spreadsheet row can hold a long remark; the csv module's default limit is 128 KiB.
csv.field_size_limit(1 << 20)


class FileProblem(Exception):
    """The file cannot be read at all (format or encoding); carries a user message."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def file_format(name: str, head: bytes) -> str:
    """Return CSV or XLSX from the file name, checked against the first bytes."""
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        if not head.startswith(ZIP_MAGIC):
            raise FileProblem(_("文件扩展名为 .xlsx，但内容不是 Excel 工作簿。"))
        return XLSX
    if suffix == ".csv":
        if head.startswith(ZIP_MAGIC):
            raise FileProblem(_("文件扩展名为 .csv，但内容是 Excel 工作簿，请改为 .xlsx。"))
        return CSV
    raise FileProblem(
        _("不支持的文件类型“%(s)s”：请上传 CSV（.csv）或 Excel 工作簿（.xlsx）。")
        % {"s": suffix or name}
    )


def detect_encoding(head: bytes) -> str:
    """Return the encoding of a CSV from its first chunk: UTF-8 (BOM or strict) or GB18030."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        # final=False: a multi-byte character cut at the chunk's end is not an error.
        codecs.getincrementaldecoder("utf-8")("strict").decode(head, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def csv_data_lines(stream: BinaryIO) -> int:
    """Return the number of lines after the header, counted in one streaming pass."""
    lines, last = 0, b""
    while chunk := stream.read(COUNT_BYTES):
        lines += chunk.count(b"\n")
        last = chunk[-1:]
    if last and last != b"\n":
        lines += 1
    return max(lines - 1, 0)


def xlsx_data_lines(stream: BinaryIO) -> int | None:
    """Return the data rows the first sheet declares in its dimension, without reading it."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(stream, read_only=True)
        rows = workbook.worksheets[0].max_row
        workbook.close()
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, IndexError):
        return None
    return max(rows - 1, 0) if rows else None


def read_header(stream: BinaryIO, fmt: str) -> list:
    """Return the first row of the file (its header); raise FileProblem if unreadable."""
    if fmt == XLSX:
        return _xlsx_header(stream)
    encoding = detect_encoding(stream.read(SNIFF_BYTES))
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    try:
        return next(csv.reader(text), [])
    except UnicodeDecodeError:
        raise FileProblem(_("无法识别文件编码：请保存为 UTF-8 或 GB18030 编码的 CSV。")) from None
    finally:
        text.detach()


def _xlsx_header(stream: BinaryIO) -> list:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(stream, read_only=True)
        first = next(workbook.worksheets[0].iter_rows(max_row=1, values_only=True), ())
        workbook.close()
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, IndexError):
        raise FileProblem(_("无法读取 Excel 工作簿：文件已损坏或不是 .xlsx 格式。")) from None
    return list(first)


@dataclass
class RowStream:
    """The header and an iterator of (row number as the spreadsheet shows it, cells)."""

    header: list
    rows: Iterator[tuple[int, list]]
    exact_total: int | None = None


@contextmanager
def open_rows(path: str, fmt: str) -> Iterator[RowStream]:
    """Open a stored import file and yield its header and non-blank data rows."""
    if fmt == XLSX:
        with _xlsx_rows(path) as stream:
            yield stream
        return
    with open(path, "rb") as raw:
        encoding = detect_encoding(raw.read(SNIFF_BYTES))
        raw.seek(0)
        with io.TextIOWrapper(raw, encoding=encoding, newline="") as text:
            reader = csv.reader(text)
            header = next(reader, [])
            yield RowStream(header, _csv_rows(reader))


def _csv_rows(reader) -> Iterator[tuple[int, list]]:
    number = 1  # the header is row 1
    try:
        for row in reader:
            number += 1
            if any(row):
                yield number, row
    except UnicodeDecodeError:
        raise FileProblem(
            _("第 %(n)s 行附近包含无法识别的字符编码：请将整个文件保存为 UTF-8 或 GB18030。")
            % {"n": number + 1}
        ) from None


CALAMINE_MAX_ROWS = 200_000


@contextmanager
def _xlsx_rows(path: str) -> Iterator[RowStream]:
    with open(path, "rb") as handle:
        declared = xlsx_data_lines(handle)
    if declared is None or declared > CALAMINE_MAX_ROWS:
        with _xlsx_rows_streamed(path, declared) as stream:
            yield stream
        return
    with _xlsx_rows_calamine(path) as stream:
        yield stream


@contextmanager
def _xlsx_rows_streamed(path: str, declared: int | None) -> Iterator[RowStream]:
    """Rows of a big sheet, parsed as they are read (read-only mode keeps memory flat)."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, IndexError):
        raise FileProblem(_("无法读取 Excel 工作簿：文件已损坏或不是 .xlsx 格式。")) from None
    try:
        # Read-only mode pads missing rows, so row numbers follow the sheet's own.
        rows = (_openpyxl_values(row) for row in sheet.iter_rows())
        header = next(rows, [])
        yield RowStream(header, _xlsx_data(rows, sheet.min_row or 1), declared)
    finally:
        workbook.close()


def _openpyxl_values(row) -> list:
    """Return cell values as calamine gives them: "" when empty, a date for date-only cells."""
    from openpyxl.styles.numbers import is_datetime

    values = []
    for cell in row:
        value = cell.value
        if value is None:
            value = ""
        elif isinstance(value, datetime) and is_datetime(cell.number_format) == "date":
            value = value.date()
        values.append(value)
    return values


@contextmanager
def _xlsx_rows_calamine(path: str) -> Iterator[RowStream]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(path)
        sheet = workbook.get_sheet_by_index(0)
    except CalamineError:
        raise FileProblem(_("无法读取 Excel 工作簿：文件已损坏或不是 .xlsx 格式。")) from None
    try:
        first_row = (sheet.start or (0, 0))[0] + 1
        rows = sheet.iter_rows()
        header = next(rows, [])
        yield RowStream(header, _xlsx_data(rows, first_row), max(sheet.height - 1, 0))
    finally:
        workbook.close()


def _xlsx_data(rows, first_row: int) -> Iterator[tuple[int, list]]:
    for offset, row in enumerate(rows, start=1):
        if any(cell is not None and cell != "" for cell in row):
            yield first_row + offset, row


def chunks(rows: Iterator, size: int) -> Iterator[list]:
    """Yield lists of up to `size` rows: only one chunk is ever held in memory."""
    while chunk := list(itertools.islice(rows, size)):
        yield chunk
