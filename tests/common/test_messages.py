"""The words a user reads for each identifier problem: what is wrong, where, what is expected.

Pinned word for word (Chinese, the source language): they are also the msgids the English
catalog translates, so a changed word silently drops the translation.
"""

from datetime import date

import pytest
from django.utils import translation

from common.battery_code import make_battery_code, parse_battery_code
from common.identifiers import (
    make_uscc,
    make_vin,
    org_code_check_char,
    uscc_check_char,
    validate_division_code,
    validate_uscc,
    validate_vin,
    vin_check_digit,
)

EXAMPLE = "001PB01A1B2C3DG4F0000001"  # 2026-04-15
REPURPOSED = "001ME01G4F0000001RM"
TODAY = date(2026, 4, 30)


def said(problems) -> list[str]:
    with translation.override("zh-hans"):
        return [str(problem) for problem in problems]


def code_errors(value: str, **kwargs) -> list[str]:
    return said(parse_battery_code(value, **{"today": TODAY, **kwargs}).errors)


# --- GB/T 34014 battery codes -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kwargs", "messages"),
    [
        (
            "001-PB",
            {},
            [
                "电池编码应为24位（梯次利用产品重新编码为19位），实际为6位。",
                "第4位字符“-”无效，应为数字0–9或大写字母A–Z。",
            ],
        ),
        (
            "001XH01A1B2C3DG4F0000001",
            {},
            [
                "第4位产品类型代码“X”无效，应为P（电池包）、M（模块）或C（单体）。",
                "第5位电池类型代码“H”无效，应为A–G或Z。",
            ],
        ),
        (
            "001PB01A1B2C3DG4FA00000B",
            {},
            [
                "第18位字符“A”无效，第18–24位序列号应全为数字。",
                "第24位字符“B”无效，第18–24位序列号应全为数字。",
            ],
        ),
        (
            "001ME01G4F00A0001RM",
            {},
            ["第13位字符“A”无效，第11–17位序列号应全为数字。"],
        ),
        (
            "001ME01G4F0000001XM",
            {},
            ["第18–19位应为梯次利用标识“R”加产品类型代码（P、M或C），实际为“XM”。"],
        ),
        (
            "001PB01A1B2C3DIDZ0000001",
            {},
            [
                "第15位生产年份代码“I”无效，应为1–9（2011–2019年）、A–H（2020–2027年）、"
                "J–N（2028–2032年）或P、R、S、T（2033–2036年）。",
                "第16位生产月份代码“D”无效，应为1–9（1–9月）或A、B、C（10–12月）。",
                "第17位生产日代码“Z”无效，应为1–9（1–9日）、A–H（10–17日）、J–N（18–22日）、"
                "P、R、S、T（23–26日）或U–Y、0（27–31日）。",
            ],
        ),
        ("001PB01A1B2C3DG400000001", {}, ["第15–17位生产日期2026年4月31日不存在。"]),
        ("001PB01A1B2C3DF2X0000001", {}, ["第15–17位生产日期2025年2月30日不存在。"]),
        (
            EXAMPLE,
            {"today": date(2026, 4, 14)},
            ["第15–17位生产日期2026-04-15晚于今天（2026-04-14）。"],
        ),
        (
            "001PB01A1B2C3D74F0000001",
            {"earliest": date(2018, 2, 1)},
            ["第15–17位生产日期2017-04-15早于2018-02-01。"],
        ),
        (
            REPURPOSED,
            {"today": date(2026, 4, 1)},
            ["第8–10位生产日期2026-04-15晚于今天（2026-04-01）。"],
        ),
    ],
)
def test_each_battery_code_error_says_what_where_and_what_is_expected(value, kwargs, messages):
    assert code_errors(value, **kwargs) == messages


def test_the_disputed_day_warning_names_the_letter_its_readings_and_the_day_chosen():
    result = parse_battery_code("001PB01A1B2C3DG4Y0000001", today=TODAY)
    assert said(result.warnings) == [
        "第17位生产日代码“Y”在不同资料中含义不一（31、30日），暂按30日解读，请核实。"
    ]


def test_a_code_of_the_wrong_length_still_comes_back_normalized():
    result = parse_battery_code(" 001pb01 ", today=TODAY)
    assert result.code == "001PB01" and result.parsed is None


