"""The ladder's pure decisions, with the law's figures written out (no database).

Administrative Penalty Law (行政处罚法, 2021): hearing requested within 5 days of the notice
(art. 64), fine paid within 15 days (art. 67), 3 % of the fine per day late, at most the
fine itself (art. 72); the portal's penalty schedule gives the correction periods.
"""

import datetime as dt

import pytest

from common.calendar import WorkingCalendar
from enforcement import rules

D = dt.date
CAL = WorkingCalendar()
RATE = 300  # 3 % a day, in basis points (art. 72)
FINE = 10_000 * 100  # 10,000 yuan in fen


@pytest.mark.parametrize(
    "status, action, after",
    [
        ("confirmed", "order", "ordered"),
        ("ordered", "respond", "ordered"),
        ("ordered", "return", "ordered"),
        ("ordered", "accept", "rectified"),
        ("warned", "accept", "rectified"),
        ("rectified", "close", "closed"),
        ("ordered", "lapse", "overdue"),
        ("warned", "lapse", "overdue"),
        ("overdue", "warn", "warned"),
        ("overdue", "notice", "notice_served"),
        ("notice_served", "defend", "notice_served"),
        ("notice_served", "decide", "decided"),
        ("decided", "pay", "decided"),
        ("decided", "settle", "closed"),
        # refused
        ("detected", "order", None),
        ("under_review", "order", None),
        ("dismissed", "order", None),
        ("confirmed", "decide", None),
        ("ordered", "decide", None),
        ("overdue", "decide", None),
        ("closed", "respond", None),
        ("closed", "order", None),
        ("decided", "notice", None),
        ("rectified", "warn", None),
    ],
)
def test_each_ladder_transition_is_allowed_or_refused(status, action, after):
    assert rules.case_next_status(status=status, action=action) == after


def test_later_statuses_never_take_new_findings():
    assert rules.CASE_TRANSITIONS[("confirmed", "order")] == "ordered"
    from enforcement.models import Case

    assert Case.OPEN_STATUSES == ("detected", "under_review")


def test_sending_a_statement_back_or_closing_without_a_sanction_needs_a_reason():
    assert rules.ladder_reason_required(status="ordered", action="return")
    assert rules.ladder_reason_required(status="overdue", action="close")
    assert rules.ladder_reason_required(status="notice_served", action="close")
    assert not rules.ladder_reason_required(status="rectified", action="close")
    assert not rules.ladder_reason_required(status="ordered", action="accept")


def test_the_official_is_offered_what_the_rung_allows():
    assert rules.ladder_actions(status="confirmed") == ["order"]
    assert rules.ladder_actions(status="ordered") == []  # waiting for the enterprise
    assert rules.ladder_actions(status="ordered", response_pending=True) == ["accept", "return"]
    assert rules.ladder_actions(status="overdue", proposal="warn") == ["warn", "close"]
    assert rules.ladder_actions(status="overdue", proposal="notice") == ["notice", "close"]
    assert rules.ladder_actions(status="notice_served") == ["decide", "close"]
    assert rules.ladder_actions(status="notice_served", hearing_requested=True) == [
        "hear",
        "decide",
        "close",
    ]
    assert rules.ladder_actions(
        status="notice_served", hearing_requested=True, hearing_recorded=True
    ) == ["decide", "close"]
    assert rules.ladder_actions(status="decided") == ["pay"]
    assert rules.ladder_actions(status="closed") == []


def test_an_overdue_case_is_proposed_a_warning_first_then_the_fine():
    assert rules.next_rung(warning_step=True, warned=False) == "warn"
    assert rules.next_rung(warning_step=True, warned=True) == "notice"
    assert rules.next_rung(warning_step=False, warned=False) == "notice"


def test_the_recheck_offers_closing_only_when_cured_and_accepted():
    headline = "scrapped_pack_not_handed_over"
    assert rules.recheck_verdict(rule=headline, rectification_accepted=True, findings_open=0) == (
        "close"
    )
    assert rules.recheck_verdict(rule=headline, rectification_accepted=True, findings_open=2) == (
        "lapse"
    )
    assert rules.recheck_verdict(rule=headline, rectification_accepted=False, findings_open=0) == (
        "lapse"
    )
    # A late report stays late: the accepted rectification is what answers it.
    late = "late_reporting"
    assert rules.recheck_verdict(rule=late, rectification_accepted=True, findings_open=3) == "close"
    assert (
        rules.recheck_verdict(rule=late, rectification_accepted=False, findings_open=0) == "lapse"
    )


@pytest.mark.parametrize(
    "status, pending, due, today, refusal",
    [
        ("ordered", False, D(2026, 11, 30), D(2026, 11, 30), None),  # the last day itself
        ("warned", False, D(2026, 11, 30), D(2026, 11, 2), None),
        ("ordered", False, D(2026, 11, 30), D(2026, 12, 1), "response.late"),
        ("ordered", True, D(2026, 11, 30), D(2026, 11, 20), "response.pending"),
        ("closed", False, None, D(2026, 11, 20), "response.not_expected"),
        ("confirmed", False, None, D(2026, 11, 20), "response.not_expected"),
        ("rectified", False, D(2026, 11, 30), D(2026, 11, 20), "response.not_expected"),
    ],
)
def test_a_response_is_taken_only_while_the_order_runs(status, pending, due, today, refusal):
    assert (
        rules.response_refusal(status=status, response_pending=pending, due=due, today=today)
        == refusal
    )


