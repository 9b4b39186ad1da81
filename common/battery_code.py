"""Parser for the battery code of GB/T 34014-2017 (汽车动力蓄电池编码规则).

The code has no check digit, so every segment is checked against its own alphabet.
Positions below are 1-based, as reported in errors.

Standard code, 24 characters::

    1-3 manufacturer | 4 product type | 5 battery type | 6-7 spec | 8-14 traceability
    15 year | 16 month | 17 day | 18-24 serial (digits)

Repurposed (梯次利用) code, 19 characters. The standard re-codes a repurposed product under the
same rules but without the 7-character traceability code, and the new code ends in ``R`` plus
a product type letter. Read as::

    1-3 manufacturer | 4 product type | 5 battery type | 6-7 spec
    8 year | 9 month | 10 day | 11-17 serial (digits) | 18 ``R`` | 19 product type

Position 19 is kept as ``ParsedCode.repurposed_product_type``. It is not required to equal
position 4: no source we could read says whether it repeats the new product's type or records
the original one, so both are stored and a later rule can compare them.

Production day codes for days 27-31 differ between sources. The most common reading is
U-Y = 27-31; another skips U and reads V-Y = 27-30 and 0 = 31. ``DAY_27_31_CANDIDATES`` lists
every reading, most common first. The first reading that gives a real calendar date is used
and a ``code.day_ambiguous`` warning is emitted: the ambiguity is never an error.

Not checked here, because they need the database: the manufacturer code (positions 1-3) must
belong to a registered enterprise, spec and traceability codes must be registered by that
producer, and the code must be unique across the registry. Services do those checks.
"""

import string
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from common.identifiers import (
    IdentifierError,
    identifier_error,
    invalid_char_errors,
    normalize_identifier,
)

CODE_LENGTH = 24
REPURPOSED_CODE_LENGTH = 19
SERIAL_LENGTH = 7
CODE_ALPHABET = string.digits + string.ascii_uppercase
# DOMAIN.md 3.1: a valid code is not dated before 2011, the first year of the year alphabet.
EARLIEST_PRODUCTION_DATE = date(2011, 1, 1)

PRODUCT_TYPES: dict[str, str] = {"P": "pack", "M": "module", "C": "cell"}
PRODUCT_TYPE_LABELS = {"P": _("电池包"), "M": _("模块"), "C": _("单体")}

# Only B, E and Z are confirmed by more than one source.
CHEMISTRIES: dict[str, str] = {
    "A": "nimh",  # unconfirmed
    "B": "lfp",
    "C": "lmo",  # unconfirmed
    "D": "lco",  # unconfirmed
    "E": "ternary",
    "F": "supercap",  # unconfirmed
    "G": "lto",  # unconfirmed
    "Z": "other",
}
CHEMISTRY_LABELS = {
    "nimh": _("镍氢电池"),
    "lfp": _("磷酸铁锂电池"),
    "lmo": _("锰酸锂电池"),
    "lco": _("钴酸锂电池"),
    "ternary": _("三元材料电池"),
    "supercap": _("超级电容器"),
    "lto": _("钛酸锂电池"),
    "other": _("其他"),
}

# I, O, Q and Z are never used in the date alphabets; U-Y and 0 only for the disputed days.
_DATE_LETTERS = "ABCDEFGHJKLMNPRST"
YEAR_CODES: dict[str, int] = {
    **{str(digit): 2010 + digit for digit in range(1, 10)},
    **dict(zip(_DATE_LETTERS, range(2020, 2037), strict=True)),
}
MONTH_CODES: dict[str, int] = {
    **{str(digit): digit for digit in range(1, 10)},
    **dict(zip("ABC", range(10, 13), strict=True)),
}
DAY_CODES: dict[str, int] = {
    **{str(digit): digit for digit in range(1, 10)},
    **dict(zip(_DATE_LETTERS, range(10, 27), strict=True)),
}
# Candidate days per disputed letter, most common reading first (see the module docstring).
DAY_27_31_CANDIDATES: dict[str, tuple[int, ...]] = {
    "U": (27,),
    "V": (28, 27),
    "W": (29, 28),
    "X": (30, 29),
    "Y": (31, 30),
    "0": (31,),
}
_DAY_READINGS = {**{char: (day,) for char, day in DAY_CODES.items()}, **DAY_27_31_CANDIDATES}

