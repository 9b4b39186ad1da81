"""The register file's columns and the check of each row: facts in, a row or its errors out.

Four columns, Chinese headers as the commerce authorities' system exports them, each also
accepted under an English alias. Headers are matched as the battery imports match theirs
(NFKC folding, spaces removed, case ignored).
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from batteries.imports.columns import Column, HeaderError, HeaderMap, cell_text, normalize_header
from common.identifiers import (
    normalize_identifier,
    normalize_uscc,
    normalize_vin,
    validate_uscc,
    validate_vin,
)

COLUMNS: tuple[Column, ...] = (
    Column("vin", "车辆识别代号", ("vin", "车架号"), required=True),
    Column("certificate_no", "证明编号", ("certificate_no", "回收证明编号"), required=True),
    Column("scrapped_on", "报废日期", ("scrapped_on", "回收日期"), required=True),
    Column(
        "dismantler_uscc",
        "拆解企业统一社会信用代码",
        ("dismantler_uscc", "回收拆解企业统一社会信用代码"),
        required=True,
    ),
)
FIRST_DAY = dt.date(2011, 1, 1)  # battery codes, and the register rows the portal judges
MAX_CERTIFICATE = 64  # ScrapRegisterEntry.certificate_no
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def register_header(header: list) -> HeaderMap:
    """Match the header row to the register's columns; raise HeaderError naming the problem."""
    names = {normalize_header(n): c for c in COLUMNS for n in (c.label, c.key, *c.aliases)}
    positions: dict[str, int] = {}
    written: dict[str, str] = {}
    unknown, repeated = [], []
    for index, cell in enumerate(header):
        text = str(cell if cell is not None else "").strip().lstrip("\ufeff")
        if not text:
            continue
        column = names.get(normalize_header(text))
        if column is None:
            unknown.append(text)
        elif column.key in positions:
            repeated.append(text)
        else:
            positions[column.key], written[column.key] = index, text
    missing = [c.label for c in COLUMNS if c.key not in positions]
    if missing or repeated:
        raise HeaderError(_header_message(missing, repeated, unknown))
    return HeaderMap(positions, written)


def _header_message(missing: list[str], repeated: list[str], unknown: list[str]) -> str:
    parts = []
    if missing:
        parts.append(str(_("缺少必填列：%(cols)s") % {"cols": "、".join(missing)}))
    if repeated:
        parts.append(str(_("重复的列：%(cols)s") % {"cols": "、".join(repeated)}))
    if unknown:
        parts.append(str(_("无法识别的列：%(cols)s") % {"cols": "、".join(unknown)}))
    expected = "、".join(f"{c.label}（{c.key}）" for c in COLUMNS)
    return str(
        _("文件表头有误，未导入任何数据。%(problems)s。应包含的列：%(expected)s。")
        % {"problems": "；".join(parts), "expected": expected}
    )


@dataclass(frozen=True)
class RegisterRow:
    """One valid certificate of the register."""

    number: int  # the row number as the spreadsheet shows it
    certificate_no: str
    vin: str
    scrapped_on: dt.date
    dismantler_uscc: str

    def same_facts(self, other: "RegisterRow") -> bool:
        return (self.vin, self.scrapped_on, self.dismantler_uscc) == (
            other.vin,
            other.scrapped_on,
            other.dismantler_uscc,
        )


@dataclass(frozen=True)
class RowError:
    row: int
    column: str  # the column's header as the file wrote it
    code: str
    message: str
    value: str = ""

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "column": self.column,
            "code": self.code,
            "message": self.message,
            "value": self.value,
        }


def register_row_read(
    number: int, cells: list, header: HeaderMap, *, today: dt.date
) -> tuple[RegisterRow | None, list[RowError]]:
    """Return the row's certificate, or None and every error of the row (one per column)."""

    def cell(key: str) -> object:
        position = header.positions[key]
        return cells[position] if position < len(cells) else ""

    def error(key: str, code: str, message, value: object) -> RowError:
        label = header.label(key, COLUMNS)
        return RowError(number, label, code, str(message), cell_text(value))

    errors: list[RowError] = []
    vin = normalize_vin(cell_text(cell("vin")))
    if problems := _identifier_problems(vin, validate_vin):
        errors.append(error("vin", problems[0], problems[1], cell("vin")))
    certificate = normalize_identifier(cell_text(cell("certificate_no")))
    if not certificate:
        errors.append(error("certificate_no", "value.required", _("必填。"), ""))
    elif len(certificate) > MAX_CERTIFICATE:
        message = _("证明编号最长 %(n)s 个字符，实际为 %(len)s 个。") % {
            "n": MAX_CERTIFICATE,
            "len": len(certificate),
        }
        errors.append(error("certificate_no", "value.length", message, certificate))
    scrapped_on, date_problem = _scrap_date(cell("scrapped_on"), today)
    if date_problem:
        errors.append(error("scrapped_on", date_problem[0], date_problem[1], cell("scrapped_on")))
    uscc = normalize_uscc(cell_text(cell("dismantler_uscc")))
    if problems := _identifier_problems(uscc, validate_uscc):
        errors.append(error("dismantler_uscc", problems[0], problems[1], cell("dismantler_uscc")))
    if errors:
        return None, errors
    return RegisterRow(number, certificate, vin, scrapped_on, uscc), []


def _identifier_problems(value: str, validate) -> tuple[str, str] | None:
    """Return (code, message) for an invalid identifier: every problem, in one sentence."""
    if not value:
        return "value.required", str(_("必填。"))
    found = validate(value)
    if not found:
        return None
    return found[0].code, "；".join(str(problem) for problem in found)


def _scrap_date(value: object, today: dt.date) -> tuple[dt.date | None, tuple[str, str] | None]:
    day = None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        text = cell_text(value)
        if not text:
            return None, ("value.required", str(_("必填。")))
        match = _ISO_DATE.match(text)
        if match:
            try:
                day = dt.date(*(int(part) for part in match.groups()))
            except ValueError:
                day = None
        if day is None:
            message = _(
                "“%(v)s”不是有效日期：应为 YYYY-MM-DD 格式（如 2026-09-15）或 Excel 日期单元格。"
            )
            return None, ("value.date", str(message % {"v": text}))
    if day > today:
        message = _("报废日期 %(d)s 晚于今天（%(t)s）。")
        return None, ("value.future", str(message % {"d": day.isoformat(), "t": today.isoformat()}))
    if day < FIRST_DAY:
        message = _("报废日期 %(d)s 早于 2011-01-01：本平台不受理此前的记录。")
        return None, ("value.too_early", str(message % {"d": day.isoformat()}))
    return day, None
