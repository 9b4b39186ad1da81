"""A real browser logs in and switches the interface language."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, user_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_regulator_logs_in_and_switches_to_english(live_server, page):
    user = user_of("national", username="li-regulator")
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()
    nav = page.get_by_role("navigation", name="主导航")
    expect(nav.get_by_role("link", name="管理后台")).to_be_visible()

    page.get_by_label("语言").select_option("en")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_label("Language").select_option("zh-hans")
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()
