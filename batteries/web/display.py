"""How the pages present a battery code: its segments, and its characters with errors marked."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from common.battery_code import (
    CHEMISTRY_LABELS,
    PRODUCT_TYPE_LABELS,
    CodeParseResult,
    ParsedCode,
)


@dataclass(frozen=True)
class Segment:
    """One field of a battery code: 1-based positions, label, characters and their meaning."""

    start: int
    end: int
    label: str
    chars: str
    meaning: str

    @property
    def positions(self) -> str:
        return str(self.start) if self.start == self.end else f"{self.start}–{self.end}"


def _segment(code: str, start: int, length: int, label, meaning) -> Segment:
    return Segment(start, start + length - 1, label, code[start - 1 : start - 1 + length], meaning)


def code_segments(parsed: ParsedCode, *, manufacturer_name: str = "") -> list[Segment]:
    """Return the segments of a valid code (24 characters, or 19 when repurposed)."""
    code, produced = parsed.code, parsed.production_date
    date_at, serial_at = (8, 11) if parsed.is_repurposed else (15, 18)
    segments = [
        _segment(code, 1, 3, _("厂商代码"), manufacturer_name or _("（未备案）")),
        _segment(code, 4, 1, _("产品类型"), PRODUCT_TYPE_LABELS[parsed.product_type]),
        _segment(code, 5, 1, _("电池类型"), CHEMISTRY_LABELS[parsed.chemistry]),
        _segment(code, 6, 2, _("规格代码"), _("企业备案的规格")),
    ]
    if not parsed.is_repurposed:
        segments.append(_segment(code, 8, 7, _("追溯信息代码"), _("企业备案的追溯信息")))
    segments += [
        _segment(code, date_at, 1, _("生产年份"), _("%(y)s年") % {"y": produced.year}),
        _segment(code, date_at + 1, 1, _("生产月份"), _("%(m)s月") % {"m": produced.month}),
        _segment(code, date_at + 2, 1, _("生产日"), _("%(d)s日") % {"d": produced.day}),
        _segment(code, serial_at, 7, _("序列号"), _("第%(n)s号") % {"n": int(parsed.serial)}),
    ]
    if parsed.is_repurposed:
        segments.append(_segment(code, 18, 2, _("梯次利用标识"), _("R + 产品类型（重新编码）")))
    return segments


@dataclass(frozen=True)
class MarkedChar:
    char: str
    position: int
    bad: bool


def marked_chars(result: CodeParseResult) -> list[MarkedChar]:
    """Return the code's characters, marking those an error points at."""
    bad = {error.position for error in result.errors if error.position}
    return [MarkedChar(c, i, i in bad) for i, c in enumerate(result.code, start=1)]