@pytest.mark.parametrize("position", [18, 19])
def test_a_foreign_character_in_the_repurposed_suffix_is_reported_once(position):
    value = REPURPOSED[: position - 1] + "-" + REPURPOSED[position:]
    result = parse_battery_code(value, today=TODAY)
    assert [(e.code, e.position) for e in result.errors] == [("code.char", position)]


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"manufacturer": "0001"}, "manufacturer must be 3 characters"),
        ({"spec": "1"}, "spec must be 2 characters"),
        ({"trace": "A1B2C3"}, "trace must be 7 characters"),
        ({"produced": date(2037, 1, 1)}, "cannot encode production date 2037-01-01"),
        ({"serial": 10**7}, "cannot encode production date .* or serial 10000000"),
        ({"product_type": "X"}, r"invalid fields for .*\['code.product_type'\]"),
    ],
)
def test_building_a_code_from_bad_fields_says_which_field(fields, reason):
    with pytest.raises(ValueError, match=reason):
        make_battery_code(**{"manufacturer": "001", "produced": TODAY, "serial": 1, **fields})


# --- USCC, VIN, division codes ------------------------------------------------------------------


# The expected check symbols were computed by hand (test_standard_values.standard_uscc_check).
@pytest.mark.parametrize(
    ("value", "messages"),
    [
        ("9135090058752778P", ["统一社会信用代码应为18位，实际为17位。"]),
        (
            "91A50900587527783P",
            ["第3位字符“A”无效，应为数字0–9。"],
        ),
        # A letter outside the alphabet in the division positions is reported once.
        ("91I50900587527783P", ["第3位字符“I”无效，应为数字0–9。"]),
        (
            "913509005I7527783P",
            ["第10位字符“I”无效，应为数字0–9或大写字母（不含I、O、S、V、Z）。"],
        ),
        (
            "91350900587527784P",
            [
                "第17位是组织机构代码校验码，应为“3”，实际为“4”。",
                "第18位是校验码，应为“T”，实际为“P”。",
            ],
        ),
        ("91350900587527783Q", ["第18位是校验码，应为“P”，实际为“Q”。"]),
    ],
)
def test_each_uscc_error_says_what_where_and_what_is_expected(value, messages):
    assert said(validate_uscc(value)) == messages


@pytest.mark.parametrize(
    ("value", "messages"),
    [
        ("1M8GDM9AXKP04278", ["车辆识别代号应为17位，实际为16位。"]),
        ("1M8GDM9AXKPO42788", ["第12位字符“O”无效，应为数字0–9或大写字母（不含I、O、Q）。"]),
        ("1M8GDM9A0KP042788", ["第9位是校验位，应为“X”，实际为“0”。"]),
    ],
)
def test_each_vin_error_says_what_where_and_what_is_expected(value, messages):
    assert said(validate_vin(value)) == messages


@pytest.mark.parametrize(
    ("value", "messages"),
    [
        ("11000", ["行政区划代码应为6位数字，实际为5位。"]),
        ("11A000", ["第3位字符“A”无效，应为数字0–9。"]),
        ("990000", ["第1–2位省级代码“99”不存在，应为34个省级行政区代码之一。"]),
        ("110001", ["第3–4位地级代码为“00”时，第5–6位县级代码也应为“00”。"]),
    ],
)
def test_each_division_code_error_says_what_where_and_what_is_expected(value, messages):
    assert said(validate_division_code(value)) == messages


@pytest.mark.parametrize(
    ("call", "reason"),
    [
        (lambda: org_code_check_char("1234567"), "an organization code body is 8 characters"),
        (lambda: org_code_check_char("1234567a"), "an organization code body is 8 characters"),
        (lambda: uscc_check_char("9135090058752778"), "a USCC body is 17 characters"),
        (lambda: uscc_check_char("9135090058752778I"), "a USCC body is 17 characters"),
        (lambda: make_uscc("990000", 1), "invalid division code '990000'"),
        (lambda: make_uscc("110000", 10**8), r"seed must be in \[0, 10\*\*8\), got 100000000"),
        (lambda: make_uscc("110000", -1), "seed must be in"),
        (lambda: vin_check_digit("1M8GDM9AXKP04278"), "a VIN is 17 characters"),
        (lambda: vin_check_digit("1M8GDM9AXKPO42788"), "a VIN is 17 characters"),
        (lambda: make_vin("LSVAG21", "E2100000"), "need 8 \\+ 8 characters"),
        (lambda: make_vin("LSVAG218", "E210000"), "need 8 \\+ 8 characters"),
    ],
)
def test_the_builders_refuse_bad_input_saying_what_they_need(call, reason):
    with pytest.raises(ValueError, match=reason):
        call()
