from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common.battery_code import (
    CHEMISTRIES,
    CHEMISTRY_LABELS,
    DAY_27_31_CANDIDATES,
    PRODUCT_TYPES,
    YEAR_CODES,
    CodeParseResult,
    ParsedCode,
    make_battery_code,
    parse_battery_code,
    validate_battery_code,
)

EXAMPLE = "001PB01A1B2C3DG4F0000001"
TODAY = date(2026, 4, 30)
LAST_ENCODABLE_DAY = date(2036, 12, 31)


def replace_at(value: str, position: int, chars: str) -> str:
    """Return value with the characters from the 1-based position replaced."""
    return value[: position - 1] + chars + value[position - 1 + len(chars) :]


def errors_of(value: str, **kwargs) -> list[tuple[str, int | None]]:
    """Return the (code, position) pairs of the errors of a code, checking messages render."""
    result = parse_battery_code(value, **{"today": TODAY, **kwargs})
    for problem in result.errors + result.warnings:
        assert str(problem.message)
    assert result.parsed is None or not result.errors
    return [(error.code, error.position) for error in result.errors]


def parsed(value: str, today: date = TODAY) -> ParsedCode:
    """Return the fields of a code expected to be valid."""
    result = parse_battery_code(value, today=today)
    assert result.errors == [], [(e.code, e.position) for e in result.errors]
    assert result.is_valid and result.parsed is not None
    return result.parsed


# --- Valid codes ------------------------------------------------------------------------------


def test_it_parses_the_synthetic_example_into_its_fields():
    result = parse_battery_code(EXAMPLE, today=TODAY)
    assert result == CodeParseResult(
        code=EXAMPLE,
        errors=[],
        warnings=[],
        parsed=ParsedCode(
            code=EXAMPLE,
            manufacturer_code="001",
            product_type="P",
            battery_type="B",
            chemistry="lfp",
            spec_code="01",
            trace_code="A1B2C3D",
            production_date=date(2026, 4, 15),
            serial="0000001",
            is_repurposed=False,
        ),
    )


def test_it_normalizes_case_spaces_and_full_width_characters():
    result = parse_battery_code(" 001pb01 a1b2c3d g4f 0000001 ", today=TODAY)
    assert result.code == EXAMPLE and result.is_valid
    assert parse_battery_code("００１ＰＢ01A1B2C3DG4F0000001", today=TODAY).code == EXAMPLE


# Expected values from DOMAIN.md 3.1, not from the module's tables; the date letters are in
# test_standard_values.py.
@pytest.mark.parametrize(
    ("letter", "product_type"), [("P", "pack"), ("M", "module"), ("C", "cell")]
)
def test_it_reads_every_product_type(letter, product_type):
    assert parsed(replace_at(EXAMPLE, 4, letter)).product_type == letter
    assert PRODUCT_TYPES[letter] == product_type


@pytest.mark.parametrize(
    ("letter", "chemistry"),
    [
        ("A", "nimh"),
        ("B", "lfp"),
        ("C", "lmo"),
        ("D", "lco"),
        ("E", "ternary"),
        ("F", "supercap"),
        ("G", "lto"),
        ("Z", "other"),
    ],
)
def test_it_reads_every_battery_type_as_a_chemistry(letter, chemistry):
    code = parsed(replace_at(EXAMPLE, 5, letter))
    assert (code.battery_type, code.chemistry) == (letter, chemistry)
    assert str(CHEMISTRY_LABELS[chemistry])


def test_the_year_codes_run_from_2011_to_2036_without_i_o_q_or_z():
    assert sorted(YEAR_CODES.values()) == list(range(2011, 2037))
    assert not set("IOQZ0") & YEAR_CODES.keys()


def test_it_parses_a_repurposed_code_without_traceability_code():
    code = parsed("001ME01G4F0000001RM")
    assert code.is_repurposed and code.trace_code is None
    assert (code.manufacturer_code, code.product_type, code.spec_code) == ("001", "M", "01")
    assert (code.production_date, code.serial) == (date(2026, 4, 15), "0000001")
    assert code.repurposed_product_type == "M"