# Encode tables: the inverse of the above, using the most common reading for days 27-31.
YEAR_LETTERS: dict[int, str] = {year: char for char, year in YEAR_CODES.items()}
MONTH_LETTERS: dict[int, str] = {month: char for char, month in MONTH_CODES.items()}
DAY_LETTERS: dict[int, str] = {
    **{day: char for char, day in DAY_CODES.items()},
    **dict(zip(range(27, 32), "UVWXY", strict=True)),
}


@dataclass(frozen=True)
class ParsedCode:
    """The fields of a valid battery code."""

    code: str
    manufacturer_code: str
    product_type: str
    battery_type: str
    chemistry: str
    spec_code: str
    trace_code: str | None
    production_date: date
    serial: str
    is_repurposed: bool
    repurposed_product_type: str | None = None


@dataclass(frozen=True)
class CodeParseResult:
    """The normalized code, its errors and warnings, and its fields when it has no errors."""

    code: str
    errors: list[IdentifierError]
    warnings: list[IdentifierError]
    parsed: ParsedCode | None = None

    @property
    def is_valid(self) -> bool:
        """Return True if the code has no errors (warnings are allowed)."""
        return not self.errors


@dataclass(frozen=True)
class _Layout:
    """Where the segments that move between the two code forms start (0-based)."""

    date_at: int
    serial_at: int
    is_repurposed: bool


_LAYOUTS = {
    CODE_LENGTH: _Layout(date_at=14, serial_at=17, is_repurposed=False),
    REPURPOSED_CODE_LENGTH: _Layout(date_at=7, serial_at=10, is_repurposed=True),
}


def normalize_battery_code(value: str) -> str:
    """Return a user-typed battery code in canonical form."""
    return normalize_identifier(value)


def validate_battery_code(value: str, *, today: date) -> list[IdentifierError]:
    """Return every error of a battery code; an empty list means it is well formed."""
    return parse_battery_code(value, today=today).errors


def parse_battery_code(
    value: str, *, today: date, earliest: date = EARLIEST_PRODUCTION_DATE
) -> CodeParseResult:
    """Parse a battery code, reporting every problem found rather than only the first."""
    code = normalize_battery_code(value)
    errors = invalid_char_errors(code, CODE_ALPHABET, "code.char", _("数字0–9或大写字母A–Z"))
    layout = _LAYOUTS.get(len(code))
    if layout is None:
        return CodeParseResult(code=code, errors=[_length_error(code), *errors], warnings=[])
    # A character already reported as foreign is not reported again by its segment.
    bad = {error.position - 1 for error in errors if error.position}
    errors += _type_errors(code, bad)
    errors += _serial_errors(code, layout, bad)
    errors += _suffix_errors(code, layout, bad)
    produced, date_errors, warnings = _production_date(
        code, layout, bad, today=today, earliest=earliest
    )
    errors = sorted(errors + date_errors, key=lambda error: error.position or 0)
    parsed = None if errors or produced is None else _parsed_code(code, layout, produced)
    return CodeParseResult(code=code, errors=errors, warnings=warnings, parsed=parsed)


def _length_error(code: str) -> IdentifierError:
    """Return the error for a code of neither accepted length."""
    return identifier_error(
        "code.length",
        _("电池编码应为24位（梯次利用产品重新编码为19位），实际为%(length)s位。"),
        length=len(code),
    )


def _symbol_error(
    code: str, index: int, bad: set[int], table: dict, error_code: str, message: str
) -> list[IdentifierError]:
    """Return an error if the character at ``index`` is not a key of ``table``."""
    if index in bad or code[index] in table:
        return []
    return [identifier_error(error_code, message, index + 1, char=code[index])]