def test_a_hearing_is_offered_from_the_threshold_amount_up():
    assert rules.hearing_available(amount_yuan=50_000, threshold_yuan=50_000)
    assert not rules.hearing_available(amount_yuan=49_999, threshold_yuan=50_000)


def test_a_defence_or_hearing_request_is_taken_only_within_the_period():
    kw = {"status": "notice_served", "period_ends": D(2026, 10, 26), "hearing_offered": True}
    ok = {"hearing_already_requested": False}
    assert rules.defence_refusal(today=D(2026, 10, 26), hearing=False, **kw, **ok) is None
    assert rules.defence_refusal(today=D(2026, 10, 27), hearing=False, **kw, **ok) == (
        "defence.late"
    )
    assert rules.defence_refusal(today=D(2026, 10, 22), hearing=True, **kw, **ok) is None
    assert (
        rules.defence_refusal(
            today=D(2026, 10, 22), hearing=True, hearing_already_requested=True, **kw
        )
        == "defence.hearing_requested"
    )
    no_hearing = kw | {"hearing_offered": False}
    assert rules.defence_refusal(today=D(2026, 10, 22), hearing=True, **no_hearing, **ok) == (
        "defence.no_hearing"
    )
    decided = kw | {"status": "decided"}
    assert rules.defence_refusal(today=D(2026, 10, 22), hearing=False, **decided, **ok) == (
        "defence.not_expected"
    )


def test_no_fine_before_the_defence_period_ends_nor_before_a_requested_hearing():
    ends = D(2026, 10, 26)
    assert rules.decision_refusal(
        period_ends=ends, today=ends, hearing_requested=False, hearing_recorded=False
    ) == ("decision.defence_period")
    assert (
        rules.decision_refusal(
            period_ends=ends, today=D(2026, 10, 27), hearing_requested=False, hearing_recorded=False
        )
        is None
    )
    assert rules.decision_refusal(
        period_ends=ends, today=D(2026, 10, 27), hearing_requested=True, hearing_recorded=False
    ) == ("decision.hearing")
    assert (
        rules.decision_refusal(
            period_ends=ends, today=D(2026, 10, 27), hearing_requested=True, hearing_recorded=True
        )
        is None
    )


@pytest.mark.parametrize(
    "amount, notified, refusal",
    [
        (10_000, None, None),
        (100_000, None, None),
        (9_999, None, "fine.out_of_range"),
        (100_001, None, "fine.out_of_range"),
        (30_000, 30_000, None),
        (30_001, 30_000, "fine.above_notice"),  # never more because the party defended itself
        (20_000, 30_000, None),
    ],
)
def test_a_fine_stays_in_the_schedules_range_and_below_the_notified_amount(
    amount, notified, refusal
):
    got = rules.fine_amount_refusal(amount_yuan=amount, low=10_000, high=100_000, notified=notified)
    assert got == refusal


def test_a_fine_of_10000_yuan_paid_4_days_late_owes_1200_yuan_of_surcharge():
    due = D(2026, 11, 13)
    balance = rules.fine_balance(
        fine_fen=FINE, due=due, payments=[(D(2026, 11, 17), FINE)], on=D(2026, 11, 17), rate_bp=RATE
    )
    assert balance.days_late == 4
    assert balance.surcharge_fen == 1_200 * 100  # 3 % × 4 days × 10,000 yuan
    assert balance.outstanding_fen == 1_200 * 100
    assert not balance.settled
    paid = rules.fine_balance(
        fine_fen=FINE,
        due=due,
        payments=[(D(2026, 11, 17), FINE), (D(2026, 11, 20), 1_200 * 100)],
        on=D(2026, 11, 25),
        rate_bp=RATE,
    )
    assert (paid.surcharge_fen, paid.outstanding_fen, paid.settled) == (120_000, 0, True)


def test_a_fine_paid_on_its_due_day_owes_no_surcharge():
    due = D(2026, 11, 13)
    balance = rules.fine_balance(
        fine_fen=FINE, due=due, payments=[(due, FINE)], on=D(2026, 12, 31), rate_bp=RATE
    )
    assert (balance.surcharge_fen, balance.days_late, balance.settled) == (0, 0, True)


def test_the_surcharge_stops_at_the_fine_itself():
    due = D(2026, 1, 15)
    after_33 = rules.fine_balance(fine_fen=FINE, due=due, payments=[], on=due + dt.timedelta(33),
                                  rate_bp=RATE)  # fmt: skip
    assert after_33.surcharge_fen == 9_900 * 100  # 33 × 300 yuan
    after_40 = rules.fine_balance(fine_fen=FINE, due=due, payments=[], on=due + dt.timedelta(40),
                                  rate_bp=RATE)  # fmt: skip
    assert after_40.surcharge_fen == 10_000 * 100  # 120 % would exceed the fine: capped
    assert after_40.outstanding_fen == 20_000 * 100


