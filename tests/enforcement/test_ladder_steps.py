"""Each step of the sanction ladder through its service, and each refusal.

The Jiangsu dismantler's headline case (penalty schedule: 20 working days to correct, a
warning first, 10,000–100,000 yuan; demo values) and a prohibited-reuse case (no warning
step, 30,000–100,000 yuan). Periods: hearing request 5 days after the notice (行政处罚法
第六十四条), payment 15 days after the decision (第六十七条), 3 % a day late (第七十二条).
"""

import datetime as dt

import pytest
from django.db import connection

from enforcement.models import Case, CaseStep, Document, InboxMessage
from enforcement.sanctions import services as ladder
from enforcement.sanctions.recheck import deadlines_check
from enforcement.services.cases import CaseRefused
from tests.enforcement.ladder import (
    confirmed,
    decided,
    notified,
    ordered,
    overdue,
    pdf_file,
    responded,
)
from tests.enforcement.scenario import at

pytestmark = pytest.mark.django_db
D = dt.date


def steps(case: Case) -> list[tuple]:
    return list(
        CaseStep.objects.filter(case=case)
        .order_by("at", "pk")
        .values_list("action", "status_before", "status_after")
    )


def refused(code: str, call, **kw) -> CaseRefused:
    with pytest.raises(CaseRefused) as caught:
        call(**kw)
    assert caught.value.code == code, caught.value.message
    return caught.value


# --- Correction order ------------------------------------------------------------------------


def test_a_province_orders_correction_within_20_working_days_under_its_own_number(desk):
    case, order = ordered(desk, day="2026-11-02")  # a Monday
    assert order.number == "苏工信改〔2026〕1号"
    assert order.authority.name == "江苏省工业和信息化厅"
    assert order.due_on == D(2026, 11, 30)  # 20 working days after 2 November
    assert (case.status, case.due_on) == ("ordered", D(2026, 11, 30))
    assert steps(case)[-1] == ("order", "confirmed", "ordered")
    assert "苏工信改〔2026〕1号；改正期限 20 个工作日，至 2026-11-30。" in case.steps.last().reason
    message = InboxMessage.objects.get(enterprise=desk.dismantler)
    assert message.title == "责令限期改正通知书 苏工信改〔2026〕1号"


def test_the_ministry_numbers_its_orders_itself(desk):
    case = confirmed(desk, actor=desk.national)
    order = ladder.order_issue(case=case, actor=desk.national, now=at("2026-11-02"))
    assert order.number == "工信改〔2026〕1号"
    assert order.authority.name == "中华人民共和国工业和信息化部"
    second = ladder.order_issue(
        case=confirmed(desk, enterprise=desk.zhejiang_dismantler),
        actor=desk.national,
        now=at("2026-11-03"),
    )
    assert second.number == "工信改〔2026〕2号"


def test_a_changed_correction_period_needs_a_reason(desk):
    case = confirmed(desk)
    error = refused(
        "order.reason_required", ladder.order_issue, case=case, actor=desk.jiangsu, days=30
    )
    assert "20 个工作日" in str(error.message)
    order = ladder.order_issue(
        case=case, actor=desk.jiangsu, days=30, reason="涉及电池数量大，延长期限。",
        now=at("2026-11-02"),
    )  # fmt: skip
    assert order.due_on == D(2026, 12, 14)  # 30 working days after 2 November


def test_an_order_needs_a_confirmed_case_and_an_official_of_its_province(desk):
    from tests.enforcement.builders import case_of

    detected = case_of(desk.dismantler, "late_reporting", subject="X1")
    refused("case.transition", ladder.order_issue, case=detected, actor=desk.jiangsu)
    case = confirmed(desk)
    refused("case.out_of_scope", ladder.order_issue, case=case, actor=desk.zhejiang)
    refused("case.not_regulator", ladder.order_issue, case=case, actor=desk.dismantler_user)
    assert Document.objects.count() == 0 and Case.objects.get(pk=case.pk).status == "confirmed"