def test_it_accepts_a_code_produced_today():
    assert parsed(EXAMPLE, today=date(2026, 4, 15)).production_date == date(2026, 4, 15)


# --- Disputed day codes 27-31 -----------------------------------------------------------------


def test_it_reads_the_disputed_day_codes_u_to_y_as_27_to_31_first():
    assert {char: days[0] for char, days in DAY_27_31_CANDIDATES.items() if char != "0"} == {
        "U": 27,
        "V": 28,
        "W": 29,
        "X": 30,
        "Y": 31,
    }


def test_it_falls_back_to_the_other_reading_when_the_first_is_not_a_real_date():
    # Y reads 31 first, but April has 30 days, and the other reading is 30.
    result = parse_battery_code(replace_at(EXAMPLE, 17, "Y"), today=TODAY)
    assert result.parsed.production_date == date(2026, 4, 30)
    assert [w.code for w in result.warnings] == ["code.day_ambiguous"]


def test_it_warns_about_a_disputed_day_even_when_the_code_has_errors():
    result = parse_battery_code(replace_at(EXAMPLE, 4, "X")[:16] + "U0000001", today=TODAY)
    assert [e.code for e in result.errors] == ["code.product_type"]
    assert [w.code for w in result.warnings] == ["code.day_ambiguous"]


# --- Errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["", EXAMPLE[:-1], EXAMPLE + "1", EXAMPLE[:18], EXAMPLE[:20]])
def test_it_rejects_a_code_of_the_wrong_length(value):
    assert errors_of(value) == [("code.length", None)]


def test_it_reports_foreign_characters_along_with_the_wrong_length():
    assert errors_of("001-PB") == [("code.length", None), ("code.char", 4)]


@pytest.mark.parametrize("position", [1, 4, 5, 10, 15, 16, 17, 20])
def test_it_rejects_a_foreign_character_once_at_its_position(position):
    assert errors_of(replace_at(EXAMPLE, position, "-")) == [("code.char", position)]


@pytest.mark.parametrize("char", "ABDXZ1")
def test_it_rejects_an_unknown_product_type(char):
    assert errors_of(replace_at(EXAMPLE, 4, char)) == [("code.product_type", 4)]


@pytest.mark.parametrize("char", "HIPY09")
def test_it_rejects_an_unknown_battery_type(char):
    assert errors_of(replace_at(EXAMPLE, 5, char)) == [("code.battery_type", 5)]


@pytest.mark.parametrize("char", "0IOQUVWXYZ")
def test_it_rejects_a_year_code_outside_the_alphabet(char):
    assert errors_of(replace_at(EXAMPLE, 15, char)) == [("code.year", 15)]


@pytest.mark.parametrize("char", "0DIOZ")
def test_it_rejects_a_month_code_outside_the_alphabet(char):
    assert errors_of(replace_at(EXAMPLE, 16, char)) == [("code.month", 16)]


@pytest.mark.parametrize("char", "IOQZ")
def test_it_rejects_a_day_code_outside_the_alphabet(char):
    assert errors_of(replace_at(EXAMPLE, 17, char)) == [("code.day", 17)]


@pytest.mark.parametrize("stamp", ["G2X", "G2Y", "G40"])
def test_it_rejects_a_date_missing_from_the_calendar_under_every_reading(stamp):
    # 2026-02-30 or 29, 2026-02-31 or 30, 2026-04-31.
    assert errors_of(replace_at(EXAMPLE, 15, stamp)) == [("code.date_invalid", 15)]


def test_it_accepts_a_disputed_day_valid_under_its_second_reading_only():
    # W reads 29 first; 2025 is not a leap year, so 28 is the only real date.
    assert parsed(replace_at(EXAMPLE, 15, "F2W")).production_date == date(2025, 2, 28)


def test_it_rejects_a_production_date_after_today():
    assert errors_of(EXAMPLE, today=date(2026, 4, 14)) == [("code.date_future", 15)]


def test_it_rejects_a_production_date_before_the_earliest_accepted():
    code = replace_at(EXAMPLE, 15, "7")
    assert errors_of(code) == []
    assert errors_of(code, earliest=date(2018, 2, 1)) == [("code.date_too_early", 15)]


