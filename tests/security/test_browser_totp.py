"""A real browser: a provincial regulator signs in with its password, then a TOTP code."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, user_of
from tests.twofactor import authenticator, current_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_regulator_signs_in_with_a_totp_code(live_server, page):
    regulator = user_of("provincial", province="32", username="jiangsu-totp")
    device = authenticator(regulator)
    page.goto(f"{live_server.url}/enterprises/review/")
    page.get_by_label("用户名").fill(regulator.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="双因素认证")).to_be_visible()
    page.get_by_label("验证码").fill("000000")
    page.get_by_role("button", name="验证").click()
    expect(page.get_by_text("验证码不正确或已过期")).to_be_visible()
    page.wait_for_timeout(1100)  # django-otp waits a second after a wrong code
    page.get_by_label("验证码").fill(current_code(device))
    page.get_by_role("button", name="验证").click()
    page.wait_for_url(f"{live_server.url}/enterprises/review/")
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()