# --- The enterprise's response and its review ---------------------------------------------------


def test_the_enterprise_responds_is_returned_once_responds_again_and_is_accepted(desk):
    case, order = ordered(desk)
    responded(desk, case, day="2026-11-10")
    case.refresh_from_db()
    assert case.response_pending and case.status == "ordered"
    refused(
        "response.pending", ladder.rectification_submit, case=case, actor=desk.dismantler_user,
        statement="再次提交", now=at("2026-11-11"),
    )  # fmt: skip
    refused(
        "case.reason_required", ladder.rectification_review, case=case, actor=desk.jiangsu,
        action="return", now=at("2026-11-12"),
    )  # fmt: skip
    ladder.rectification_review(
        case=case, actor=desk.jiangsu, action="return", reason="缺少接收方签收单。",
        now=at("2026-11-12"),
    )  # fmt: skip
    returned = InboxMessage.objects.get(kind="returned")
    assert "缺少接收方签收单。" in returned.body and "2026-11-30 前重新提交" in returned.body
    responded(desk, case, day="2026-11-16")
    ladder.rectification_review(
        case=case, actor=desk.jiangsu, action="accept", now=at("2026-11-17")
    )
    case.refresh_from_db()
    assert case.status == "rectified"
    ladder.case_close(case=case, actor=desk.jiangsu, now=at("2026-11-18"))
    case.refresh_from_db()
    assert (case.status, case.due_on) == ("closed", None)
    assert [s[0] for s in steps(case)][-6:] == [
        "respond",
        "return",
        "respond",
        "accept",
        "close",
    ][-6:] or True
    assert [s[0] for s in steps(case) if s[0] != "add_findings"][-5:] == [
        "respond",
        "return",
        "respond",
        "accept",
        "close",
    ]


def test_a_response_after_the_deadline_or_after_closure_is_refused(desk):
    case, _order = ordered(desk)
    error = refused(
        "response.late", ladder.rectification_submit, case=case, actor=desk.dismantler_user,
        statement="迟交", now=at("2026-12-01"),
    )  # fmt: skip
    assert str(error.message) == "改正期限已过，不能再提交整改材料。"
    responded(desk, case, day="2026-11-20")
    ladder.rectification_review(
        case=case, actor=desk.jiangsu, action="accept", now=at("2026-11-21")
    )
    ladder.case_close(case=case, actor=desk.jiangsu, now=at("2026-11-22"))
    refused(
        "response.not_expected", ladder.rectification_submit, case=case,
        actor=desk.dismantler_user, statement="结案后再交", now=at("2026-11-23"),
    )  # fmt: skip


def test_only_the_addressed_enterprise_responds(desk):
    case, _order = ordered(desk)
    refused(
        "case.not_addressee", ladder.rectification_submit, case=case, actor=desk.zhejiang_user,
        statement="不是我的案件", now=at("2026-11-05"),
    )  # fmt: skip


def test_attachments_of_the_wrong_type_or_too_large_are_refused_by_name(desk):
    case, _order = ordered(desk)
    exe = pdf_file("整改.exe", b"MZ\x90\x00")
    fake = pdf_file("照片.png", b"not really a png")
    big = pdf_file("扫描件.pdf", b"%PDF-" + b"0" * (11 * 1024 * 1024))
    error = refused(
        "response.files", ladder.rectification_submit, case=case, actor=desk.dismantler_user,
        statement="见附件", files=[exe, fake, big], now=at("2026-11-05"),
    )  # fmt: skip
    message = str(error.message)
    assert "文件“整改.exe”的类型不受支持：仅接受 PDF、JPG、PNG、XLSX、XLS、CSV。" in message
    assert "文件“照片.png”的内容与扩展名 .png 不符" in message
    assert "文件“扫描件.pdf”为 11.0 MB，超过单个文件 10 MB 的上限。" in message


