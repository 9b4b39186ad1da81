"""Province names follow the reader's language; the outlet duty covers the 31 mainland ones."""

from django.utils import translation

from common.identifiers import (
    MAINLAND_PROVINCES,
    OUTSIDE_MAINLAND_RULES,
    PROVINCES,
    province_name,
)

# GB/T 2260 provincial-level codes of the mainland's 31 provinces, regions and municipalities.
MAINLAND = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65",
}  # fmt: skip


def test_a_province_is_named_in_chinese_by_default_and_in_english_in_english():
    with translation.override("zh-hans"):
        assert province_name("32") == "江苏省" and str(PROVINCES["44"]) == "广东省"
    with translation.override("en"):
        assert province_name("32") == "Jiangsu" and str(PROVINCES["44"]) == "Guangdong"
        assert f"{PROVINCES['54']}" == "Xizang Autonomous Region"
    with translation.override(None):  # no language at all (management commands): Chinese
        assert province_name("81") == "香港特别行政区"


def test_the_outlet_duty_covers_the_31_mainland_provinces_not_taiwan_hong_kong_macao():
    assert set(MAINLAND_PROVINCES) == MAINLAND
    assert set(OUTSIDE_MAINLAND_RULES) == {"71", "81", "82"}
    assert set(PROVINCES) == MAINLAND | {"71", "81", "82"}
