import pytest
from hypothesis import given
from hypothesis import strategies as st

from common.identifiers import (
    PROVINCES,
    PROVINCES_EN,
    USCC_ALPHABET,
    IdentifierError,
    division_level,
    make_uscc,
    make_vin,
    normalize_uscc,
    normalize_vin,
    org_code_check_char,
    prefecture_of,
    province_of,
    uscc_check_char,
    validate_division_code,
    validate_uscc,
    validate_vin,
    vin_check_digit,
)

PUBLIC_USCCS = ["91350900587527783P", "91440300192317458F"]  # CATL, BYD


def codes_and_positions(errors: list[IdentifierError]) -> list[tuple[str, int | None]]:
    """Return the (code, position) pairs of errors, checking every message renders."""
    for error in errors:
        assert isinstance(str(error.message), str) and str(error.message)
        assert str(error) == str(error.message)
    return [(error.code, error.position) for error in errors]


def replace_at(value: str, position: int, char: str) -> str:
    """Return value with the character at the 1-based position replaced."""
    return value[: position - 1] + char + value[position:]


# --- USCC -------------------------------------------------------------------------------------


@pytest.mark.parametrize("uscc", PUBLIC_USCCS)
def test_it_accepts_the_public_uscc_examples(uscc):
    assert validate_uscc(uscc) == []


@pytest.mark.parametrize(("uscc", "org_check"), [(PUBLIC_USCCS[0], "3"), (PUBLIC_USCCS[1], "8")])
def test_it_computes_both_check_characters_of_the_public_examples(uscc, org_check):
    assert org_code_check_char(uscc[8:16]) == org_check
    assert uscc_check_char(uscc[:17]) == uscc[17]


@pytest.mark.parametrize(
    ("body", "check"), [("00000006", "X"), ("00000000", "0"), ("00000001", "9")]
)
def test_it_maps_organization_check_values_10_and_11_to_x_and_0(body, check):
    # Weighted sums 12, 0 and 2 give 11 - sum mod 11 = 10, 11 and 9.
    assert org_code_check_char(body) == check


@pytest.mark.parametrize("uscc", PUBLIC_USCCS)
@pytest.mark.parametrize("position", range(1, 19))
def test_it_rejects_every_single_character_substitution_of_a_public_uscc(uscc, position):
    for char in USCC_ALPHABET.replace(uscc[position - 1], ""):
        errors = codes_and_positions(validate_uscc(replace_at(uscc, position, char)))
        assert errors, f"{char!r} at {position} slipped through"
        if 3 <= position <= 8 and char.isalpha():
            assert errors == [("uscc.char", position)]
        elif position == 18:
            assert errors == [("uscc.check", 18)]
        else:
            assert ("uscc.check", 18) in errors


@pytest.mark.parametrize("uscc", ["9135090058752778P", "91350900587527783PP", ""])
def test_it_rejects_a_uscc_of_the_wrong_length(uscc):
    assert codes_and_positions(validate_uscc(uscc)) == [("uscc.length", None)]


@pytest.mark.parametrize("char", "IOSVZa-")
def test_it_rejects_characters_outside_the_uscc_alphabet(char):
    uscc = replace_at(PUBLIC_USCCS[0], 10, char)
    assert codes_and_positions(validate_uscc(uscc)) == [("uscc.char", 10)]


def test_it_reports_every_bad_uscc_character_in_position_order():
    uscc = "I1A50900587527783O"
    assert codes_and_positions(validate_uscc(uscc)) == [
        ("uscc.char", 1),
        ("uscc.char", 3),
        ("uscc.char", 18),
    ]


def test_it_rejects_a_uscc_whose_organization_check_character_is_wrong():
    first17 = replace_at(PUBLIC_USCCS[0][:17], 17, "4")
    uscc = first17 + uscc_check_char(first17)
    assert codes_and_positions(validate_uscc(uscc)) == [("uscc.org_check", 17)]


def test_it_normalizes_a_typed_uscc():
    assert normalize_uscc(" 9135 0900 5875 27783p\t") == PUBLIC_USCCS[0]
    assert normalize_uscc("９１３５０９００５８７５２７７８３ｐ") == PUBLIC_USCCS[0]


@pytest.mark.parametrize("first17", ["1234567890123456", "123456789012345678", "1234567890123456I"])
def test_it_refuses_to_compute_a_uscc_check_character_over_a_malformed_body(first17):
    with pytest.raises(ValueError):
        uscc_check_char(first17)


@pytest.mark.parametrize("first8", ["1234567", "123456789", "1234567-", "1234567a"])
def test_it_refuses_to_compute_an_organization_check_character_over_a_malformed_body(first8):
    with pytest.raises(ValueError):
        org_code_check_char(first8)