def _type_errors(code: str, bad: set[int]) -> list[IdentifierError]:
    """Return the errors of the product type (position 4) and battery type (position 5)."""
    return _symbol_error(
        code,
        3,
        bad,
        PRODUCT_TYPES,
        "code.product_type",
        _("第%(position)s位产品类型代码“%(char)s”无效，应为P（电池包）、M（模块）或C（单体）。"),
    ) + _symbol_error(
        code,
        4,
        bad,
        CHEMISTRIES,
        "code.battery_type",
        _("第%(position)s位电池类型代码“%(char)s”无效，应为A–G或Z。"),
    )


def _serial_errors(code: str, layout: _Layout, bad: set[int]) -> list[IdentifierError]:
    """Return one error per non-digit character of the serial number."""
    start = layout.serial_at
    return [
        identifier_error(
            "code.serial",
            _("第%(position)s位字符“%(char)s”无效，第%(start)s–%(end)s位序列号应全为数字。"),
            index + 1,
            char=code[index],
            start=start + 1,
            end=start + SERIAL_LENGTH,
        )
        for index in range(start, start + SERIAL_LENGTH)
        if index not in bad and code[index] not in string.digits
    ]


def _suffix_errors(code: str, layout: _Layout, bad: set[int]) -> list[IdentifierError]:
    """Return the error of a repurposed code not ending in ``R`` + product type."""
    suffix = code[17:19]
    if not layout.is_repurposed or {17, 18} & bad:
        return []
    if suffix[0] == "R" and suffix[1] in PRODUCT_TYPES:
        return []
    return [
        identifier_error(
            "code.repurposed_suffix",
            _(
                "第%(position)s–19位应为梯次利用标识“R”加产品类型代码（P、M或C），"
                "实际为“%(suffix)s”。"
            ),
            18,
            suffix=suffix,
        )
    ]


_YEAR_MESSAGE = _(
    "第%(position)s位生产年份代码“%(char)s”无效，应为1–9（2011–2019年）、A–H（2020–2027年）、"
    "J–N（2028–2032年）或P、R、S、T（2033–2036年）。"
)
_MONTH_MESSAGE = _(
    "第%(position)s位生产月份代码“%(char)s”无效，应为1–9（1–9月）或A、B、C（10–12月）。"
)
_DAY_MESSAGE = _(
    "第%(position)s位生产日代码“%(char)s”无效，应为1–9（1–9日）、A–H（10–17日）、"
    "J–N（18–22日）、P、R、S、T（23–26日）或U–Y、0（27–31日）。"
)


def _production_date(
    code: str, layout: _Layout, bad: set[int], *, today: date, earliest: date
) -> tuple[date | None, list[IdentifierError], list[IdentifierError]]:
    """Return the production date, its errors and its warnings."""
    at = layout.date_at
    year, errors = _decode(code, at, bad, YEAR_CODES, "code.year", _YEAR_MESSAGE)
    month, month_errors = _decode(code, at + 1, bad, MONTH_CODES, "code.month", _MONTH_MESSAGE)
    days, day_errors = _decode(code, at + 2, bad, _DAY_READINGS, "code.day", _DAY_MESSAGE)
    errors += month_errors + day_errors
    produced = None
    if year is not None and month is not None and days is not None:
        produced, date_errors = _checked_date(
            year, month, days, position=at + 1, today=today, earliest=earliest
        )
        errors += date_errors
    warnings = []
    if days is not None and code[at + 2] in DAY_27_31_CANDIDATES:
        day = produced.day if produced else days[0]
        warnings.append(_ambiguous_day_warning(code[at + 2], at + 3, day))
    return produced, errors, warnings


def _decode(
    code: str, index: int, bad: set[int], table: dict, error_code: str, message: str
) -> tuple:
    """Return the value ``table`` gives the character at ``index``, and its errors."""
    if index in bad:
        return None, []
    return table.get(code[index]), _symbol_error(code, index, bad, table, error_code, message)


