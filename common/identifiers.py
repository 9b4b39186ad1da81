"""Validators for the official identifiers the portal accepts at every entry point.

- Unified social credit code (USCC, 统一社会信用代码), GB 32100-2015, with the GB 11714
  organization code (组织机构代码) embedded at positions 9-17.
- Vehicle identification number (VIN), GB 16735 / ISO 3779.
- Administrative division code (行政区划代码), GB/T 2260.

Validators return a list of ``IdentifierError`` (empty = valid) instead of raising, so forms,
serializers, bulk imports and model validators can each wrap them in their own error type.
They check the exact value given; run user input through the matching ``normalize_*`` first.
Only the standard library and Django's lazy-text helpers are imported: no models, no settings.
"""

import re
import string
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.functional import Promise, lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# --- Errors -----------------------------------------------------------------------------------


def _interpolate(message: str, params: Mapping[str, object]) -> str:
    """Return the translated message with its %-style parameters filled in."""
    return str(message) % {key: str(value) for key, value in params.items()}


# Interpolating at str() time keeps the message in the reader's language, not the validator's.
_lazy_interpolate = lazy(_interpolate, str)


@dataclass(frozen=True)
class IdentifierError:
    """One problem found in an identifier: stable machine code, lazy message, 1-based position."""

    code: str
    # Excluded from equality and hashing so comparing errors never forces a translation.
    message: str | Promise = field(compare=False)
    position: int | None = None

    def __str__(self) -> str:
        return str(self.message)


def identifier_error(
    code: str, message: str | Promise, position: int | None = None, **params: object
) -> IdentifierError:
    """Return an error whose message is interpolated lazily with ``position`` and ``params``."""
    params["position"] = position
    return IdentifierError(code=code, message=_lazy_interpolate(message, params), position=position)


# --- Normalization ----------------------------------------------------------------------------

_ASCII_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)


_CANONICAL = re.compile(r"[0-9A-Z]*")


def normalize_identifier(value: str) -> str:
    """Return the value with full-width forms folded, all whitespace removed, ASCII upper-cased."""
    if _CANONICAL.fullmatch(value):  # what systems send: nothing to fold (~10x cheaper)
        return value
    # NFKC folds full-width digits and letters typed with a Chinese IME (９１３５ → 9135).
    folded = unicodedata.normalize("NFKC", value)
    # Only ASCII is upper-cased: str.upper() can change the length ("ß" → "SS") and shift
    # the positions reported back to the user.
    return "".join(folded.split()).translate(_ASCII_UPPER)


def normalize_uscc(value: str) -> str:
    """Return a user-typed USCC in canonical form."""
    return normalize_identifier(value)


def normalize_vin(value: str) -> str:
    """Return a user-typed VIN in canonical form."""
    return normalize_identifier(value)


def invalid_char_errors(
    value: str,
    allowed: str,
    code: str,
    expected: str | Promise,
    positions: Iterable[int] | None = None,
) -> list[IdentifierError]:
    """Return one error per character of ``value`` (at ``positions``) not in ``allowed``."""
    indexes = range(len(value)) if positions is None else positions
    return [
        identifier_error(
            code,
            _("第%(position)s位字符“%(char)s”无效，应为%(expected)s。"),
            index + 1,
            char=value[index],
            expected=expected,
        )
        for index in indexes
        if index < len(value) and value[index] not in allowed
    ]


# --- Organization code, GB 11714 ---------------------------------------------------------------

ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ORG_CODE_ALPHABET = string.digits + string.ascii_uppercase