# --- Re-check at the deadline ---------------------------------------------------------------


def test_the_recheck_makes_an_unanswered_order_overdue_and_proposes_a_warning_once(desk):
    case, _order = ordered(desk)
    assert deadlines_check(today=D(2026, 11, 30))["overdue"] == 0  # the last day itself
    first = deadlines_check(today=D(2026, 12, 1))
    second = deadlines_check(today=D(2026, 12, 1))
    assert (first["overdue"], second["overdue"]) == (1, 0)
    case.refresh_from_db()
    assert (case.status, case.proposal) == ("overdue", "warn")
    assert "建议下一步：警告，待监管人员确认" in case.proposal_reason
    assert [s for s in steps(case) if s[0] == "lapse"] == [("lapse", "ordered", "overdue")]
    assert CaseStep.objects.get(case=case, action="lapse").actor is None
    assert InboxMessage.objects.filter(kind="overdue", case=case).count() == 1
    assert Document.objects.filter(case=case).count() == 1  # nothing sanctioned by itself


def test_a_rectified_and_cured_case_is_offered_closing_and_an_uncured_one_goes_overdue(desk):
    from enforcement.models import Finding

    cured, _ = ordered(desk)
    Finding.objects.filter(case=cured).update(cured_at=at("2026-11-20"))
    uncured, _ = ordered(desk, enterprise=desk.zhejiang_dismantler)
    for case in (cured, uncured):
        user = desk.dismantler_user if case == cured else desk.zhejiang_user
        ladder.rectification_submit(case=case, actor=user, statement="已整改", now=at("2026-11-20"))
        actor = desk.jiangsu if case == cured else desk.national
        ladder.rectification_review(case=case, actor=actor, action="accept", now=at("2026-11-21"))
    deadlines_check(today=D(2026, 12, 1))
    cured.refresh_from_db()
    uncured.refresh_from_db()
    assert (cured.status, cured.proposal) == ("rectified", "close")
    assert (uncured.status, uncured.proposal) == ("overdue", "warn")
    assert "仍有 1 条违法线索未纠正" in uncured.proposal_reason


def test_a_warning_gives_a_new_deadline_and_the_next_lapse_proposes_the_fine(desk):
    case = overdue(desk)  # ordered 1 September, due 29 September, re-checked 20 October
    refused("case.rung", ladder.notice_issue, case=case, actor=desk.jiangsu, amount_yuan=20_000)
    warning = ladder.warning_issue(case=case, actor=desk.jiangsu, now=at("2026-10-21"))
    assert warning.number == "苏工信警〔2026〕1号"
    assert warning.due_on == D(2026, 11, 18)  # 20 working days after 21 October
    case.refresh_from_db()
    assert (case.status, case.due_on, case.proposal) == ("warned", D(2026, 11, 18), "")
    deadlines_check(today=D(2026, 11, 19))
    case.refresh_from_db()
    assert (case.status, case.proposal) == ("overdue", "notice")


# --- Notice, defence, hearing, decision -----------------------------------------------------------


def test_a_notice_outside_the_schedules_range_is_refused_with_the_range(desk):
    case = overdue(desk, rule="prohibited_reuse")
    assert case.proposal == "notice"  # no warning step for prohibited reuse
    error = refused(
        "fine.out_of_range", ladder.notice_issue, case=case, actor=desk.jiangsu, amount_yuan=20_000
    )
    assert str(error.message) == "罚款金额须在处罚标准的 30,000 元至 100,000 元之间。"


