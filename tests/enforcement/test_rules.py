"""Enforcement's pure decisions, with dates and verdicts written out by hand."""

import datetime as dt

import pytest

from common.calendar import WorkingCalendar
from enforcement import rules

D = dt.date
CAL = WorkingCalendar()


def _row(**kw) -> rules.DeadlineRow:
    base = {
        "id": 1,
        "event_kind": "handover",
        "reporter_role": "dismantler",
        "anchor": "scrap_vehicle",
        "days": 15,
        "unit": "working",
        "valid_from": D(2026, 4, 1),
        "valid_to": None,
    }
    return rules.DeadlineRow(**(base | kw))


@pytest.mark.parametrize(
    "due, done_on, today, missed",
    [
        (D(2026, 5, 26), D(2026, 5, 26), D(2026, 6, 30), False),  # on the last day
        (D(2026, 5, 26), D(2026, 5, 27), D(2026, 6, 30), True),  # a day late
        (D(2026, 5, 26), None, D(2026, 5, 26), False),  # not done, still in time
        (D(2026, 5, 26), None, D(2026, 5, 27), True),  # not done, too late
    ],
)
def test_a_deadline_is_missed_only_after_its_last_day(due, done_on, today, missed):
    assert rules.missed(due=due, done_on=done_on, today=today) is missed


def test_a_late_act_is_a_violation_cured_on_the_day_of_the_act():
    verdict = rules.scrapped_pack_not_handed_over(
        due=D(2026, 5, 26), handed_over_on=D(2026, 6, 2), today=D(2026, 6, 30)
    )
    assert verdict == rules.Verdict(True, D(2026, 6, 2))
    open_ = rules.handover_not_confirmed(due=D(2026, 5, 6), resolved_on=None, today=D(2026, 5, 7))
    assert open_ == rules.Verdict(True, None)
    assert rules.dispute_unresolved(
        due=D(2026, 7, 1), settled_on=D(2026, 7, 1), today=D(2026, 8, 1)
    ) == rules.Verdict(False)


def test_the_receiver_counts_from_when_it_was_told():
    assert rules.confirmation_start(
        handed_over_on=D(2026, 4, 1), handover_reported_on=D(2026, 4, 10)
    ) == D(2026, 4, 10)
    assert rules.confirmation_start(
        handed_over_on=D(2026, 4, 1), handover_reported_on=D(2026, 4, 1)
    ) == D(2026, 4, 1)


def test_a_report_is_late_only_after_the_last_day():
    assert rules.reported_late(due=D(2026, 6, 22), reported_on=D(2026, 6, 22)) is False
    assert rules.reported_late(due=D(2026, 6, 22), reported_on=D(2026, 6, 23)) is True


def test_the_row_in_force_on_the_day_decides():
    old = _row(id=1, days=15, valid_from=D(2018, 8, 1), valid_to=D(2026, 3, 31))
    new = _row(id=2, days=20, unit="calendar", valid_from=D(2026, 4, 1))
    pick = dict(event_kind="handover", roles=["dismantler"], anchor="scrap_vehicle", calendar=CAL)
    assert rules.deadline_row_for([old, new], on=D(2026, 3, 31), **pick).id == 1
    assert rules.deadline_row_for([old, new], on=D(2026, 4, 1), **pick).id == 2
    assert rules.deadline_row_for([old, new], on=D(2018, 7, 31), **pick) is None


def test_a_row_for_another_role_or_anchor_does_not_apply():
    row = _row()
    base = dict(event_kind="handover", on=D(2026, 5, 6), calendar=CAL)
    assert rules.deadline_row_for([row], roles=["utilizer"], anchor="scrap_vehicle", **base) is None
    assert rules.deadline_row_for([row], roles=["dismantler"], anchor="", **base) is None
    anyone = _row(reporter_role="")
    assert rules.deadline_row_for([anyone], roles=["utilizer"], anchor="scrap_vehicle", **base)


def test_of_two_rows_for_one_reporter_the_more_lenient_applies():
    strict = _row(id=1, reporter_role="dismantler", days=15)
    lenient = _row(id=2, reporter_role="outlet_operator", days=30)
    chosen = rules.deadline_row_for(
        [strict, lenient],
        event_kind="handover",
        roles=["dismantler", "outlet_operator"],
        anchor="scrap_vehicle",
        on=D(2026, 5, 6),
        calendar=CAL,
    )
    assert chosen.id == 2


def test_an_unqualified_receiver_is_one_without_utilization_or_an_operating_outlet():
    assert rules.handover_unqualified(receiver_roles=["dealer"], receiver_runs_outlet=False)
    assert not rules.handover_unqualified(receiver_roles=["utilizer"], receiver_runs_outlet=False)
    assert not rules.handover_unqualified(
        receiver_roles=["battery_producer"], receiver_runs_outlet=True
    )
    assert rules.handover_unqualified(
        receiver_roles=["battery_producer"], receiver_runs_outlet=False
    )


@pytest.mark.parametrize(
    "status, swap, flagged",
    [
        ("missing", False, True),
        ("partial", False, True),
        ("arrived", False, False),
        ("swap_pool", False, False),
        ("missing", True, False),  # swap models are exempt
    ],
)
def test_a_scrap_record_without_its_pack_is_a_violation_unless_a_swap_model(status, swap, flagged):
    assert rules.scrapped_without_pack(pack_status=status, swap_model=swap) is flagged


