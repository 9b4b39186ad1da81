"""The Content-Security-Policy: sent on every page, and the portal's own pages obey it."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.twofactor import pass_second_factor

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)

PAGES = [
    "home",
    "account_security",
    "password_change",
    "enterprises:enterprise_list",
    "enterprises:review_list",
    "batteries:pack_list",
    "batteries:code_check",
    "batteries:import_list",
    "enforcement:case_list",
    "audit_log",
    "lockout_list",
    "admin:index",
    "api_docs",
]


@pytest.mark.django_db
def test_every_page_sends_the_policy_and_carries_no_inline_script(client, national_regulator):
    national_regulator.is_staff = national_regulator.is_superuser = True
    national_regulator.save()
    client.force_login(national_regulator)
    for name in PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src")[0]
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), (name, INLINE_SCRIPT.search(html).group(0))
        assert not HANDLER.search(html), (name, HANDLER.search(html).group(0))


@pytest.mark.django_db
def test_the_login_page_and_the_api_docs_script_obey_the_policy(client):
    login = client.get(reverse("login"))
    assert "frame-ancestors 'none'" in login["Content-Security-Policy"]
    assert not INLINE_SCRIPT.search(login.content.decode())


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_browser_reports_no_policy_violation_on_the_portals_pages(
    live_server, page, national_regulator
):
    violations = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(national_regulator.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    pass_second_factor(page, national_regulator.username)
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()
    for path in ("/", "/batteries/packs/", "/enterprises/", "/accounts/security/", "/api/docs/"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    # The language menu still works without its inline handler (portal.js).
    page.goto(f"{live_server.url}/accounts/security/")
    page.locator("#lang-select").select_option("en")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert violations == []