def test_it_rejects_every_non_digit_in_the_serial_number():
    assert errors_of(replace_at(EXAMPLE, 18, "A00000B")) == [
        ("code.serial", 18),
        ("code.serial", 24),
    ]


@pytest.mark.parametrize("suffix", ["XM", "RX", "R1", "MR"])
def test_it_rejects_a_repurposed_code_not_ending_in_r_and_a_product_type(suffix):
    assert errors_of("001ME01G4F0000001" + suffix) == [("code.repurposed_suffix", 18)]


def test_it_reports_errors_at_repurposed_positions():
    assert errors_of("001QE01IDZ00A0001RM") == [
        ("code.product_type", 4),
        ("code.year", 8),
        ("code.month", 9),
        ("code.day", 10),
        ("code.serial", 13),
    ]


def test_it_reports_every_error_of_a_code_in_position_order():
    assert errors_of("001XH01A1B2C3DIDZ00A000B") == [
        ("code.product_type", 4),
        ("code.battery_type", 5),
        ("code.year", 15),
        ("code.month", 16),
        ("code.day", 17),
        ("code.serial", 20),
        ("code.serial", 24),
    ]


def test_validate_battery_code_returns_only_the_errors():
    assert validate_battery_code(EXAMPLE, today=TODAY) == []
    assert [e.code for e in validate_battery_code(EXAMPLE, today=date(2020, 1, 1))] == [
        "code.date_future"
    ]


# --- Building codes ---------------------------------------------------------------------------


def test_it_builds_the_synthetic_example():
    built = make_battery_code(manufacturer="001", produced=date(2026, 4, 15), serial=1)
    assert built == EXAMPLE


def test_it_builds_a_repurposed_code():
    built = make_battery_code(
        manufacturer="001",
        product_type="M",
        battery_type="E",
        produced=date(2026, 4, 15),
        serial=1,
        repurposed=True,
    )
    assert built == "001ME01G4F0000001RM"


@pytest.mark.parametrize(
    "fields",
    [
        {"produced": date(2037, 1, 1)},
        {"produced": date(2010, 12, 31)},
        {"serial": 10**7},
        {"serial": -1},
        {"manufacturer": "0001"},
        {"spec": "1"},
        {"trace": "A1B2C3"},
        {"product_type": "X"},
        {"battery_type": "H"},
        {"manufacturer": "00a"},
    ],
)
def test_it_refuses_to_build_a_code_from_invalid_fields(fields):
    with pytest.raises(ValueError):
        make_battery_code(**{"manufacturer": "001", "produced": TODAY, "serial": 1, **fields})


ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@given(
    manufacturer=st.text(alphabet=ALNUM, min_size=3, max_size=3),
    product_type=st.sampled_from(sorted(PRODUCT_TYPES)),
    battery_type=st.sampled_from(sorted(CHEMISTRIES)),
    spec=st.text(alphabet=ALNUM, min_size=2, max_size=2),
    trace=st.text(alphabet=ALNUM, min_size=7, max_size=7),
    produced=st.dates(min_value=date(2011, 1, 1), max_value=LAST_ENCODABLE_DAY),
    serial=st.integers(min_value=0, max_value=9_999_999),
    repurposed=st.booleans(),
)
def test_a_built_code_always_parses_back_to_its_fields(
    manufacturer, product_type, battery_type, spec, trace, produced, serial, repurposed
):
    built = make_battery_code(
        manufacturer=manufacturer,
        product_type=product_type,
        battery_type=battery_type,
        spec=spec,
        trace=trace,
        produced=produced,
        serial=serial,
        repurposed=repurposed,
    )
    code = parsed(built, today=LAST_ENCODABLE_DAY)
    assert (code.manufacturer_code, code.product_type, code.battery_type, code.spec_code) == (
        manufacturer,
        product_type,
        battery_type,
        spec,
    )
    assert code.trace_code == (None if repurposed else trace)
    assert (code.production_date, int(code.serial), code.is_repurposed) == (
        produced,
        serial,
        repurposed,
    )
