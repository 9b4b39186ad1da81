"""A real browser: a scan flags a dismantler; the Jiangsu official takes the case from the
new-cases queue, follows its evidence to the pack page, comes back and confirms it; the
dismantler then sees the case as confirmed under 我的案件.

Transactional: the tables are flushed afterwards, so the `desk` fixture re-creates the
legal parameters and the calendar (scan_run would too) instead of relying on migrations.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from enforcement.models import Case
from tests.enforcement.builders import headline_scan, scrapped_at
from tests.factories import PASSWORD
from tests.twofactor import pass_second_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    pass_second_factor(page, username)  # a regulator gives a code after the password
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()


def test_an_official_takes_opens_and_confirms_a_case_and_the_dismantler_sees_it(
    live_server, page: Page, desk
):
    battery = scrapped_at(desk, scrapped="2026-04-28")  # due 21 May, never handed over
    scrapped_at(desk, scrapped="2026-04-28", dismantler=desk.zhejiang_dismantler)
    headline_scan("2026-06-01")
    case = Case.objects.get(enterprise=desk.dismantler)
    other = Case.objects.get(enterprise=desk.zhejiang_dismantler)
    base = live_server.url

    log_in(page, base, desk.jiangsu.username)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="案件审查").click()
    queues = page.get_by_role("navigation", name="工作队列")
    expect(queues.get_by_role("link", name="新发现")).to_have_attribute("aria-current", "page")
    row = page.locator(f"#case-{case.pk}")
    expect(row).to_contain_text("苏拆解公司")
    expect(row).to_contain_text("报废车辆电池未按期移交")
    expect(page.locator(f"#case-{other.pk}")).to_have_count(0)  # Zhejiang's case

    # Take the case from the new-cases queue (a bulk action on the ticked row).
    page.get_by_label(f"选择案件 {case.number}").check()
    page.get_by_role("button", name="分配给我").click()
    expect(page.locator(".messages")).to_contain_text("分配给我：成功 1 件，未能办理 0 件。")
    expect(page.locator(f"#case-{case.pk}")).to_have_count(0)  # no longer new
    queues.get_by_role("link", name="分配给我").click()
    page.get_by_role("link", name=case.number).click()

    expect(page.get_by_role("heading", name=case.number)).to_be_visible()
    findings = page.locator("#findings")
    expect(findings).to_contain_text("报废 2026-04-28 + 15 个工作日 = 2026-05-21")
    expect(findings).to_contain_text("5月1日–5日 劳动节")

    # Follow the evidence to the pack's digital identity, then come back.
    findings.get_by_role("link", name=re.compile("车辆报废回收")).click()
    expect(page.get_by_role("heading", name=battery.code)).to_be_visible()
    expect(page.locator("ol.timeline")).to_contain_text("车辆报废回收")
    page.go_back()

    page.get_by_label("审查意见").fill("报废后逾期未移交，证据确凿。")
    page.locator("#review").get_by_role("button", name="确认").click()
    expect(page.locator(".messages")).to_contain_text(f"已确认案件 {case.number}。")
    expect(page.locator(".page-head")).to_contain_text("已确认")
    expect(page.locator(".case-history")).to_contain_text("报废后逾期未移交，证据确凿。")
    page.get_by_role("button", name="退出登录").click()

    log_in(page, base, desk.dismantler_user.username)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="我的案件").click()
    expect(page.get_by_role("heading", name="我的案件")).to_be_visible()
    row = page.locator(f"#case-{case.pk}")
    expect(row).to_contain_text("已确认")
    expect(page.locator(f"#case-{other.pk}")).to_have_count(0)
    row.get_by_role("link", name=case.number).click()
    expect(page.locator(".page-head")).to_contain_text("已确认")
    expect(page.locator("#findings")).to_contain_text(battery.code)
    expect(page.get_by_role("button", name="确认")).to_have_count(0)  # read-only
