"""Bounds on what a report may contain, shared by every channel (form, file, API).

A value outside these bounds is not a fact the registry could hold: a time before any
tracked pack existed or with an offset no time zone has, a free-text field with control
characters, a `details` object the size of a file. Each check returns (code, message) or
None, and never raises on any input.
"""

import datetime as dt
import json
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

BEIJING = ZoneInfo("Asia/Shanghai")
# No pack the registry traces was made before 2011 (the first NEV demonstration fleets'
# packs have all been retired); an earlier time is a typing error, such as year 657.
EARLIEST = dt.datetime(2011, 1, 1, tzinfo=BEIJING)
# Time zones in use run from UTC−12:00 to UTC+14:00; PostgreSQL refuses beyond ±15:59.
MAX_OFFSET = dt.timedelta(hours=14)
MAX_DETAILS_CHARS = 8_000  # as JSON: a few declared facts, never a document
MAX_DETAILS_DEPTH = 4
LINE_BREAKS = frozenset("\n\r\t")


def text_problem(value: str, *, multiline: bool = False) -> tuple[str, str] | None:
    """Refuse control characters (NUL among them); free text may keep line breaks and tabs."""
    for char in value:
        if (ord(char) < 32 or 127 <= ord(char) < 160) and not (multiline and char in LINE_BREAKS):
            return "input.control_character", _(
                "含有不可见的控制字符（位置 %(position)s，U+%(point)04X），请删除后重新提交。"
            ) % {"position": value.index(char) + 1, "point": ord(char)}
    return None


def offset_problem(value: dt.datetime) -> tuple[str, str] | None:
    """Refuse a naive time or an offset that no time zone has."""
    offset = value.utcoffset()
    if offset is None:
        return "input.datetime_naive", _("时间必须带时区偏移，如 2026-04-01T09:30:00+08:00。")
    if abs(offset) > MAX_OFFSET:
        return "input.datetime_offset", _(
            "时区偏移超出范围：应在 -12:00 与 +14:00 之间，如北京时间 +08:00。"
        )
    return None


def moment_problem(value: dt.datetime) -> tuple[str, str] | None:
    """Refuse a time a report cannot carry: bad offset, or before 2011."""
    problem = offset_problem(value)
    if problem:
        return problem
    if value < EARLIEST:
        return "event.time_implausible", _(
            "发生时间早于 2011-01-01：平台追溯的电池均在此后生产，请核对年份。"
        )
    return None


def before_production(value: dt.datetime, production_date: dt.date | None) -> bool:
    """Return True if the event happened, in Beijing time, before the pack's production date."""
    return production_date is not None and value.astimezone(BEIJING).date() < production_date


def details_problem(details) -> tuple[str, str] | None:
    """Refuse a `details` object that is too big, too deep or carries control characters."""
    if not isinstance(details, dict):
        return "input.type", _("应为 JSON 对象。")
    try:
        text = json.dumps(details, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        return "input.type", _("应为 JSON 对象。")
    if len(text) > MAX_DETAILS_CHARS:
        return "input.too_long", _("附加信息（details）不能超过%(max)s个字符（JSON）。") % {
            "max": MAX_DETAILS_CHARS
        }
    return _nested_problem(details, depth=1)


def _nested_problem(value, *, depth: int) -> tuple[str, str] | None:
    if isinstance(value, str):
        return text_problem(value, multiline=True)
    if not isinstance(value, dict | list):
        return None
    if depth > MAX_DETAILS_DEPTH:
        return "input.too_deep", _("附加信息（details）嵌套不能超过%(max)s层。") % {
            "max": MAX_DETAILS_DEPTH
        }
    children = [*value.keys(), *value.values()] if isinstance(value, dict) else value
    for child in children:
        problem = _nested_problem(child, depth=depth + 1)
        if problem:
            return problem
    return None