def test_the_notice_gives_5_days_to_state_a_case_and_a_hearing_from_50000_yuan(desk):
    case, notice = notified(desk, amount=50_000, day="2026-10-21")  # a Wednesday
    assert notice.number == "苏工信罚告〔2026〕1号"
    assert notice.due_on == D(2026, 10, 26)  # 21 + 5 days, a Monday
    assert notice.content["hearing_offered"] is True
    assert "要求听证" in notice.content["rights"]
    small, small_notice = notified(
        desk, amount=40_000, day="2026-10-22", enterprise=desk.zhejiang_dismantler
    )
    # 22 + 5 = 27 October.
    assert (small_notice.due_on, small_notice.content["hearing_offered"]) == (
        D(2026, 10, 27),
        False,
    )


def test_a_notice_period_ending_on_a_weekend_runs_to_the_next_working_day(desk):
    _case, notice = notified(desk, day="2026-10-23")  # a Friday: +5 = Wednesday 28
    assert notice.due_on == D(2026, 10, 28)
    _case, notice = notified(desk, day="2026-10-20", enterprise=desk.zhejiang_dismantler)
    assert notice.due_on == D(2026, 10, 26)  # Tuesday + 5 = Sunday 25 → Monday 26


def test_no_fine_before_the_defence_period_ends(desk):
    case, _notice = notified(desk, day="2026-10-21")
    error = refused(
        "decision.defence_period", ladder.fine_decide, case=case, actor=desk.jiangsu,
        amount_yuan=50_000, assessment="未提出", now=at("2026-10-26"),
    )  # fmt: skip
    assert str(error.message) == "陈述申辩期限至 2026-10-26 届满，期限届满前不能作出罚款决定。"
    decision = ladder.fine_decide(
        case=case, actor=desk.jiangsu, amount_yuan=50_000, assessment="未提出陈述申辩。",
        now=at("2026-10-27"),
    )  # fmt: skip
    assert decision.number == "苏工信罚〔2026〕1号"


def test_a_defended_party_is_not_fined_more_and_a_requested_hearing_comes_first(desk):
    case, _notice = notified(desk, amount=60_000, day="2026-10-21")
    ladder.defence_submit(
        case=case, actor=desk.dismantler_user, kind="statement", text="我单位已积极整改。",
        now=at("2026-10-22"),
    )  # fmt: skip
    ladder.defence_submit(
        case=case, actor=desk.dismantler_user, kind="hearing_request", text="申请听证。",
        now=at("2026-10-23"),
    )  # fmt: skip
    refused(
        "defence.hearing_requested", ladder.defence_submit, case=case, actor=desk.dismantler_user,
        kind="hearing_request", text="再次申请", now=at("2026-10-24"),
    )  # fmt: skip
    refused(
        "defence.late", ladder.defence_submit, case=case, actor=desk.dismantler_user,
        kind="statement", text="补充", now=at("2026-10-27"),
    )  # fmt: skip
    refused(
        "decision.hearing", ladder.fine_decide, case=case, actor=desk.jiangsu, amount_yuan=60_000,
        assessment="已审查", now=at("2026-10-28"),
    )  # fmt: skip
    ladder.hearing_record(
        case=case, actor=desk.jiangsu, held_on=D(2026, 10, 28), summary="当事人到场陈述。",
        now=at("2026-10-28"),
    )  # fmt: skip
    error = refused(
        "fine.above_notice", ladder.fine_decide, case=case, actor=desk.jiangsu,
        amount_yuan=70_000, assessment="已审查", now=at("2026-10-29"),
    )  # fmt: skip
    assert "不得高于事先告知的 60,000 元" in str(error.message)
    ladder.fine_decide(
        case=case, actor=desk.jiangsu, amount_yuan=45_000,
        assessment="当事人积极整改，酌情从轻。", now=at("2026-10-29"),
    )  # fmt: skip
    case.refresh_from_db()
    assert (case.status, case.fine_fen) == ("decided", 45_000 * 100)


def test_a_province_cannot_fine_outside_it(desk):
    case, _notice = notified(desk, day="2026-10-21")
    refused(
        "case.out_of_scope", ladder.fine_decide, case=case, actor=desk.zhejiang,
        amount_yuan=50_000, assessment="x", now=at("2026-10-28"),
    )  # fmt: skip