def test_partial_payments_add_up_and_the_surcharge_runs_on_what_is_unpaid():
    due = D(2026, 11, 13)
    payments = [(D(2026, 11, 10), 4_000 * 100), (D(2026, 11, 15), 6_000 * 100)]
    balance = rules.fine_balance(
        fine_fen=FINE, due=due, payments=payments, on=D(2026, 11, 30), rate_bp=RATE
    )
    # 6,000 yuan unpaid on 14 and 15 November: 2 × 3 % × 6,000 = 360 yuan, then nothing.
    assert balance.surcharge_fen == 360 * 100
    assert balance.paid_fen == 10_000 * 100
    assert balance.outstanding_fen == 360 * 100


def test_working_days_are_counted_down_to_the_deadline():
    # Friday 4 December 2026 is the last day; Monday 30 November → Mon–Fri: 5 days left.
    assert rules.working_days_left(today=D(2026, 11, 30), due=D(2026, 12, 4), calendar=CAL) == 5
    assert rules.working_days_left(today=D(2026, 12, 4), due=D(2026, 12, 4), calendar=CAL) == 1
    # Saturday 28 November: Monday to Friday still ahead.
    assert rules.working_days_left(today=D(2026, 11, 28), due=D(2026, 12, 4), calendar=CAL) == 5
    assert rules.working_days_left(today=D(2026, 12, 5), due=D(2026, 12, 4), calendar=CAL) == 0
    # Across National Day 2026 (1–7 October off, Saturday 10 October a make-up working day):
    # 30 September, 8, 9, 10 and 12 October.
    assert rules.working_days_left(today=D(2026, 9, 30), due=D(2026, 10, 12), calendar=CAL) == 5


def test_a_reminder_is_due_from_three_working_days_before_the_deadline():
    due = D(2026, 12, 4)  # a Friday
    assert not rules.reminder_due(today=D(2026, 11, 30), due=due, calendar=CAL, lead=3)
    assert rules.reminder_due(today=D(2026, 12, 1), due=due, calendar=CAL, lead=3)
    assert rules.reminder_due(today=D(2026, 12, 4), due=due, calendar=CAL, lead=3)
    assert not rules.reminder_due(today=D(2026, 12, 5), due=due, calendar=CAL, lead=3)


def test_document_numbers_are_written_as_the_authorities_write_them():
    assert (
        rules.document_number(prefix="工信", kind_code="改", year=2026, sequence=15)
        == "工信改〔2026〕15号"
    )
    assert (
        rules.document_number(prefix="苏工信", kind_code="罚", year=2026, sequence=3)
        == "苏工信罚〔2026〕3号"
    )


def test_documents_are_read_by_regulators_in_scope_and_the_addressee_only():
    case = {"case_province": "32", "addressee_id": 7}
    assert rules.may_read_document(national=True, actor_province="", actor_enterprise_id=None,
                                   **case)  # fmt: skip
    assert rules.may_read_document(national=False, actor_province="32", actor_enterprise_id=None,
                                   **case)  # fmt: skip
    assert not rules.may_read_document(national=False, actor_province="33",
                                       actor_enterprise_id=None, **case)  # fmt: skip
    assert rules.may_read_document(national=False, actor_province="", actor_enterprise_id=7,
                                   **case)  # fmt: skip
    assert not rules.may_read_document(national=False, actor_province="", actor_enterprise_id=8,
                                       **case)  # fmt: skip


def test_a_rectified_case_offers_closing_and_an_overdue_one_without_proposal_the_fine():
    assert rules.ladder_actions(status="rectified") == ["close"]
    assert rules.ladder_actions(status="overdue") == ["notice", "close"]
    assert rules.ladder_actions(status="overdue", proposal="close") == ["notice", "close"]


def test_the_surcharge_is_rounded_down_to_the_fen_for_the_party():
    # 333.33 yuan × 3 % = 9.9999 yuan a day: 9.99 yuan.
    balance = rules.fine_balance(
        fine_fen=33_333, due=D(2026, 11, 13), payments=[], on=D(2026, 11, 14), rate_bp=RATE
    )
    assert balance.surcharge_fen == 999 and isinstance(balance.surcharge_fen, int)
    assert (balance.fine_fen, balance.principal_paid_fen, balance.outstanding_fen) == (
        33_333,
        0,
        34_332,
    )


def test_a_single_fen_left_unpaid_keeps_the_fine_late():
    due = D(2026, 11, 13)
    balance = rules.fine_balance(
        fine_fen=FINE, due=due, payments=[(due, FINE - 1)], on=D(2026, 11, 18), rate_bp=RATE
    )
    assert (balance.days_late, balance.surcharge_fen, balance.outstanding_fen) == (5, 0, 1)
    assert balance.principal_paid_fen == FINE - 1 and not balance.settled
