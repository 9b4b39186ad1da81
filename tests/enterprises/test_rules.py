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


# --- Exact decisions and the words the applicant reads (the msgids of the catalogs) --------


def test_an_empty_list_of_manufacturer_codes_parses_to_nothing():
    assert rules.parse_manufacturer_codes("") == []
    assert rules.parse_manufacturer_codes(None) == []
    assert rules.parse_manufacturer_codes(" ，、; ") == []


@pytest.mark.parametrize(
    ("roles", "number", "problems"),
    [
        (["dismantler"], "", ["选择“报废机动车回收拆解企业”时，必须填写商务部拆解资质证书编号。"]),
        (
            ["dismantler", "utilizer"],
            "   ",
            ["选择“报废机动车回收拆解企业”时，必须填写商务部拆解资质证书编号。"],
        ),
        (
            ["dismantler"],
            None,
            ["选择“报废机动车回收拆解企业”时，必须填写商务部拆解资质证书编号。"],
        ),
        (["dismantler"], "商拆资〔2024〕0012号", None),
        (["utilizer"], "", None),
        ([], "", None),
        (None, "", None),
    ],
)
def test_a_dismantler_must_give_its_mofcom_qualification_number(roles, number, problems):
    found = rules.enterprise_role_problems(roles=roles, dismantler_qualification_no=number)
    expected = {"dismantler_qualification_no": problems} if problems else {}
    assert {field: [str(m) for m in messages] for field, messages in found.items()} == expected


@pytest.mark.parametrize(
    ("roles", "codes", "taken", "problems"),
    [
        (["utilizer"], ["A01"], [], ["只有电池或汽车的生产企业、进口商才能申报厂商代码。"]),
        (None, ["A01"], [], ["只有电池或汽车的生产企业、进口商才能申报厂商代码。"]),
        (["battery_producer"], [], [], ["电池生产企业或进口商须至少填写一个厂商代码。"]),
        (["battery_importer"], [], [], ["电池生产企业或进口商须至少填写一个厂商代码。"]),
        (["vehicle_producer"], [], [], []),  # a vehicle maker may have no code
        (["utilizer"], [], [], []),
        (["vehicle_importer"], ["V01"], [], []),
        (["battery_producer"], ["A01", "B02"], ["C03"], []),
        (
            ["battery_producer"],
            ["A01", "AB", "a01", "A01B", "B02"],
            ["B02"],
            [
                "厂商代码“AB”格式错误，应为3位数字或大写字母（0–9、A–Z）。",
                "厂商代码“a01”格式错误，应为3位数字或大写字母（0–9、A–Z）。",
                "厂商代码“A01B”格式错误，应为3位数字或大写字母（0–9、A–Z）。",
                "厂商代码“B02”已被其他企业备案。",
            ],
        ),
    ],
)
def test_manufacturer_codes_are_refused_with_the_reason_per_code(roles, codes, taken, problems):
    found = rules.manufacturer_code_problems(roles=roles, codes=codes, taken=taken)
    assert [str(message) for message in found] == problems


@pytest.mark.parametrize(
    ("expires_on", "problem"),
    [
        (dt.date(2026, 2, 28), "有效期截止日期必须晚于今天。"),
        (dt.date(2026, 3, 1), "有效期截止日期必须晚于今天。"),
        (dt.date(2026, 3, 2), None),
        (dt.date(2028, 3, 1), None),
        (dt.date(2028, 3, 2), "API 密钥有效期最长两年，截止日期不能晚于 2028-03-01。"),
    ],
)
def test_an_api_key_expiry_is_checked_day_by_day(expires_on, problem):
    found = rules.api_key_expiry_problem(expires_on=expires_on, today=dt.date(2026, 3, 1))
    assert (None if found is None else str(found)) == problem


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (dt.date(2026, 3, 1), 1, dt.date(2027, 3, 1)),
        (dt.date(2026, 12, 31), 2, dt.date(2028, 12, 31)),
        (dt.date(2028, 2, 29), 4, dt.date(2032, 2, 29)),
        (dt.date(2028, 2, 29), 2, dt.date(2030, 2, 28)),
    ],
)
def test_adding_years_keeps_the_calendar_day_where_it_exists(day, years, expected):
    assert rules.add_years(day, years) == expected


@pytest.mark.parametrize(
    ("roles", "levels"),
    [
        (["battery_producer"], ["province"]),
        (["battery_importer"], ["province"]),
        (["vehicle_producer"], ["prefecture"]),
        (["vehicle_importer", "dealer"], ["prefecture"]),
        (["battery_importer", "vehicle_importer"], ["province", "prefecture"]),
        (["dismantler", "outlet_operator"], []),
        (None, []),
    ],
)
def test_each_producer_role_owes_outlets_at_its_level(roles, levels):
    assert rules.coverage_levels(roles) == levels


def test_coverage_counts_each_required_area_once_and_reads_missing_ones_as_zero():
    rows = rules.outlet_coverage(
        required_areas=["3205", "3205", "4403"], active_outlets={"4403": 1, "1101": 3}
    )
    assert [(r.area, r.active_outlets, r.covered) for r in rows] == [
        ("3205", 0, False),
        ("4403", 1, True),
    ]
