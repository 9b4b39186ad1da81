"""Columns of an export: a header, a type, and how a stored value becomes a cell value.

Types decide the cell: dates, months and times are real date cells (times in Beijing time),
counts are integers, money is yuan with two decimals, rates are percentages (a fraction
0–1 in the cell, shown as 12.5 %), everything else is text. A column may map stored codes
to their labels (a state, a province, a rule), so a sheet never shows internal values.
"""

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from zoneinfo import ZoneInfo

DATE = "date"
MONTH = "month"  # a date cell showing only year and month
DATETIME = "datetime"
INT = "int"
YUAN = "yuan"
PERCENT = "percent"
TEXT = "text"
TYPES = (DATE, MONTH, DATETIME, INT, YUAN, PERCENT, TEXT)

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Column:
    """One column: `key` names the row field (a selector key or an ORM path)."""

    key: str
    header: object  # a lazy translation, resolved in the requester's language
    type: str = TEXT
    labels: Mapping | None = None  # stored code → label (text columns)
    convert: Callable | None = None  # stored value → cell value, before the type's rules
    fen: bool = False  # yuan stored as integer fen

    def __post_init__(self):
        if self.type not in TYPES:
            raise ValueError(f"unknown column type {self.type!r}")

    def resolved(self) -> "Column":
        """Return this column with its header and labels in the active language, once."""
        labels = {k: str(v) for k, v in self.labels.items()} if self.labels else self.labels
        return replace(self, header=str(self.header), labels=labels)

    def cell(self, value):
        """Return the cell value of a stored value (None stays an empty cell)."""
        return self.converter()(value)

    def converter(self) -> Callable:
        """Return a function from a stored value to its cell value, specialised by type
        (an export calls it once per cell: a million rows are fifteen million calls)."""
        convert = _CONVERTERS[self.type](self)
        if self.convert is None:
            return convert
        own = self.convert
        return lambda value: convert(own(value))


def _text(column: Column) -> Callable:
    labels = column.labels or {}

    def convert(value):
        if value is None or value == "":
            return None
        if isinstance(value, list | tuple):  # e.g. an enterprise's roles
            return "、".join(str(labels.get(v, v)) for v in value)
        return str(labels.get(value, value))

    return convert


def _yuan(column: Column) -> Callable:
    cent = Decimal("0.01")
    if column.fen:
        return lambda v: None if v is None or v == "" else (Decimal(v) / 100).quantize(cent)
    return lambda v: None if v is None or v == "" else Decimal(str(v)).quantize(cent)


def _skip_empty(function: Callable) -> Callable:
    return lambda column: lambda v: None if v is None or v == "" else function(v)


def _beijing(value) -> dt.datetime:
    """Return a naive Beijing time (spreadsheets have no time zones)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is not None:
        value = value.astimezone(SHANGHAI).replace(tzinfo=None)
    return value.replace(microsecond=0)


def _date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return _beijing(value).date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value


_CONVERTERS = {
    TEXT: _text,
    DATETIME: _skip_empty(_beijing),
    DATE: _skip_empty(_date),
    MONTH: _skip_empty(_date),
    INT: _skip_empty(int),
    YUAN: _yuan,
    PERCENT: _skip_empty(float),  # a fraction
}
