"""The demo data a newcomer sees at start-up, loaded twice without duplicates."""

import pytest

from enterprises import demo
from enterprises.models import EnterpriseApiKey, Outlet, WhitelistEntry

pytestmark = pytest.mark.django_db


def test_the_demo_prints_a_working_api_key_once(client):
    logins = dict((user, secret) for user, secret, _role in demo.seed())
    plaintext = logins["api-key battery"]
    payload = client.get("/api/v1/whoami", HTTP_AUTHORIZATION=f"Api-Key {plaintext}").json()
    assert payload["enterprise"] == "示例动力电池股份有限公司"

    again = dict((user, secret) for user, secret, _role in demo.seed())
    assert again["api-key battery"].startswith("(already created")
    assert EnterpriseApiKey.objects.count() == 1


def test_the_demo_has_whitelist_entries_and_outlets_in_several_provinces():
    demo.seed()
    demo.seed()
    assert WhitelistEntry.objects.filter(enterprise=demo.demo_enterprise("utilizer")).count() == 2
    battery_provinces = set(
        Outlet.objects.filter(owner=demo.demo_enterprise("battery")).values_list(
            "province", flat=True
        )
    )
    assert len(battery_provinces) >= 3
    assert Outlet.objects.filter(owner=demo.demo_enterprise("vehicle")).exists()
