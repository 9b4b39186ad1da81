"""A real browser: an enterprise registers, a regulator approves it, its administrator creates
an API key and sees it exactly once."""

import re

import pytest
from playwright.sync_api import Page, expect

from enterprises.models import Enterprise, EnterpriseApiKey
from tests.enterprises.conftest import CATL_USCC
from tests.factories import PASSWORD, user_of
from tests.twofactor import pass_second_factor

pytestmark = pytest.mark.browser


def _log_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    pass_second_factor(page, username)  # a regulator gives a code after the password
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()


def _register(page: Page, base: str) -> None:
    page.goto(f"{base}/enterprises/register/")
    fields = {
        "name": "宁德示例新能源科技有限公司",
        "uscc": CATL_USCC.lower(),
        "address": "福建省宁德市蕉城区示例路1号",
        "division_code": "350902",
        "contact_name": "陈联系",
        "contact_phone": "0593-0000000",
        "contact_email": "contact@ningde.example.cn",
        "manufacturer_codes": "N01",
        "username": "ningde-admin",
        "full_name": "林管理",
        "email": "admin@ningde.example.cn",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
    }
    for name, value in fields.items():
        page.fill(f"#id_{name}", value)
    page.check("input[name=roles][value=battery_producer]")
    page.set_input_files(
        "#id_supporting_document",
        files=[{"name": "营业执照.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%\n"}],
    )
    page.click("button:has-text('提交申请')")
    expect(page.get_by_role("heading", name="申请已提交")).to_be_visible()


def test_an_enterprise_registers_is_approved_and_creates_an_api_key(
    transactional_db, live_server, page: Page
):
    base = live_server.url
    regulator = user_of("national", username="miit-reviewer")
    _register(page, base)
    assert Enterprise.objects.get(uscc=CATL_USCC).status == "pending"

    _log_in(page, base, regulator.username, PASSWORD)
    page.goto(f"{base}/enterprises/review/")
    page.click("text=宁德示例新能源科技有限公司")
    page.click("button[name=action][value=approve]")
    expect(page.locator(".messages")).to_contain_text("已批准")
    page.click("button:has-text('退出登录')")

    _log_in(page, base, "ningde-admin", PASSWORD)
    expect(page.locator("main")).to_contain_text("已批准")
    page.goto(f"{base}/enterprises/mine/api-keys/")
    page.fill("#id_name", "MES 上报")
    page.click("button:has-text('创建')")
    key_box = page.locator("#api-key")
    expect(key_box).to_be_visible()
    plaintext = key_box.inner_text().strip()
    assert re.fullmatch(r"[A-Za-z0-9]{8}\.[A-Za-z0-9]+", plaintext)
    expect(page.locator("main")).to_contain_text("只显示这一次")

    page.click("text=我已保存，返回密钥列表")
    expect(page.locator("table.data")).to_contain_text("MES 上报")
    assert plaintext not in page.content()
    assert EnterpriseApiKey.objects.get().prefix == plaintext.split(".")[0]
