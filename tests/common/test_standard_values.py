"""Expected values written out from the standards, never taken from the modules' own tables.

GB/T 34014-2017 date letters as DOMAIN.md 3.1 lists them; USCC (GB 32100-2015) and VIN
(GB 16735 / ISO 3779) check characters computed here by arithmetic of our own, in a form
different from the validators' (powers instead of weight tables, search instead of
subtraction), and cross-checked against published real codes.
"""

from datetime import date

import pytest
from django.utils import translation

from common.battery_code import (
    DAY_CODES,
    MONTH_CODES,
    YEAR_CODES,
    make_battery_code,
    parse_battery_code,
)
from common.identifiers import (
    org_code_check_char,
    uscc_check_char,
    validate_uscc,
    validate_vin,
    vin_check_digit,
)

# --- GB/T 34014-2017 date letters (DOMAIN.md 3.1), position 15, 16 and 17 ---------------------

STANDARD_YEARS = {
    "1": 2011, "2": 2012, "3": 2013, "4": 2014, "5": 2015, "6": 2016, "7": 2017, "8": 2018,
    "9": 2019, "A": 2020, "B": 2021, "C": 2022, "D": 2023, "E": 2024, "F": 2025, "G": 2026,
    "H": 2027, "J": 2028, "K": 2029, "L": 2030, "M": 2031, "N": 2032, "P": 2033, "R": 2034,
    "S": 2035, "T": 2036,
}  # fmt: skip
STANDARD_MONTHS = {
    "1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "6": 6, "7": 7, "8": 8, "9": 9,
    "A": 10, "B": 11, "C": 12,
}  # fmt: skip
STANDARD_DAYS = {
    "1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "6": 6, "7": 7, "8": 8, "9": 9,
    "A": 10, "B": 11, "C": 12, "D": 13, "E": 14, "F": 15, "G": 16, "H": 17,
    "J": 18, "K": 19, "L": 20, "M": 21, "N": 22, "P": 23, "R": 24, "S": 25, "T": 26,
}  # fmt: skip

HEAD = "001PB01A1B2C3D"  # positions 1-14 of the synthetic example
SERIAL = "0000001"
LAST_DAY = date(2036, 12, 31)


def code_with(stamp: str) -> str:
    """Return a 24-character code with the given year, month and day letters."""
    return f"{HEAD}{stamp}{SERIAL}"


def production_date(stamp: str, today: date = LAST_DAY) -> date:
    result = parse_battery_code(code_with(stamp), today=today)
    assert result.errors == [], [(e.code, e.position) for e in result.errors]
    return result.parsed.production_date


@pytest.mark.parametrize(("letter", "year"), STANDARD_YEARS.items())
def test_it_reads_every_year_letter_as_the_standard_does(letter, year):
    assert production_date(letter + "11") == date(year, 1, 1)


@pytest.mark.parametrize(("letter", "month"), STANDARD_MONTHS.items())
def test_it_reads_every_month_letter_as_the_standard_does(letter, month):
    assert production_date("G" + letter + "1") == date(2026, month, 1)


@pytest.mark.parametrize(("letter", "day"), STANDARD_DAYS.items())
def test_it_reads_every_undisputed_day_letter_as_the_standard_does_without_warning(letter, day):
    result = parse_battery_code(code_with("G1" + letter), today=LAST_DAY)
    assert result.errors == [] and result.warnings == []
    assert result.parsed.production_date == date(2026, 1, day)


def test_the_date_alphabets_hold_exactly_the_standards_letters():
    assert YEAR_CODES == STANDARD_YEARS
    assert MONTH_CODES == STANDARD_MONTHS
    assert DAY_CODES == STANDARD_DAYS


@pytest.mark.parametrize(
    ("produced", "stamp"),
    [
        (date(2011, 1, 1), "111"),
        (date(2019, 9, 9), "999"),
        (date(2024, 10, 10), "EAA"),
        (date(2024, 11, 18), "EBJ"),
        (date(2026, 12, 26), "GCT"),
        (date(2028, 2, 29), "J2W"),  # days 27-31 are written U-Y, the most common reading
        (date(2033, 7, 27), "P7U"),
        (date(2036, 12, 31), "TCY"),
    ],
)
def test_it_writes_the_standards_letters_when_building_a_code(produced, stamp):
    built = make_battery_code(manufacturer="001", produced=produced, serial=1)
    assert built == code_with(stamp)