@given(
    division=st.sampled_from(["110000", "350900", "440300", "350902", "429004"]),
    seed=st.integers(min_value=0, max_value=10**8 - 1),
)
def test_it_builds_valid_usccs_from_a_division_and_seed(division, seed):
    uscc = make_uscc(division, seed)
    assert validate_uscc(uscc) == []
    assert uscc[2:8] == division


@pytest.mark.parametrize(("division", "seed"), [("990000", 1), ("11000", 1), ("110000", 10**8)])
def test_it_refuses_to_build_a_uscc_from_bad_inputs(division, seed):
    with pytest.raises(ValueError):
        make_uscc(division, seed)


def test_identifier_errors_compare_by_code_and_position_only():
    first = validate_uscc("")[0]
    assert first == IdentifierError("uscc.length", "anything", None)
    assert len({first, IdentifierError("uscc.length", "other", None)}) == 1


# --- VIN --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("vin", "check"),
    [("1M8GDM9AXKP042788", "X"), ("1HGCM82633A004352", "3"), ("11111111111111111", "1")],
)
def test_it_computes_and_accepts_known_vin_check_digits(vin, check):
    assert vin_check_digit(vin) == check
    assert validate_vin(vin) == []


@pytest.mark.parametrize("char", "0123456789X")
def test_it_rejects_a_vin_with_a_wrong_check_digit(char):
    vin = "1M8GDM9AXKP042788"
    if char == vin[8]:
        return
    assert codes_and_positions(validate_vin(replace_at(vin, 9, char))) == [("vin.check", 9)]


def test_it_rejects_a_letter_other_than_x_as_vin_check_digit():
    assert codes_and_positions(validate_vin("1M8GDM9AAKP042788")) == [("vin.check", 9)]


@pytest.mark.parametrize("char", "IOQ")
def test_it_rejects_the_letters_i_o_and_q_in_a_vin(char):
    vin = replace_at("1M8GDM9AXKP042788", 12, char)
    assert codes_and_positions(validate_vin(vin)) == [("vin.char", 12)]


@pytest.mark.parametrize("vin", ["1M8GDM9AXKP04278", "1M8GDM9AXKP0427888"])
def test_it_rejects_a_vin_of_the_wrong_length(vin):
    assert codes_and_positions(validate_vin(vin)) == [("vin.length", None)]


def test_it_normalizes_a_typed_vin():
    assert normalize_vin(" 1m8gdm9axkp042788 ") == "1M8GDM9AXKP042788"


@given(
    prefix=st.text(alphabet="0123456789ABCDEFGHJKLMNPRSTUVWXYZ", min_size=8, max_size=8),
    tail=st.text(alphabet="0123456789ABCDEFGHJKLMNPRSTUVWXYZ", min_size=8, max_size=8),
)
def test_it_builds_valid_vins_from_a_prefix_and_tail(prefix, tail):
    vin = make_vin(prefix, tail)
    assert validate_vin(vin) == []
    assert vin[:8] == prefix and vin[9:] == tail


def test_it_refuses_to_build_a_vin_from_bad_parts():
    with pytest.raises(ValueError):
        make_vin("LSVAG21", "E2100000")
    with pytest.raises(ValueError):
        make_vin("LSVAG21O", "E2100000")


# --- Administrative divisions -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "level"),
    [("110000", "province"), ("440300", "prefecture"), ("350902", "county"), ("429004", "county")],
)
def test_it_accepts_division_codes_at_every_level(code, level):
    assert validate_division_code(code) == []
    assert division_level(code) == level


@pytest.mark.parametrize(
    ("code", "errors"),
    [
        ("11000", [("division.length", None)]),
        ("1100000", [("division.length", None)]),
        ("11A000", [("division.char", 3)]),
        ("990000", [("division.province", 1)]),
        ("100000", [("division.province", 1)]),
        ("110001", [("division.prefecture", 3)]),
    ],
)
def test_it_rejects_malformed_division_codes(code, errors):
    assert codes_and_positions(validate_division_code(code)) == errors


def test_it_finds_the_province_and_prefecture_of_a_division():
    assert province_of("350902") == "350000"
    assert prefecture_of("350902") == "350900"
    assert prefecture_of("350000") == "350000"


def test_it_lists_the_34_provincial_level_divisions_in_both_languages():
    assert len(PROVINCES) == 34
    assert PROVINCES.keys() == PROVINCES_EN.keys()
    assert PROVINCES["35"] == "福建省" and PROVINCES["65"] == "新疆维吾尔自治区"
    assert all(validate_division_code(prefix + "0000") == [] for prefix in PROVINCES)