# --- Payment -----------------------------------------------------------------------------------


def test_a_fine_paid_4_days_late_owes_3_percent_a_day_and_closes_when_all_is_paid(desk):
    case, decision = decided(desk, amount=50_000, day="2026-10-29")  # a Thursday
    assert decision.due_on == D(2026, 11, 13)  # 29 October + 15 days (a Friday)
    ladder.payment_record(
        case=case, actor=desk.jiangsu, paid_on=D(2026, 11, 17), amount_fen=50_000 * 100,
        voucher_no="PZ001", now=at("2026-11-17", 16),
    )  # fmt: skip
    case.refresh_from_db()
    assert case.status == "decided"
    # 50,000 yuan × 3 % × 4 days = 6,000 yuan still owed.
    assert "尚欠 6,000 元（含加处罚款 6,000 元）" in case.steps.last().reason
    error = refused(
        "payment.too_much", ladder.payment_record, case=case, actor=desk.jiangsu,
        paid_on=D(2026, 11, 18), amount_fen=7_000 * 100, voucher_no="PZ002",
        now=at("2026-11-18", 16),
    )  # fmt: skip
    assert "应缴余额 6,000 元" in str(error.message)
    refused(
        "payment.voucher_used", ladder.payment_record, case=case, actor=desk.jiangsu,
        paid_on=D(2026, 11, 18), amount_fen=100, voucher_no="PZ001", now=at("2026-11-18", 16),
    )  # fmt: skip
    ladder.payment_record(
        case=case, actor=desk.jiangsu, paid_on=D(2026, 11, 18), amount_fen=6_000 * 100,
        voucher_no="PZ002", now=at("2026-11-18", 16),
    )  # fmt: skip
    case.refresh_from_db()
    assert (case.status, case.paid_fen) == ("closed", 56_000 * 100)
    assert [s[0] for s in steps(case)][-3:] == ["pay", "pay", "settle"]


# --- Revocation --------------------------------------------------------------------------------


def test_a_wrong_order_is_revoked_with_a_reason_and_a_new_one_replaces_it(desk):
    case, order = ordered(desk, day="2026-11-02")
    refused(
        "document.reason_required", ladder.document_reissue, document=order, actor=desk.jiangsu,
        reason="", now=at("2026-11-03"),
    )  # fmt: skip
    new = ladder.document_reissue(
        document=order, actor=desk.jiangsu, reason="当事人名称有误。", days=25,
        now=at("2026-11-03"),
    )  # fmt: skip
    order.refresh_from_db()
    assert order.revoked_at is not None and order.revoke_reason == "当事人名称有误。"
    assert (new.number, new.replaces, new.due_on) == ("苏工信改〔2026〕2号", order, D(2026, 12, 8))
    case.refresh_from_db()
    assert case.due_on == D(2026, 12, 8)
    refused(
        "document.not_current", ladder.document_reissue, document=order, actor=desk.jiangsu,
        reason="再撤一次", now=at("2026-11-04"),
    )  # fmt: skip


def test_the_database_refuses_to_change_or_delete_an_issued_document(desk):
    from django.db import DatabaseError, transaction

    _case, order = ordered(desk)
    for sql in (
        "UPDATE enforcement_document SET content = '{}'::jsonb WHERE id = %s",
        "UPDATE enforcement_document SET number = 'X' WHERE id = %s",
        "DELETE FROM enforcement_document WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="immutable"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [order.pk])
    with connection.cursor() as cursor:  # rendering it once is allowed
        cursor.execute(
            "UPDATE enforcement_document SET sha256 = %s, pdf = 'x.pdf' WHERE id = %s",
            ["a" * 64, order.pk],
        )
    with (
        pytest.raises(DatabaseError, match="stored PDF"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE enforcement_document SET sha256 = %s WHERE id = %s", ["b" * 64, order.pk]
        )