# Days 27-31: every reading of DOMAIN.md 3.1, the first one that gives a real date wins.
@pytest.mark.parametrize(
    ("stamp", "produced", "candidates"),
    [
        ("G1U", date(2026, 1, 27), "27"),
        ("G1V", date(2026, 1, 28), "28、27"),
        ("G1W", date(2026, 1, 29), "29、28"),
        ("G1X", date(2026, 1, 30), "30、29"),
        ("G1Y", date(2026, 1, 31), "31、30"),
        ("G10", date(2026, 1, 31), "31"),
        ("G4Y", date(2026, 4, 30), "31、30"),  # April has 30 days: Y falls back to the 30th
        ("E2X", date(2024, 2, 29), "30、29"),  # leap February: X falls back to the 29th
        ("E2W", date(2024, 2, 29), "29、28"),
        ("F2W", date(2025, 2, 28), "29、28"),  # common February: W falls back to the 28th
        ("F2V", date(2025, 2, 28), "28、27"),
    ],
)
def test_it_reads_a_disputed_day_letter_and_warns_with_the_day_it_chose(
    stamp, produced, candidates
):
    result = parse_battery_code(code_with(stamp), today=LAST_DAY)
    assert result.errors == []
    assert result.parsed.production_date == produced
    assert [(w.code, w.position) for w in result.warnings] == [("code.day_ambiguous", 17)]
    with translation.override("zh-hans"):
        message = str(result.warnings[0])
    assert f"（{candidates}日）" in message
    assert f"暂按{produced.day}日解读" in message


# 2025-02-30 or 29, 2025-02-31 or 30, 2024-02-31 or 30, 2026-04-31, 2026-06-31.
@pytest.mark.parametrize("stamp", ["F2X", "F2Y", "E2Y", "G40", "G60"])
def test_it_rejects_a_disputed_day_letter_that_no_reading_makes_a_real_date(stamp):
    result = parse_battery_code(code_with(stamp), today=LAST_DAY)
    assert [(e.code, e.position) for e in result.errors] == [("code.date_invalid", 15)]
    with translation.override("zh-hans"):
        assert "不存在" in str(result.errors[0])


# --- USCC, GB 32100-2015 ----------------------------------------------------------------------

USCC_SYMBOLS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # the standard's 31 symbols, in value order


def standard_org_check(body8: str) -> str:
    """GB 11714: weight of position i is 2^(9-i) mod 11; check value makes the sum ≡ 0 mod 11."""
    total = sum(int(char, 36) * pow(2, 9 - i, 11) for i, char in enumerate(body8, 1))
    value = -total % 11
    return "X" if value == 10 else str(value)


def standard_uscc_check(first17: str) -> str:
    """GB 32100: weight of position i is 3^(i-1) mod 31; the check symbol completes ≡ 0 mod 31."""
    total = sum(USCC_SYMBOLS.index(char) * pow(3, i, 31) for i, char in enumerate(first17))
    return next(c for c in USCC_SYMBOLS if (total + USCC_SYMBOLS.index(c)) % 31 == 0)


# One enterprise code (登记管理部门 9, 企业 1, 福建宁德蕉城 350902) per check symbol, in order.
USCC_BY_CHECK = [
    "913509025875000460",
    "913509025875001691",
    "913509025875002142",
    "913509025875003373",
    "913509025875001504",
    "9135090258750002X5",
    "913509025875003966",
    "913509025875002067",
    "913509025875000978",
    "913509025875001429",
    "91350902587500265A",
    "91350902587500310B",
    "91350902587500433C",
    "91350902587500011D",
    "91350902587500134E",
    "91350902587500257F",
    "91350902587500070G",
    "91350902587500193H",
    "91350902587500003J",
    "91350902587500126K",
    "91350902587500249L",
    "91350902587500062M",
    "91350902587500185N",
    "91350902587500230P",
    "9135090258750010XQ",
    "91350902587500476R",
    "91350902587500054T",
    "91350902587500177U",
    "91350902587500222W",
    "91350902587500345X",
    "9135090258750045XY",
]
PUBLISHED_USCCS = ["91350900587527783P", "91440300192317458F"]  # CATL, BYD


