"""Downloadable import templates: Chinese headers and one example row, as CSV or XLSX."""

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


def template_csv(kind: str, enterprise: Enterprise | None) -> bytes:
    """Return the template as CSV in UTF-8 with a BOM (Excel on Chinese Windows)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.label for column in COLUMNS[kind]])
    writer.writerow(example_row(kind, enterprise))
    return buffer.getvalue().encode("utf-8-sig")


def template_xlsx(kind: str, enterprise: Enterprise | None) -> bytes:
    """Return the template as XLSX: data sheet first, then the accepted event types."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "导入数据"
    sheet.append([column.label for column in COLUMNS[kind]])
    sheet.append(example_row(kind, enterprise))
    for letter in "ABCDEFGH"[: len(COLUMNS[kind])]:
        sheet.column_dimensions[letter].width = 26
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