def org_code_check_char(first8: str) -> str:
    """Return the GB 11714 check character for the first 8 characters of an organization code."""
    if len(first8) != 8 or any(char not in ORG_CODE_ALPHABET for char in first8):
        raise ValueError(f"an organization code body is 8 characters of [0-9A-Z], got {first8!r}")
    # Letters count A = 10 … Z = 35, their index in ORG_CODE_ALPHABET.
    total = sum(
        ORG_CODE_ALPHABET.index(c) * w for c, w in zip(first8, ORG_CODE_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


# --- Unified social credit code, GB 32100-2015 -------------------------------------------------

USCC_LENGTH = 18
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# Positions 3-8 (0-based 2..7) hold the GB/T 2260 division code: digits only.
_USCC_DIVISION = range(2, 8)
_USCC_OTHER = tuple(i for i in range(USCC_LENGTH) if i not in _USCC_DIVISION)


def uscc_check_char(first17: str) -> str:
    """Return the GB 32100 check character (position 18) for the first 17 characters."""
    if len(first17) != 17 or any(char not in USCC_ALPHABET for char in first17):
        raise ValueError(f"a USCC body is 17 characters of {USCC_ALPHABET}, got {first17!r}")
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> list[IdentifierError]:
    """Return every problem with a USCC; an empty list means it is valid."""
    errors = []
    if len(value) != USCC_LENGTH:
        errors.append(
            identifier_error(
                "uscc.length",
                _("统一社会信用代码应为18位，实际为%(length)s位。"),
                length=len(value),
            )
        )
    errors += invalid_char_errors(value, string.digits, "uscc.char", _("数字0–9"), _USCC_DIVISION)
    errors += invalid_char_errors(
        value, USCC_ALPHABET, "uscc.char", _("数字0–9或大写字母（不含I、O、S、V、Z）"), _USCC_OTHER
    )
    if errors:
        # Check characters are meaningless over a malformed code.
        return sorted(errors, key=lambda error: error.position or 0)
    return _uscc_check_errors(value)


def _uscc_check_errors(value: str) -> list[IdentifierError]:
    """Return the errors of both check characters of a well-formed USCC."""
    errors = []
    org_check = org_code_check_char(value[8:16])
    if value[16] != org_check:
        errors.append(
            identifier_error(
                "uscc.org_check",
                _("第%(position)s位是组织机构代码校验码，应为“%(expected)s”，实际为“%(char)s”。"),
                17,
                expected=org_check,
                char=value[16],
            )
        )
    check = uscc_check_char(value[:17])
    if value[17] != check:
        errors.append(
            identifier_error(
                "uscc.check",
                _("第%(position)s位是校验码，应为“%(expected)s”，实际为“%(char)s”。"),
                18,
                expected=check,
                char=value[17],
            )
        )
    return errors


def make_uscc(division: str, seed: int, *, prefix: str = "91") -> str:
    """Return a valid USCC for an enterprise (登记管理部门 9, 企业 1) from a division and seed."""
    if validate_division_code(division):
        raise ValueError(f"invalid division code {division!r}")
    if not 0 <= seed < 10**8:
        raise ValueError(f"seed must be in [0, 10**8), got {seed}")
    body = f"{seed:08d}"
    first17 = f"{prefix}{division}{body}{org_code_check_char(body)}"
    return first17 + uscc_check_char(first17)


# --- Vehicle identification number, GB 16735 / ISO 3779 ----------------------------------------

VIN_LENGTH = 17
VIN_CHECK_POSITION = 9
# I, O and Q are excluded because they read as 1 and 0.
VIN_ALPHABET = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
VIN_TRANSLITERATION = {
    **{digit: int(digit) for digit in string.digits},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}


def vin_check_digit(vin: str) -> str:
    """Return the check digit (position 9) of a 17-character VIN; position 9 itself is ignored."""
    if len(vin) != VIN_LENGTH or any(char not in VIN_ALPHABET for char in vin):
        raise ValueError(f"a VIN is 17 characters of {VIN_ALPHABET}, got {vin!r}")
    total = sum(VIN_TRANSLITERATION[c] * w for c, w in zip(vin, VIN_WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def validate_vin(value: str) -> list[IdentifierError]:
    """Return every problem with a VIN; an empty list means it is valid."""
    errors = []
    if len(value) != VIN_LENGTH:
        errors.append(
            identifier_error(
                "vin.length", _("车辆识别代号应为17位，实际为%(length)s位。"), length=len(value)
            )
        )
    errors += invalid_char_errors(
        value, VIN_ALPHABET, "vin.char", _("数字0–9或大写字母（不含I、O、Q）")
    )
    if errors:
        return errors
    check = vin_check_digit(value)
    if value[VIN_CHECK_POSITION - 1] != check:
        errors.append(
            identifier_error(
                "vin.check",
                _("第%(position)s位是校验位，应为“%(expected)s”，实际为“%(char)s”。"),
                VIN_CHECK_POSITION,
                expected=check,
                char=value[VIN_CHECK_POSITION - 1],
            )
        )
    return errors


def make_vin(prefix8: str, tail8: str) -> str:
    """Return a valid VIN made of 8 leading characters, the check digit and 8 trailing ones."""
    if len(prefix8) != 8 or len(tail8) != 8:
        raise ValueError(f"need 8 + 8 characters, got {prefix8!r} and {tail8!r}")
    check = vin_check_digit(f"{prefix8}0{tail8}")
    return f"{prefix8}{check}{tail8}"


# --- Administrative divisions, GB/T 2260 -------------------------------------------------------

PROVINCES_ZH: dict[str, str] = {
    "11": "北京市",
    "12": "天津市",
    "13": "河北省",
    "14": "山西省",
    "15": "内蒙古自治区",
    "21": "辽宁省",
    "22": "吉林省",
    "23": "黑龙江省",
    "31": "上海市",
    "32": "江苏省",
    "33": "浙江省",
    "34": "安徽省",
    "35": "福建省",
    "36": "江西省",
    "37": "山东省",
    "41": "河南省",
    "42": "湖北省",
    "43": "湖南省",
    "44": "广东省",
    "45": "广西壮族自治区",
    "46": "海南省",
    "50": "重庆市",
    "51": "四川省",
    "52": "贵州省",
    "53": "云南省",
    "54": "西藏自治区",
    "61": "陕西省",
    "62": "甘肃省",
    "63": "青海省",
    "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
    "71": "台湾省",
    "81": "香港特别行政区",
    "82": "澳门特别行政区",
}

PROVINCES_EN: dict[str, str] = {
    "11": "Beijing",
    "12": "Tianjin",
    "13": "Hebei",
    "14": "Shanxi",
    "15": "Inner Mongolia Autonomous Region",
    "21": "Liaoning",
    "22": "Jilin",
    "23": "Heilongjiang",
    "31": "Shanghai",
    "32": "Jiangsu",
    "33": "Zhejiang",
    "34": "Anhui",
    "35": "Fujian",
    "36": "Jiangxi",
    "37": "Shandong",
    "41": "Henan",
    "42": "Hubei",
    "43": "Hunan",
    "44": "Guangdong",
    "45": "Guangxi Zhuang Autonomous Region",
    "46": "Hainan",
    "50": "Chongqing",
    "51": "Sichuan",
    "52": "Guizhou",
    "53": "Yunnan",
    "54": "Xizang Autonomous Region",
    "61": "Shaanxi",
    "62": "Gansu",
    "63": "Qinghai",
    "64": "Ningxia Hui Autonomous Region",
    "65": "Xinjiang Uygur Autonomous Region",
    "71": "Taiwan",
    "81": "Hong Kong Special Administrative Region",
    "82": "Macao Special Administrative Region",
}


def province_name(code: str) -> str:
    """Return the province's name in the active language: English in English, else Chinese."""
    english = (get_language() or "").startswith("en")
    return (PROVINCES_EN if english else PROVINCES_ZH)[code]


# Province names as they are shown: each evaluated in the reader's language when rendered,
# so the model choices, filters and pages built from this mapping follow the language too.
PROVINCES: dict[str, str] = {code: lazy(province_name, str)(code) for code in PROVINCES_ZH}

# The provincial-level divisions where the mainland's rules apply, and so the producers'
# outlet duty of Order No. 73: Hong Kong and Macao have their own laws (Basic Laws, art. 18),
# and Taiwan is outside the mainland's administration. GB/T 2260 lists all 34.
OUTSIDE_MAINLAND_RULES = frozenset({"71", "81", "82"})
MAINLAND_PROVINCES: frozenset[str] = frozenset(PROVINCES) - OUTSIDE_MAINLAND_RULES

DIVISION_LENGTH = 6


def validate_division_code(value: str) -> list[IdentifierError]:
    """Return every problem with a division code (xx0000, xxyy00 or xxyyzz)."""
    errors = []
    if len(value) != DIVISION_LENGTH:
        errors.append(
            identifier_error(
                "division.length",
                _("行政区划代码应为6位数字，实际为%(length)s位。"),
                length=len(value),
            )
        )
    errors += invalid_char_errors(value, string.digits, "division.char", _("数字0–9"))
    if errors:
        return errors
    if value[:2] not in PROVINCES:
        errors.append(
            identifier_error(
                "division.province",
                _("第1–2位省级代码“%(prefix)s”不存在，应为34个省级行政区代码之一。"),
                1,
                prefix=value[:2],
            )
        )
    elif value[2:4] == "00" and value[4:] != "00":
        # A county-level code always sits under a prefecture-level one (GB/T 2260).
        errors.append(
            identifier_error(
                "division.prefecture",
                _("第3–4位地级代码为“00”时，第5–6位县级代码也应为“00”。"),
                3,
            )
        )
    return errors


def province_of(code: str) -> str:
    """Return the provincial-level division code containing ``code``."""
    return code[:2] + "0000"


def prefecture_of(code: str) -> str:
    """Return the prefecture-level division code containing ``code`` (itself for a province)."""
    return code[:4] + "00"


def division_level(code: str) -> str:
    """Return ``province``, ``prefecture`` or ``county`` for a valid division code."""
    if code[2:] == "0000":
        return "province"
    if code[4:] == "00":
        return "prefecture"
    return "county"
