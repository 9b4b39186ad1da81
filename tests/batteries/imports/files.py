"""Build import files in memory and run them through the real upload service and task body."""

import csv
import io
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from batteries.imports.services import import_batch_create, import_batch_run
from batteries.models import ImportBatch
from common.battery_code import make_battery_code

PACK_HEADER = ["电池编码", "上级编码", "质量(kg)", "额定能量(Wh)"]
EVENT_HEADER = [
    "电池编码",
    "事件类型",
    "发生时间",
    "对方企业统一社会信用代码",
    "车辆识别代号",
    "回收网点编号",
    "单据编号",
    "备注",
]


def code(mfr: str = "T01", serial: int = 1, product_type: str = "P") -> str:
    return make_battery_code(
        manufacturer=mfr, product_type=product_type, produced=date(2026, 3, 15), serial=serial
    )


def csv_bytes(rows: list[list], *, header=None, encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header or PACK_HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list], *, header=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header or PACK_HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(user, content: bytes, *, name="packs.csv", kind="packs", mode="commit_valid"):
    """Store a file as a queued batch, exactly as the upload page does."""
    return import_batch_create(
        user=user, kind=kind, mode=mode, upload=SimpleUploadedFile(name, content)
    )


def run(batch: ImportBatch) -> ImportBatch:
    """Run the Celery task's body for the batch and return the batch as stored."""
    import_batch_run(batch_id=batch.pk)
    batch.refresh_from_db()
    return batch


def import_file(user, content: bytes, **kwargs) -> ImportBatch:
    return run(upload(user, content, **kwargs))


def report_rows(batch: ImportBatch) -> list[list[str]]:
    """Return the error report's rows (header first), checking it is UTF-8 with a BOM."""
    with batch.error_report.open("rb") as handle:
        raw = handle.read()
    assert raw.startswith(b"\xef\xbb\xbf"), "the error report must carry a UTF-8 BOM for Excel"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