def test_a_register_vehicle_came_without_its_pack_if_the_pack_left_before():
    came_without = rules.register_vehicle_came_without_pack
    assert came_without(had_bound_pack=True, bound_at_scrapping=False, swap_model=False)
    assert not came_without(had_bound_pack=True, bound_at_scrapping=True, swap_model=False)
    assert not came_without(had_bound_pack=True, bound_at_scrapping=False, swap_model=True)
    assert not came_without(had_bound_pack=False, bound_at_scrapping=False, swap_model=False)


def test_coverage_gaps_are_areas_with_sales_and_no_operating_outlet():
    gaps = rules.coverage_gaps(sales_areas={"43": 12, "44": 3, "35": 0}, covered_areas=["44"])
    assert gaps == {"43": 12}


@pytest.mark.parametrize(
    "use, prohibited",
    [("电动自行车电池组", True), ("E-bike packs", True), ("储能电站", False), ("", False)],
)
def test_reuse_in_e_bikes_is_prohibited(use, prohibited):
    assert rules.reuse_prohibited(use) is prohibited


@pytest.mark.parametrize(
    "status, action, after",
    [
        ("detected", "assign", "under_review"),
        ("under_review", "assign", "under_review"),
        ("detected", "confirm", "confirmed"),
        ("under_review", "dismiss", "dismissed"),
        ("confirmed", "dismiss", None),
        ("dismissed", "confirm", None),
        ("confirmed", "assign", None),
    ],
)
def test_case_review_transitions(status, action, after):
    assert rules.case_next_status(status=status, action=action) == after


def test_only_dismissal_needs_a_reason_and_actions_follow_the_status():
    assert {"dismiss"} == rules.CASE_REASON_REQUIRED
    assert rules.case_actions_allowed(status="detected") == ["assign", "confirm", "dismiss"]
    assert rules.case_actions_allowed(status="confirmed") == []


def test_a_province_acts_only_at_home_and_the_ministry_anywhere():
    assert rules.may_act_on_case(national=True, actor_province="", case_province="43")
    assert rules.may_act_on_case(national=False, actor_province="32", case_province="32")
    assert not rules.may_act_on_case(national=False, actor_province="32", case_province="43")
    assert not rules.may_act_on_case(national=False, actor_province="", case_province="")


def test_an_act_done_after_the_day_of_the_check_is_not_yet_a_cure():
    # Checked on 1 June: the handover of 10 June is not known as a cure yet.
    assert rules.scrapped_pack_not_handed_over(
        due=D(2026, 5, 26), handed_over_on=D(2026, 6, 10), today=D(2026, 6, 1)
    ) == rules.Verdict(True, None)
    assert rules.scrapped_pack_not_handed_over(
        due=D(2026, 5, 26), handed_over_on=D(2026, 6, 1), today=D(2026, 6, 1)
    ) == rules.Verdict(True, D(2026, 6, 1))


def test_a_late_confirmation_and_an_unsettled_dispute():
    assert rules.handover_not_confirmed(
        due=D(2026, 5, 6), resolved_on=D(2026, 5, 7), today=D(2026, 6, 1)
    ) == rules.Verdict(True, D(2026, 5, 7))
    assert rules.dispute_unresolved(
        due=D(2026, 7, 1), settled_on=None, today=D(2026, 7, 2)
    ) == rules.Verdict(True, None)
    assert rules.dispute_unresolved(
        due=D(2026, 7, 1), settled_on=None, today=D(2026, 7, 1)
    ) == rules.Verdict(False)


def test_working_and_calendar_rows_are_compared_by_their_own_counting():
    # From 6 May: 15 working days end 26 May, 16 calendar days end 22 May.
    working = _row(id=1, days=15, unit="working")
    calendar = _row(id=2, reporter_role="outlet_operator", days=16, unit="calendar")
    chosen = rules.deadline_row_for(
        [working, calendar],
        event_kind="handover",
        roles=["dismantler", "outlet_operator"],
        anchor="scrap_vehicle",
        on=D(2026, 5, 6),
        calendar=CAL,
    )
    assert chosen.id == 1


def test_the_explanation_says_when_a_period_was_extended_and_from_where():
    working = rules.deadline_explain(start=D(2026, 4, 1), days=30, unit="working", calendar=CAL)
    assert working.start == D(2026, 4, 1) and working.extended_from is None
    plain = rules.deadline_explain(start=D(2026, 6, 5), days=20, unit="calendar", calendar=CAL)
    assert (plain.due, plain.extended_from) == (D(2026, 6, 25), None)
    # The last day alone falls in 2027, a year whose schedule is not loaded.
    edge = rules.deadline_explain(start=D(2026, 12, 31), days=1, unit="working", calendar=CAL)
    assert edge.due == D(2027, 1, 1) and edge.unofficial_years == [2027]


def test_one_sale_is_enough_to_need_an_outlet():
    assert rules.coverage_gaps(sales_areas={"43": 1}, covered_areas=[]) == {"43": 1}


def test_the_explanation_keeps_the_period_and_stops_at_the_last_day():
    explanation = rules.deadline_explain(
        start=D(2026, 12, 30), days=1, unit="working", calendar=CAL
    )
    assert (explanation.days, explanation.unit, explanation.due) == (1, "working", D(2026, 12, 31))
    assert explanation.unofficial_years == []  # 2027 begins only after the last day
