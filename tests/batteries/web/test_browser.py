"""A real browser: a producer registers a pack and reports it; a regulator reads the identity."""

import pytest
from playwright.sync_api import expect

from tests.batteries.builders import code_for
from tests.factories import PASSWORD
from tests.twofactor import pass_second_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    pass_second_factor(page, username)  # a regulator gives a code after the password
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()


def test_a_producer_registers_and_reports_a_pack_and_a_regulator_sees_its_chain(
    live_server, page, parties, users
):
    code = code_for("T01")
    log_in(page, live_server.url, users.producer.username)
    page.goto(f"{live_server.url}/batteries/packs/register/")
    page.get_by_label("电池编码").fill(code)
    page.get_by_role("button", name="登记").click()
    expect(page.get_by_role("heading", name=code)).to_be_visible()

    # Production through the generic form: choosing the kind swaps in its fields (htmx).
    page.goto(f"{live_server.url}/batteries/events/new/?code={code}")
    page.get_by_label("事件类型").select_option(label="生产")
    expect(page.get_by_label("发生时间（北京时间）")).to_be_visible()
    page.get_by_role("button", name="上报", exact=True).click()
    expect(page.get_by_text("已上报“生产”事件。")).to_be_visible()

    # Delivery from the pack page's action button; the receiver check answers as one types.
    page.get_by_role("link", name="交付整车企业").click()
    page.get_by_label("对方企业统一社会信用代码").fill(parties.maker.uscc)
    expect(page.get_by_text("✓ 汽车生产企业")).to_be_visible()
    page.get_by_role("button", name="上报", exact=True).click()
    expect(page.get_by_text("已上报“交付整车企业”事件。")).to_be_visible()

    page.get_by_role("button", name="退出登录").click()
    log_in(page, live_server.url, users.national.username)
    page.goto(f"{live_server.url}/batteries/packs/{code}/")
    timeline = page.locator("ol.timeline")
    expect(timeline.locator("li")).to_have_count(3)
    expect(timeline).to_contain_text("交付整车企业")
    expect(timeline).to_contain_text(parties.maker.name)
    expect(page.get_by_text("✓ 哈希链完整（3个事件）")).to_be_visible()
