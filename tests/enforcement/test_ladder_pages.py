"""The ladder as officials and enterprises use it in the portal: the case page's forms,
refusals next to them, the countdown in working days, the inbox and the desk's queues.

The clock is held at Tuesday 1 December 2026, 10:00 Beijing time.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from enforcement import selectors
from enforcement.models import Document, InboxMessage
from enforcement.sanctions import services as ladder
from tests.enforcement.builders import page_text
from tests.enforcement.ladder import PDF_BYTES, confirmed, decided, ordered
from tests.enforcement.scenario import at

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def post(client, case, action: str, **data):
    url = reverse("enforcement:case_ladder_act", args=[case.pk, action])
    return client.post(url, data)


def test_an_official_orders_correction_and_the_enterprise_sees_the_countdown(client, desk):
    case = confirmed(desk)
    client.force_login(desk.jiangsu)
    page = page_text(client.get(case.get_absolute_url()))
    assert "签发责令限期改正通知书" in page
    response = post(client, case, "order", days=20, reason="", facts="")
    assert response.status_code == 302
    page = page_text(client.get(response.url))
    assert "已签发责令限期改正通知书 苏工信改〔2026〕1号，PDF 正在生成。" in page
    assert "苏工信改〔2026〕1号" in page and "PDF 生成中" in page
    client.force_login(desk.dismantler_user)
    page = page_text(client.get(case.get_absolute_url()))
    # 20 working days after 1 December = 29 December; 1 to 29 December: 21 working days.
    assert "改正期限至 2026-12-29，还剩 21 个工作日" in page
    assert "请在改正期限内改正，并在下方提交整改情况说明及证明材料。" in page
    listing = page_text(client.get(reverse("enforcement:case_list") + "?queue=todo"))
    assert case.number in listing and "还剩 21 个工作日" in listing


def test_the_enterprise_submits_its_rectification_with_files_and_the_official_returns_it(
    client, desk
):
    case, _order = ordered(desk, day="2026-11-20")  # due 18 December
    client.force_login(desk.dismantler_user)
    url = reverse("enforcement:case_ladder_act", args=[case.pk, "respond"])
    files = [
        SimpleUploadedFile("签收单.pdf", PDF_BYTES, content_type="application/pdf"),
        SimpleUploadedFile("清单.csv", "电池编码\nS0000\n".encode(), content_type="text/csv"),
    ]
    response = client.post(url, {"statement": "已全部移交综合利用企业。", "files": files})
    assert response.status_code == 302
    page = page_text(client.get(case.get_absolute_url()))
    assert "整改材料已提交，等待监管部门审查。" in page and "签收单.pdf" in page
    client.force_login(desk.jiangsu)
    refused = post(client, case, "return", reason="")
    assert refused.status_code == 400
    assert "退回整改材料必须说明理由。" in page_text(refused)
    assert post(client, case, "return", reason="签收单无接收方盖章。").status_code == 302
    client.force_login(desk.dismantler_user)
    page = page_text(client.get(case.get_absolute_url()))
    assert "已退回" in page and "签收单无接收方盖章。" in page
    assert "提交整改材料" in page  # may answer again while the deadline runs


def test_a_bad_attachment_is_refused_next_to_the_form(client, desk):
    case, _order = ordered(desk, day="2026-11-20")
    client.force_login(desk.dismantler_user)
    url = reverse("enforcement:case_ladder_act", args=[case.pk, "respond"])
    exe = SimpleUploadedFile("整改.exe", b"MZ\x90\x00")
    response = client.post(url, {"statement": "见附件", "files": [exe]})
    assert response.status_code == 400
    assert "文件“整改.exe”的类型不受支持" in page_text(response)
    case.refresh_from_db()
    assert not case.response_pending


def test_an_enterprise_cannot_issue_and_another_province_cannot_even_see_the_case(client, desk):
    case = confirmed(desk)
    client.force_login(desk.dismantler_user)
    assert post(client, case, "order", days=20).status_code == 403
    client.force_login(desk.zhejiang)
    assert post(client, case, "order", days=20).status_code == 404
    assert not Document.objects.exists()


def test_a_notice_outside_the_range_is_refused_with_the_range(client, desk):
    from tests.enforcement.ladder import overdue

    case = overdue(desk, rule="prohibited_reuse")
    client.force_login(desk.jiangsu)
    response = post(client, case, "notice", amount_yuan=200_000, facts="")
    assert response.status_code == 400
    assert "罚款金额须在处罚标准的 30,000 元至 100,000 元之间。" in page_text(response)


def test_the_fine_page_shows_the_surcharge_as_it_accrues(client, desk):
    case, _decision = decided(desk, amount=50_000, day="2026-10-29")  # due 13 November
    client.force_login(desk.dismantler_user)
    page = page_text(client.get(case.get_absolute_url()))
    # 14 November – 1 December: 18 days × 3 % × 50,000 = 27,000 yuan.
    assert "罚款 50,000 元，加处罚款 27,000 元（逾期 18 日），已缴 0 元，尚欠 77,000 元" in page


def test_the_inbox_counts_unread_messages_and_opening_one_marks_it_read(client, desk):
    case, order = ordered(desk, day="2026-11-20")
    ordered(desk, day="2026-11-20", enterprise=desk.zhejiang_dismantler)
    client.force_login(desk.dismantler_user)
    badge = client.get(reverse("enforcement:inbox_badge")).content.decode()
    assert ">1</span>" in badge
    page = page_text(client.get(reverse("enforcement:inbox")))
    assert f"责令限期改正通知书 {order.number}" in page and "浙" not in page
    message = InboxMessage.objects.get(enterprise=desk.dismantler)
    opened = client.get(reverse("enforcement:inbox_open", args=[message.pk]))
    assert opened.url == case.get_absolute_url()
    assert client.get(reverse("enforcement:inbox_badge")).content == b""
    client.force_login(desk.zhejiang_user)
    assert client.get(reverse("enforcement:inbox_open", args=[message.pk])).status_code == 404


def test_notices_are_emailed_to_the_enterprises_administrators(desk, mailoutbox):
    from enforcement.inbox.services import inbox_email_send

    _case, order = ordered(desk, day="2026-11-20")
    message = InboxMessage.objects.get(document=order)
    assert inbox_email_send(message_id=message.pk) == 1
    mail = mailoutbox[-1]
    assert mail.subject == f"【动力电池数字身份监管平台】责令限期改正通知书 {order.number}"
    assert mail.to == [desk.dismantler.contact_email]  # no administrator: the contact
    assert "2026-12-18 前改正" in mail.body


def test_a_reminder_goes_out_three_working_days_before_the_deadline_once(desk):
    from enforcement.sanctions.recheck import deadlines_check

    case, _order = ordered(desk, day="2026-11-20")  # due Friday 18 December
    assert deadlines_check(today=dt.date(2026, 12, 14))["reminders"] == 0
    assert deadlines_check(today=dt.date(2026, 12, 15))["reminders"] == 1
    assert deadlines_check(today=dt.date(2026, 12, 16))["reminders"] == 0
    reminder = InboxMessage.objects.get(kind="due_soon", case=case)
    assert reminder.body == f"案件 {case.number} 的改正期限至 2026-12-18，还剩 4 个工作日。"


def test_the_desk_has_queues_for_every_rung_and_totals_of_fines(client, desk):
    ordered(desk, day="2026-11-20")
    case, _decision = decided(desk, amount=50_000, day="2026-10-29")
    ladder.payment_record(
        case=case, actor=desk.jiangsu, paid_on=dt.date(2026, 11, 10), amount_fen=20_000 * 100,
        voucher_no="PZ9", now=at("2026-11-10"),
    )  # fmt: skip
    review, queues, totals = selectors.desk_counts(user=desk.jiangsu)
    assert queues == {
        "awaiting_response": 1,
        "to_review": 0,
        "overdue": 0,
        "defence_ended": 0,
        "unpaid": 1,
        "closed": 0,
    }
    assert totals == {"fined_fen": 50_000 * 100, "paid_fen": 20_000 * 100}
    client.force_login(desk.jiangsu)
    page = page_text(client.get(reverse("enforcement:case_list") + "?queue=unpaid"))
    assert "罚款：已决定 50,000 元 · 已缴纳 20,000 元" in page and case.number in page
    assert selectors.desk_counts(user=desk.zhejiang)[1]["unpaid"] == 0


def test_every_page_of_an_enterprise_user_links_the_inbox_with_its_unread_badge(client, desk):
    client.force_login(desk.dismantler_user)
    body = client.get(reverse("enforcement:case_list")).content.decode()
    assert 'class="inbox-link"' in body
    assert f'hx-get="{reverse("enforcement:inbox_badge")}"' in body
    client.force_login(desk.jiangsu)
    assert 'class="inbox-link"' not in client.get(reverse("enforcement:case_list")).content.decode()


def test_the_ladder_pages_load_their_own_stylesheet(client, desk):
    case = confirmed(desk)
    client.force_login(desk.jiangsu)
    for url in (case.get_absolute_url(), reverse("enforcement:case_list")):
        assert "css/ladder.css" in client.get(url).content.decode()
    assert "css/ladder.css" in client.get(reverse("enforcement:penalty_list")).content.decode()
