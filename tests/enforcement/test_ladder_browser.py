"""A real browser through the whole ladder.

First case: the Jiangsu official issues a correction order; the dismantler finds it in
its inbox, downloads the PDF and submits its rectification; the official returns it
once, then accepts it, and the case closes. Second case (overdue, the re-check proposing
the fine): the notice of the intended fine, a decision refused inside the defence period,
the decision a week later, the payment, and the case closes.

The clock is held (first at Tuesday 1 December 2026, then a week later) for the server
thread too; PDFs are rendered by calling the task body, as a worker would.
Transactional: tables are flushed afterwards; `desk` seeds the legal data again.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from enforcement.documents.services import document_render_run
from enforcement.models import Case, Document, DocumentDownload
from tests.enforcement.ladder import PDF_BYTES, confirmed, overdue
from tests.enforcement.test_desk_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BEIJING = ZoneInfo("Asia/Shanghai")


class Clock:
    now = dt.datetime(2026, 12, 1, 10, 0, tzinfo=BEIJING)


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: Clock.now)
    yield Clock
    Clock.now = dt.datetime(2026, 12, 1, 10, 0, tzinfo=BEIJING)


def render_pending() -> None:
    for pk in Document.objects.filter(sha256="").values_list("pk", flat=True):
        document_render_run(document_id=pk)


def log_out(page: Page) -> None:
    page.get_by_role("button", name="退出登录").click()


def test_the_whole_ladder_from_order_to_closing_and_from_overdue_to_the_paid_fine(
    live_server, page: Page, desk, clock, tmp_path
):
    first = confirmed(desk)
    # Overdue (its order is number 1), the re-check proposing the fine (no warning step).
    second = overdue(desk, rule="prohibited_reuse")
    base = live_server.url

    # The official issues the correction order.
    log_in(page, base, desk.jiangsu.username)
    page.goto(f"{base}{first.get_absolute_url()}")
    form = page.locator("#ladder-order")
    expect(form.get_by_label("改正期限（工作日）")).to_have_value("20")
    form.get_by_role("button", name="签发责令限期改正通知书").click()
    expect(page.locator(".messages")).to_contain_text(
        "已签发责令限期改正通知书 苏工信改〔2026〕2号，PDF 正在生成。"
    )
    expect(page.locator(".page-head")).to_contain_text("已责令改正")
    render_pending()
    log_out(page)

    # The dismantler reads its inbox, downloads the PDF and answers.
    log_in(page, base, desk.dismantler_user.username)
    inbox = page.locator(".inbox-link")
    expect(inbox).to_contain_text("3")  # both orders and the second case overdue
    inbox.click()
    page.get_by_role("link", name="责令限期改正通知书 苏工信改〔2026〕2号").click()
    expect(page.locator("#ladder")).to_contain_text("改正期限至 2026-12-29，还剩 21 个工作日")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 PDF").click()
    saved = tmp_path / "order.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")
    assert download.value.suggested_filename == "苏工信改〔2026〕2号.pdf"
    assert DocumentDownload.objects.get().user == desk.dismantler_user
    attachment = tmp_path / "签收单.pdf"
    attachment.write_bytes(PDF_BYTES)

    def respond(text: str) -> None:
        answer = page.locator("#ladder-respond")
        answer.get_by_label("整改情况说明").fill(text)
        answer.get_by_label("证明材料").set_input_files(str(attachment))
        answer.get_by_role("button", name="提交整改材料").click()
        expect(page.locator(".messages")).to_contain_text("整改材料已提交，等待监管部门审查。")

    respond("已将电池移交综合利用企业。")
    log_out(page)

    # The official returns it once.
    log_in(page, base, desk.jiangsu.username)
    page.goto(f"{base}{first.get_absolute_url()}")
    expect(page.locator("#ladder")).to_contain_text("签收单.pdf")
    back = page.locator("#ladder-return")
    back.get_by_label("理由").fill("签收单缺少接收方盖章。")
    back.get_by_role("button", name="退回整改材料").click()
    expect(page.locator(".messages")).to_contain_text("已退回整改材料。")
    log_out(page)

    log_in(page, base, desk.dismantler_user.username)
    page.goto(f"{base}{first.get_absolute_url()}")
    expect(page.locator("#ladder")).to_contain_text("签收单缺少接收方盖章。")
    respond("补充盖章签收单。")
    log_out(page)

    # Then accepts it and closes the case.
    log_in(page, base, desk.jiangsu.username)
    page.goto(f"{base}{first.get_absolute_url()}")
    page.locator("#ladder-accept").get_by_role("button", name="采纳整改").click()
    expect(page.locator(".page-head")).to_contain_text("整改已采纳")
    page.locator("#ladder-close").get_by_role("button", name="结案").click()
    expect(page.locator(".page-head")).to_contain_text("已结案")
    expect(page.locator(".case-history")).to_contain_text("签收单缺少接收方盖章。")

    # Second case: overdue, the re-check proposes the fine; the notice first.
    page.goto(f"{base}{second.get_absolute_url()}")
    expect(page.locator(".proposal")).to_contain_text("建议下一步：罚款（先行告知拟处罚）")
    notice = page.locator("#ladder-notice")
    notice.get_by_label("拟罚款金额（元）").fill("50000")
    notice.get_by_role("button", name="签发行政处罚事先告知书").click()
    expect(page.locator(".messages")).to_contain_text("苏工信罚告〔2026〕1号")
    # 1 December + 5 days = Sunday 6 December: the period runs to Monday 7 December.
    expect(page.locator("#ladder")).to_contain_text("陈述申辩期限至 2026-12-07")
    page.locator("#ladder-decide").get_by_role("button", name="签发罚款决定书").click()
    expect(page.locator("#ladder-decide .refusal")).to_contain_text(
        "陈述申辩期限至 2026-12-07 届满，期限届满前不能作出罚款决定。"
    )

    log_out(page)
    clock.now = dt.datetime(2026, 12, 8, 10, 0, tzinfo=BEIJING)  # a session lasts 8 hours
    log_in(page, base, desk.jiangsu.username)
    page.goto(f"{base}{second.get_absolute_url()}")
    expect(page.locator("#ladder-decide").get_by_label("罚款金额（元）")).to_have_value("50000")
    page.locator("#ladder-decide").get_by_role("button", name="签发罚款决定书").click()
    expect(page.locator(".messages")).to_contain_text("已签发罚款决定书 苏工信罚〔2026〕1号")
    # 8 December + 15 days = 23 December.
    expect(page.locator("#ladder")).to_contain_text("罚款缴纳期限至 2026-12-23")
    pay = page.locator("#ladder-pay")
    pay.get_by_label("缴款日期").fill("2026-12-08")
    pay.get_by_label("缴款金额（元）").fill("50000")
    pay.get_by_label("缴款凭证号").fill("JS-PZ-0001")
    pay.get_by_role("button", name="登记缴款").click()
    expect(page.locator(".page-head")).to_contain_text("已结案")
    expect(page.locator(".case-history")).to_contain_text("罚款及加处罚款已全部缴清，结案。")
    render_pending()

    # The public list shows the decision with its verification link, no login needed.
    log_out(page)
    page.goto(f"{base}/enforcement/penalties/")
    row = page.locator("table.penalties tbody tr").first
    expect(row).to_contain_text("苏工信罚〔2026〕1号")
    expect(row).to_contain_text("50,000")
    row.get_by_role("link", name="核验").click()
    expect(page.locator(".verify-valid")).to_contain_text("本平台签发的文书，未被撤销。")
    assert Case.objects.get(pk=first.pk).status == "closed"
    assert Case.objects.get(pk=second.pk).status == "closed"