def test_the_examples_cover_every_check_symbol_and_pass_the_independent_arithmetic():
    assert "".join(uscc[-1] for uscc in USCC_BY_CHECK) == USCC_SYMBOLS
    for uscc in USCC_BY_CHECK + PUBLISHED_USCCS:
        assert standard_org_check(uscc[8:16]) == uscc[16], uscc
        assert standard_uscc_check(uscc[:17]) == uscc[17], uscc


@pytest.mark.parametrize("uscc", USCC_BY_CHECK + PUBLISHED_USCCS)
def test_it_accepts_a_uscc_for_every_check_symbol(uscc):
    assert validate_uscc(uscc) == []
    assert uscc_check_char(uscc[:17]) == uscc[17]
    assert org_code_check_char(uscc[8:16]) == uscc[16]


@pytest.mark.parametrize("uscc", USCC_BY_CHECK)
def test_it_rejects_a_uscc_whose_check_symbol_is_any_other(uscc):
    for wrong in USCC_SYMBOLS.replace(uscc[17], ""):
        assert [(e.code, e.position) for e in validate_uscc(uscc[:17] + wrong)] == [
            ("uscc.check", 18)
        ], wrong


@pytest.mark.parametrize(
    ("body", "check"),
    [
        ("10000004", "0"),
        ("10000009", "1"),
        ("10000003", "2"),
        ("10000008", "3"),
        ("10000002", "4"),
        ("10000007", "5"),
        ("10000001", "6"),
        ("10000006", "7"),
        ("10000000", "8"),
        ("10000005", "9"),
        ("10000018", "X"),
        ("58752778", "3"),  # CATL
        ("19231745", "8"),  # BYD
        ("MA0000AB", standard_org_check("MA0000AB")),  # letters count A = 10 … Z = 35
    ],
)
def test_it_computes_every_organization_check_character(body, check):
    assert standard_org_check(body) == check
    assert org_code_check_char(body) == check


# --- VIN, GB 16735 / ISO 3779 -----------------------------------------------------------------

VIN_VALUES = {
    **{str(digit): digit for digit in range(10)},
    "A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6, "G": 7, "H": 8,
    "J": 1, "K": 2, "L": 3, "M": 4, "N": 5, "P": 7, "R": 9,
    "S": 2, "T": 3, "U": 4, "V": 5, "W": 6, "X": 7, "Y": 8, "Z": 9,
}  # fmt: skip
VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]


def standard_vin_check(vin: str) -> str:
    remainder = sum(VIN_VALUES[c] * w for c, w in zip(vin, VIN_WEIGHTS, strict=True)) % 11
    return "X" if remainder == 10 else str(remainder)


VIN_BY_CHECK = {
    "0": "LSVAG2180E2100009",
    "1": "LSVAG2181E2100004",
    "2": "LSVAG2182E2100013",
    "3": "LSVAG2183E2100005",
    "4": "LSVAG2184E2100000",
    "5": "LSVAG2185E2100006",
    "6": "LSVAG2186E2100001",
    "7": "LSVAG2187E2100007",
    "8": "LSVAG2188E2100002",
    "9": "LSVAG2189E2100008",
    "X": "LSVAG218XE2100003",
}
PUBLISHED_VINS = {"X": "1M8GDM9AXKP042788", "3": "1HGCM82633A004352"}


@pytest.mark.parametrize(("check", "vin"), [*VIN_BY_CHECK.items(), *PUBLISHED_VINS.items()])
def test_it_accepts_a_vin_for_every_check_digit_including_x_and_0(check, vin):
    assert vin[8] == check == standard_vin_check(vin)
    assert vin_check_digit(vin) == check
    assert validate_vin(vin) == []


@pytest.mark.parametrize("vin", VIN_BY_CHECK.values())
def test_it_rejects_a_vin_whose_check_digit_is_any_other(vin):
    for wrong in "0123456789X".replace(vin[8], ""):
        bad = vin[:8] + wrong + vin[9:]
        assert [(e.code, e.position) for e in validate_vin(bad)] == [("vin.check", 9)], wrong
