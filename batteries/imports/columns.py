"""The columns of the import files, header matching and cell values.

Headers are matched after NFKC folding (full-width brackets typed with a Chinese IME count),
with spaces removed and case ignored; each column also has English aliases.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from batteries.models import EventKind, ImportBatch


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # the Chinese header written in the template
    aliases: tuple[str, ...]
    required: bool = False


PACK_COLUMNS: tuple[Column, ...] = (
    Column("code", "电池编码", ("code",), required=True),
    Column("parent_code", "上级编码", ("parent_code",)),
    Column("mass_kg", "质量(kg)", ("mass_kg", "质量(千克)")),
    Column("capacity_wh", "额定能量(Wh)", ("capacity_wh", "额定能量(瓦时)")),
)
EVENT_COLUMNS: tuple[Column, ...] = (
    Column("code", "电池编码", ("code",), required=True),
    Column("kind", "事件类型", ("kind", "event_type"), required=True),
    Column("occurred_at", "发生时间", ("occurred_at",), required=True),
    Column("counterparty_uscc", "对方企业统一社会信用代码", ("counterparty_uscc",)),
    Column("vin", "车辆识别代号", ("vin",)),
    Column("outlet", "回收网点编号", ("outlet", "outlet_id")),
    Column("document_ref", "单据编号", ("document_ref",)),
    Column("remark", "备注", ("remark", "note")),
)
SCRAP_COLUMNS: tuple[Column, ...] = (
    Column("vin", "车辆识别代号", ("vin",), required=True),
    Column(
        "certificate_no",
        "报废机动车回收证明编号",
        ("certificate_no", "《报废机动车回收证明》编号", "回收证明编号"),
        required=True,
    ),
    Column("scrapped_at", "报废回收时间", ("scrapped_at",), required=True),
    Column("arrived_codes", "到场电池编码", ("arrived_codes",)),
    Column("pack_missing", "电池缺失", ("pack_missing",)),
    Column("swap_pool", "换电车型", ("swap_pool", "换电车型，电池在换电体系内")),
    Column("note", "备注", ("note", "remark", "说明")),
)
COLUMNS = {
    ImportBatch.Kind.PACKS: PACK_COLUMNS,
    ImportBatch.Kind.EVENTS: EVENT_COLUMNS,
    ImportBatch.Kind.SCRAPPED_VEHICLES: SCRAP_COLUMNS,
}

# The columns the error report adds to a file's own (batteries.imports.report): a clerk
# corrects the rows in that file and uploads it again as it is, so importing ignores them.
OUTCOME_HEADER = "处理结果"
PROBLEMS_HEADER = "错误说明"
REPORT_HEADERS = (OUTCOME_HEADER, PROBLEMS_HEADER)

# Kinds that have their own path: registration is the packs import, voiding a correction.
NOT_IMPORTABLE_KINDS = {EventKind.REGISTER, EventKind.VOID}
MAX_DOCUMENT_REF = 64
MAX_REMARK = 500
MAX_INT = 2_147_483_647


def normalize_header(text: object) -> str:
    """Return a header cell folded for matching: NFKC, no spaces, lower case."""
    folded = unicodedata.normalize("NFKC", str(text or ""))
    return "".join(folded.split()).casefold()


class HeaderError(Exception):
    """The header row is not usable; nothing of the file is imported."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class HeaderMap:
    """Where each known column sits in a row, and the header text the file used for it."""

    positions: dict[str, int]
    written: dict[str, str]

    def label(self, key: str, columns: tuple[Column, ...]) -> str:
        """Return the column name to show in errors: as written in the file, else the label."""
        if key in self.written:
            return self.written[key]
        return next((c.label for c in columns if c.key == key), key)


def header_map(kind: str, header: list) -> HeaderMap:
    """Match a header row to the columns of `kind`; raise HeaderError naming what is wrong."""
    columns = COLUMNS[kind]
    names = {normalize_header(n): c for c in columns for n in (c.label, c.key, *c.aliases)}
    positions: dict[str, int] = {}
    written: dict[str, str] = {}
    unknown, repeated = [], []
    for index, cell in enumerate(header):
        text = str(cell if cell is not None else "").strip().lstrip("\ufeff")
        if not text or text in REPORT_HEADERS:
            continue
        column = names.get(normalize_header(text))
        if column is None:
            unknown.append(text)
        elif column.key in positions:
            repeated.append(text)
        else:
            positions[column.key], written[column.key] = index, text
    missing = [c.label for c in columns if c.required and c.key not in positions]
    if unknown or missing or repeated:
        raise HeaderError(_header_message(columns, missing, unknown, repeated))
    return HeaderMap(positions, written)