def _checked_date(
    year: int, month: int, days: tuple[int, ...], *, position: int, today: date, earliest: date
) -> tuple[date | None, list[IdentifierError]]:
    """Return the first real date among the day readings, and its calendar errors."""
    produced = _first_real_date(year, month, days)
    span = {"end": position + 2}
    if produced is None:
        message = _("第%(position)s–%(end)s位生产日期%(year)s年%(month)s月%(day)s日不存在。")
        error = identifier_error(
            "code.date_invalid", message, position, **span, year=year, month=month, day=days[0]
        )
        return None, [error]
    if produced > today:
        message = _("第%(position)s–%(end)s位生产日期%(date)s晚于今天（%(today)s）。")
        error = identifier_error(
            "code.date_future", message, position, **span, date=produced, today=today
        )
        return produced, [error]
    if produced < earliest:
        message = _("第%(position)s–%(end)s位生产日期%(date)s早于%(earliest)s。")
        error = identifier_error(
            "code.date_too_early", message, position, **span, date=produced, earliest=earliest
        )
        return produced, [error]
    return produced, []


def _first_real_date(year: int, month: int, days: tuple[int, ...]) -> date | None:
    """Return the first of ``days`` that makes a real calendar date in that month."""
    for day in days:
        try:
            return date(year, month, day)
        except ValueError:
            continue
    return None


def _ambiguous_day_warning(char: str, position: int, day: int) -> IdentifierError:
    """Return the warning for a production day code whose meaning differs between sources."""
    candidates = "、".join(str(candidate) for candidate in DAY_27_31_CANDIDATES[char])
    return identifier_error(
        "code.day_ambiguous",
        _(
            "第%(position)s位生产日代码“%(char)s”在不同资料中含义不一（%(candidates)s日），"
            "暂按%(day)s日解读，请核实。"
        ),
        position,
        char=char,
        candidates=candidates,
        day=day,
    )


def _parsed_code(code: str, layout: _Layout, produced: date) -> ParsedCode:
    """Return the fields of a code already checked to be valid."""
    serial_at = layout.serial_at
    return ParsedCode(
        code=code,
        manufacturer_code=code[:3],
        product_type=code[3],
        battery_type=code[4],
        chemistry=CHEMISTRIES[code[4]],
        spec_code=code[5:7],
        trace_code=None if layout.is_repurposed else code[7:14],
        production_date=produced,
        serial=code[serial_at : serial_at + SERIAL_LENGTH],
        is_repurposed=layout.is_repurposed,
        repurposed_product_type=code[18] if layout.is_repurposed else None,
    )


def make_battery_code(
    *,
    manufacturer: str,
    product_type: str = "P",
    battery_type: str = "B",
    spec: str = "01",
    trace: str = "A1B2C3D",
    produced: date,
    serial: int,
    repurposed: bool = False,
) -> str:
    """Return a valid battery code for the given fields (19 characters if ``repurposed``)."""
    for name, value, size in (
        ("manufacturer", manufacturer, 3),
        ("spec", spec, 2),
        ("trace", trace, 7),
    ):
        if len(value) != size:
            raise ValueError(f"{name} must be {size} characters, got {value!r}")
    if produced.year not in YEAR_LETTERS or not 0 <= serial < 10**SERIAL_LENGTH:
        raise ValueError(f"cannot encode production date {produced} or serial {serial}")
    stamp = YEAR_LETTERS[produced.year] + MONTH_LETTERS[produced.month] + DAY_LETTERS[produced.day]
    head = f"{manufacturer}{product_type}{battery_type}{spec}"
    if repurposed:
        code = f"{head}{stamp}{serial:07d}R{product_type}"
    else:
        code = f"{head}{trace}{stamp}{serial:07d}"
    result = parse_battery_code(code, today=produced)
    if result.errors or result.code != code:
        raise ValueError(f"invalid fields for {code!r}: {[error.code for error in result.errors]}")
    return code
