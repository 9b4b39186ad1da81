"""Downloadable import templates: the Chinese headers, as CSV or XLSX.

The data sheet holds the header only, so a template uploaded as downloaded imports nothing
by mistake; the XLSX carries one example row on a sheet of its own (填写示例), which the
import never reads (it reads the first sheet).
"""

import csv
import io
from datetime import date

from django.utils import timezone, translation
from openpyxl import Workbook

from batteries.imports.columns import COLUMNS, NOT_IMPORTABLE_KINDS
from batteries.models import EventKind, ImportBatch
from common.battery_code import make_battery_code
from enterprises.models import Enterprise

FORMATS = ("csv", "xlsx")
EXAMPLE_VIN = "LDC123452R0000001"  # a well-formed VIN (check digit 2), for the template


def _example_code(enterprise: Enterprise | None, today: date) -> str:
    prefix = "001"
    if enterprise is not None:
        prefix = (
            enterprise.manufacturer_codes.order_by("code").values_list("code", flat=True).first()
            or prefix
        )
    return make_battery_code(manufacturer=prefix, produced=today, serial=1)


def example_row(kind: str, enterprise: Enterprise | None) -> list[str]:
    """Return one plausible row for the template (the enterprise's own manufacturer code)."""
    today = timezone.localdate()
    code = _example_code(enterprise, today)
    if kind == ImportBatch.Kind.PACKS:
        return [code, "", "450", "60000"]
    if kind == ImportBatch.Kind.SCRAPPED_VEHICLES:
        return [
            EXAMPLE_VIN,
            f"BF{today:%Y%m%d}0001",
            f"{today.isoformat()} 09:30",
            code,
            "否",
            "否",
            "示例：整车到场，电池随车",
        ]
    with translation.override("zh-hans"):
        produce = str(EventKind.PRODUCE.label)
    return [code, produce, f"{today.isoformat()} 09:30", "", "", "", "", "示例：首批下线"]


EXAMPLE_SHEET = "填写示例"


def template_csv(kind: str, enterprise: Enterprise | None) -> bytes:
    """Return the template as CSV in UTF-8 with a BOM (Excel on Chinese Windows): the header."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.label for column in COLUMNS[kind]])
    return buffer.getvalue().encode("utf-8-sig")


def template_xlsx(kind: str, enterprise: Enterprise | None) -> bytes:
    """Return the template as XLSX: the data sheet (header only), an example, event types."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "导入数据"
    sheet.append([column.label for column in COLUMNS[kind]])
    example = workbook.create_sheet(EXAMPLE_SHEET)
    example.append([column.label for column in COLUMNS[kind]])
    example.append(example_row(kind, enterprise))
    example.append([])
    example.append(["示例行，仅供参考：请在“导入数据”工作表填写，本工作表不会被导入。"])
    for letter in "ABCDEFGH"[: len(COLUMNS[kind])]:
        sheet.column_dimensions[letter].width = 26
        example.column_dimensions[letter].width = 26
    if kind == ImportBatch.Kind.EVENTS:
        kinds = workbook.create_sheet("事件类型")
        kinds.append(["事件代码", "中文名称"])
        with translation.override("zh-hans"):
            for event_kind in EventKind:
                if event_kind not in NOT_IMPORTABLE_KINDS:
                    kinds.append([event_kind.value, str(event_kind.label)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
