"""Reading what an export produced: the XLSX through openpyxl, the CSV through csv."""

import codecs
import csv
import datetime as dt
import io

from django.urls import reverse
from openpyxl import load_workbook

NEW = reverse("stats_exports:new")


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def workbook(response):
    assert response.status_code == 200, response.content[:2000]
    return load_workbook(io.BytesIO(body(response)))


def sheet_rows(sheet) -> list[list]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def csv_rows(response) -> list[list[str]]:
    data = body(response)
    assert data.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(data[len(codecs.BOM_UTF8) :].decode("utf-8"))))


def export(client, table: str, fmt: str = "xlsx", **filters):
    return client.get(NEW, {"table": table, "format": fmt, **filters})


def cell_time(*parts: int) -> dt.datetime:
    """A spreadsheet time: Beijing wall-clock time, with no zone (cells have none)."""
    return dt.datetime(*parts)  # noqa: DTZ001