def _header_message(columns, missing, unknown, repeated) -> str:
    parts = []
    if missing:
        parts.append(str(_("缺少必填列：%(cols)s") % {"cols": "、".join(missing)}))
    if unknown:
        parts.append(str(_("无法识别的列：%(cols)s") % {"cols": "、".join(unknown)}))
    if repeated:
        parts.append(str(_("重复的列：%(cols)s") % {"cols": "、".join(repeated)}))
    allowed = "、".join(c.label for c in columns)
    return str(
        _("文件表头有误，未导入任何数据。%(problems)s。可用的列：%(allowed)s。")
        % {"problems": "；".join(parts), "allowed": allowed}
    )


# --- Cell values ---------------------------------------------------------------------------


class CellError(Exception):
    """A cell value that cannot be read; carries the error code and message."""

    def __init__(self, code: str, message):
        super().__init__(str(message))
        self.code, self.message = code, message


def cell_text(value: object) -> str:
    """Return a cell as trimmed text; integral floats from spreadsheets lose their `.0`."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value).strip()


def positive_int(value: object) -> int | None:
    """Return a positive whole number, None for an empty cell; raise CellError otherwise."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = value
    else:
        text = cell_text(value)
        if not text:
            return None
        try:
            number = float(text) if "." in text else int(text)
        except ValueError:
            raise CellError("value.integer", _("应为正整数。")) from None
    if isinstance(number, float):
        if not number.is_integer():
            raise CellError("value.integer", _("应为正整数。"))
        number = int(number)
    if not 0 < number <= MAX_INT:
        raise CellError("value.integer", _("应为正整数。"))
    return number


_NAIVE = re.compile(
    r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?$"
)
_OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2})$", re.IGNORECASE)


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def event_time(value: object) -> datetime:
    """Return an aware time: ISO 8601 with offset, or a local `YYYY-MM-DD HH:MM[:SS]`."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=local_zone())
    if isinstance(value, date):
        raise CellError("value.time", _TIME_MESSAGE)
    text = cell_text(value)
    if not text:
        raise CellError("value.required", _("必填。"))
    if _OFFSET.search(text):
        try:
            return datetime.fromisoformat(text.replace(" ", "T", 1))
        except ValueError:
            raise CellError("value.time", _TIME_MESSAGE) from None
    match = _NAIVE.match(text)
    if not match:
        raise CellError("value.time", _TIME_MESSAGE)
    y, mo, d, h, mi, s, frac = match.groups()
    try:
        micro = int((frac or "0").ljust(6, "0"))
        parts = (int(y), int(mo), int(d), int(h), int(mi), int(s or 0), micro)
        return datetime(*parts, tzinfo=local_zone())
    except ValueError:
        raise CellError("value.time", _TIME_MESSAGE) from None


_TIME_MESSAGE = _(
    "时间格式无效：应为带时区的 ISO 8601（如 2026-04-15T09:30:00+08:00）"
    "或 YYYY-MM-DD HH:MM[:SS]（按北京时间）。"
)


@cache
def _kind_names() -> dict[str, str]:
    names = {}
    with translation.override("zh-hans"):  # the labels of the template, whatever the UI language
        for kind in EventKind:
            names[normalize_header(kind.value)] = kind.value
            names[normalize_header(str(kind.label))] = kind.value
    return names


def event_kind(value: object) -> str:
    """Return the event kind for a code (`produce`) or its Chinese label (`生产`)."""
    text = cell_text(value)
    if not text:
        raise CellError("value.required", _("必填。"))
    kind = _kind_names().get(normalize_header(text))
    if kind is None:
        raise CellError(
            "event.kind",
            _("未知的事件类型“%(v)s”：请填写事件代码（如 produce）或中文名称（如 生产）。")
            % {"v": text},
        )
    if kind in NOT_IMPORTABLE_KINDS:
        raise CellError(
            "event.kind_not_importable",
            _("“%(v)s”不能通过事件导入：赋码登记请用电池包导入，更正请在电池页面操作。")
            % {"v": text},
        )
    return kind


def bounded_text(value: object, limit: int) -> str:
    """Return the cell as text of at most `limit` characters; raise CellError if longer."""
    text = cell_text(value)
    if len(text) > limit:
        raise CellError("value.too_long", _("不能超过 %(n)s 个字符。") % {"n": limit})
    return text


_YES = {"是", "yes", "y", "1", "true", "t", "√", "✓"}
_NO = {"否", "no", "n", "0", "false", "f", ""}


def yes_no(value: object) -> bool:
    """Return a yes/no cell (是/否, yes/no, 1/0, true/false); empty is no."""
    if isinstance(value, bool):
        return value
    text = normalize_header(cell_text(value))
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise CellError("value.yes_no", _("应填写“是”或“否”（也可为 yes/no、1/0、true/false）。"))


_CODE_SEPARATORS = re.compile(r"[;；,，、\s]+")


def code_list(value: object) -> list[str] | None:
    """Return the codes of a cell separated by ; , 、 or spaces; None for an empty cell."""
    text = unicodedata.normalize("NFKC", cell_text(value))
    codes = [code for code in _CODE_SEPARATORS.split(text) if code]
    return codes or None
