"""The import's fast code check gives exactly the verdict of `parse_battery_code`."""

from datetime import date

from hypothesis import example, given, settings
from hypothesis import strategies as st

from batteries.imports.codes import CodeChecker
from common.battery_code import CODE_ALPHABET, make_battery_code, parse_battery_code

TODAY = date(2026, 11, 25)
# One checker for the whole run, so its remembered date stamps are exercised too.
CHECKER = CodeChecker(TODAY)

valid_codes = st.builds(
    lambda mfr, pt, bt, produced, serial: make_battery_code(
        manufacturer=mfr, product_type=pt, battery_type=bt, produced=produced, serial=serial
    ),
    st.text(CODE_ALPHABET, min_size=3, max_size=3),
    st.sampled_from("PMC"),
    st.sampled_from("ABCDEFGZ"),
    st.dates(min_value=date(2011, 1, 1), max_value=date(2036, 12, 31)),
    st.integers(min_value=0, max_value=9_999_999),
)


@st.composite
def mutated(draw):
    """A valid code with one character replaced, inserted or deleted, or its case changed."""
    code = draw(valid_codes)
    at = draw(st.integers(0, len(code) - 1))
    char = draw(st.sampled_from(CODE_ALPHABET + "IOQ ａ-x"))
    how = draw(st.sampled_from(["replace", "insert", "delete", "lower"]))
    if how == "replace":
        return code[:at] + char + code[at + 1 :]
    if how == "insert":
        return code[:at] + char + code[at:]
    if how == "delete":
        return code[:at] + code[at + 1 :]
    return code.lower()


def fields_of(result):
    p = result.parsed
    return (p.code, p.product_type, p.battery_type, p.chemistry, p.spec_code,
            p.trace_code or "", p.production_date, p.serial, p.manufacturer_code)  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.one_of(valid_codes, mutated()))
@example("001PB01A1B2C3DG4F0000001")
@example("001PB01A1B2C3DV2Y0000001")  # 31 Feb: the disputed-day readings
@example("001PB01A1B2C3DT1Y0000001")  # 2036: after today
@example("001PB01ABR")
def test_the_fast_check_agrees_with_parse_battery_code(raw):
    expected = parse_battery_code(raw, today=TODAY)

    fields, errors = CHECKER.check(raw)

    if expected.errors:
        assert fields is None and [e.code for e in errors] == [e.code for e in expected.errors]
    else:
        assert fields is not None and not errors
        assert tuple(getattr(fields, name) for name in fields.__slots__) == fields_of(expected)
