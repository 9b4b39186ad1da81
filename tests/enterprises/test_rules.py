"""Pure rules: the review transition table, manufacturer codes, API-key expiry, coverage."""

import datetime as dt

import pytest

from enterprises import rules


@pytest.mark.parametrize(
    ("status", "action", "expected"),
    [
        ("pending", "approve", "approved"),
        ("pending", "reject", "rejected"),
        ("approved", "suspend", "suspended"),
        ("suspended", "reinstate", "approved"),
        ("approved", "approve", None),
        ("rejected", "approve", None),
        ("pending", "suspend", None),
        ("suspended", "reject", None),
    ],
)
def test_the_transition_table_allows_only_the_listed_moves(status, action, expected):
    assert rules.enterprise_next_status(status=status, action=action) == expected


def test_each_status_offers_only_its_allowed_actions():
    assert rules.enterprise_actions_allowed(status="pending") == ["approve", "reject"]
    assert rules.enterprise_actions_allowed(status="rejected") == []


def test_rejection_and_suspension_need_a_reason_approval_does_not():
    assert rules.review_reason_required("reject") and rules.review_reason_required("suspend")
    assert not rules.review_reason_required("approve")


def test_manufacturer_codes_are_split_on_any_chinese_or_ascii_separator():
    assert rules.parse_manufacturer_codes(" a01，B02、c03 ;a01 ") == ["A01", "B02", "C03"]


def test_manufacturer_codes_need_a_producer_role():
    problems = rules.manufacturer_code_problems(roles=["utilizer"], codes=["A01"], taken=[])
    assert "生产企业" in str(problems[0])


def test_an_api_key_expires_after_today_and_within_two_years():
    today = dt.date(2026, 3, 1)
    assert rules.api_key_expiry_problem(expires_on=dt.date(2027, 3, 1), today=today) is None
    assert rules.api_key_expiry_problem(expires_on=dt.date(2028, 3, 1), today=today) is None
    assert "最长两年" in rules.api_key_expiry_problem(expires_on=dt.date(2028, 3, 2), today=today)
    assert rules.api_key_expiry_problem(expires_on=today, today=today)


def test_a_leap_day_plus_one_year_is_the_28th_of_february():
    assert rules.add_years(dt.date(2028, 2, 29), 1) == dt.date(2029, 2, 28)


def test_coverage_lists_uncovered_areas_first():
    rows = rules.outlet_coverage(required_areas=["35", "32", "44"], active_outlets={"35": 2})
    assert [(r.area, r.covered) for r in rows] == [("32", False), ("44", False), ("35", True)]


def test_battery_and_vehicle_producers_are_measured_at_their_own_levels():
    assert rules.coverage_levels(["battery_producer", "vehicle_producer"]) == [
        "province",
        "prefecture",
    ]
    assert rules.coverage_levels(["utilizer"]) == []
