"""The enterprise's own pages: company data, operator accounts, outlets, coverage, API keys."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from enterprises.models import EnterpriseApiKey, Outlet, User
from enterprises.rules import add_years
from tests.factories import PASSWORD, enterprise_create, user_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def vehicle_producer(db):
    return enterprise_create(
        name="丙新能源汽车有限公司", division="440307", seed=41, roles=["vehicle_producer"]
    )


def _operator_data(**overrides):
    return {
        "username": "op-zhang",
        "full_name": "张操作",
        "email": "op@example.cn",
        "phone": "",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        **overrides,
    }


def test_the_enterprise_page_shows_company_data_and_status(client, operator_a, enterprise_a):
    client.force_login(operator_a)
    body = client.get(reverse("enterprises:my_enterprise")).content.decode()
    assert enterprise_a.uscc in body
    assert "已批准" in body
    assert reverse("enterprises:api_key_list") not in body  # operators do not manage keys


def test_the_administrator_creates_and_deactivates_an_operator(client, admin_a, enterprise_a):
    client.force_login(admin_a)
    response = client.post(reverse("enterprises:user_list"), _operator_data())
    assert response.status_code == 302
    operator = User.objects.get(username="op-zhang")
    assert operator.kind == User.Kind.ENTERPRISE_OPERATOR
    assert operator.enterprise == enterprise_a
    client.post(reverse("enterprises:user_deactivate", args=[operator.pk]))
    operator.refresh_from_db()
    assert not operator.is_active
    assert not client.login(username="op-zhang", password=PASSWORD)


def test_the_administrator_switches_a_stopped_operator_back_on(client, admin_a, enterprise_a):
    operator = user_of("enterprise_operator", enterprise=enterprise_a)
    client.force_login(admin_a)
    client.post(reverse("enterprises:user_deactivate", args=[operator.pk]))
    page = client.get(reverse("enterprises:user_list")).content.decode()
    assert reverse("enterprises:user_reactivate", args=[operator.pk]) in page

    response = client.post(reverse("enterprises:user_reactivate", args=[operator.pk]), follow=True)

    operator.refresh_from_db()
    assert operator.is_active
    assert f"已启用账号“{operator.username}”" in response.content.decode()


def test_a_suspended_enterprise_cannot_switch_operators_back_on(client, admin_a, enterprise_a):
    operator = user_of("enterprise_operator", enterprise=enterprise_a)
    operator.is_active = False
    operator.save()
    enterprise_a.status = enterprise_a.Status.SUSPENDED
    enterprise_a.save()
    client.force_login(admin_a)

    response = client.post(reverse("enterprises:user_reactivate", args=[operator.pk]), follow=True)

    operator.refresh_from_db()
    assert not operator.is_active
    assert "企业获批准后才能启用操作员账号" in response.content.decode()


def test_an_operator_account_needs_a_strong_password_typed_twice(client, admin_a):
    client.force_login(admin_a)
    response = client.post(reverse("enterprises:user_list"), _operator_data(password_confirm="x"))
    assert "两次输入的密码不一致" in response.content.decode()
    response = client.post(
        reverse("enterprises:user_list"),
        _operator_data(password="12345678", password_confirm="12345678"),
    )
    assert response.context["form"].errors["password"]
    assert not User.objects.filter(username="op-zhang").exists()


def test_operators_cannot_manage_users(client, operator_a, admin_a):
    client.force_login(operator_a)
    assert client.get(reverse("enterprises:user_list")).status_code == 403
    response = client.post(reverse("enterprises:user_deactivate", args=[admin_a.pk]))
    assert response.status_code == 403
    admin_a.refresh_from_db()
    assert admin_a.is_active


def test_an_administrator_cannot_deactivate_another_administrator(client, admin_a, enterprise_a):
    other_admin = user_of("enterprise_admin", enterprise=enterprise_a)
    client.force_login(admin_a)
    client.post(reverse("enterprises:user_deactivate", args=[other_admin.pk]))
    other_admin.refresh_from_db()
    assert other_admin.is_active


# --- Outlets ------------------------------------------------------------------------------


def _outlet_data(**overrides):
    return {
        "name": "福州回收网点",
        "address": "福州市鼓楼区",
        "division_code": "350102",
        "status": "active",
        **overrides,
    }


def test_the_administrator_creates_edits_and_deletes_an_outlet(client, admin_a, enterprise_a):
    client.force_login(admin_a)
    assert client.post(reverse("enterprises:outlet_create"), _outlet_data()).status_code == 302
    outlet = Outlet.objects.get(owner=enterprise_a)
    assert outlet.province == "35" and outlet.prefecture == "3501"
    assert "福州回收网点" in client.get(reverse("enterprises:outlet_list")).content.decode()
    client.post(
        reverse("enterprises:outlet_update", args=[outlet.pk]),
        _outlet_data(division_code="320106", status="closed"),
    )
    outlet.refresh_from_db()
    assert (outlet.province, outlet.status) == ("32", "closed")
    assert outlet.history.first().history_user == admin_a
    client.post(reverse("enterprises:outlet_delete", args=[outlet.pk]))
    assert not Outlet.objects.filter(pk=outlet.pk).exists()


def test_the_administrator_entrusts_an_outlet_to_another_enterprise(client, admin_a, enterprise_b):
    client.force_login(admin_a)
    response = client.post(
        reverse("enterprises:outlet_create"), _outlet_data(operator_uscc=enterprise_b.uscc)
    )
    assert response.status_code == 302
    outlet = Outlet.objects.get()
    assert outlet.operator == enterprise_b
    page = client.get(reverse("enterprises:outlet_list")).content.decode()
    assert enterprise_b.name in page
    form = client.get(reverse("enterprises:outlet_update", args=[outlet.pk])).content.decode()
    assert enterprise_b.uscc in form


def test_an_outlet_entrusted_to_an_unknown_enterprise_is_refused_on_that_field(client, admin_a):
    client.force_login(admin_a)
    response = client.post(
        reverse("enterprises:outlet_create"), _outlet_data(operator_uscc="91350000000000000X")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["operator_uscc"]
    assert not Outlet.objects.exists()


def test_an_outlet_with_an_unknown_division_is_refused(client, admin_a):
    client.force_login(admin_a)
    response = client.post(
        reverse("enterprises:outlet_create"), _outlet_data(division_code="990101")
    )
    assert "省级代码“99”不存在" in response.content.decode()
    assert not Outlet.objects.exists()


def test_operators_only_read_outlets(client, operator_a):
    client.force_login(operator_a)
    assert client.get(reverse("enterprises:outlet_list")).status_code == 200
    assert client.post(reverse("enterprises:outlet_create"), _outlet_data()).status_code == 403
    assert not Outlet.objects.exists()


def test_a_pending_enterprise_cannot_set_up_outlets(client, db):
    pending = enterprise_create(name="待审电池", seed=42, status="pending")
    client.force_login(user_of("enterprise_admin", enterprise=pending))
    response = client.post(reverse("enterprises:outlet_create"), _outlet_data())
    assert response.status_code == 403
    assert not Outlet.objects.exists()


def test_battery_producer_coverage_lists_the_31_provinces_where_the_duty_applies(
    client, admin_a, enterprise_a
):
    Outlet.objects.create(owner=enterprise_a, name="福州", address="x", division_code="350102")
    Outlet.objects.create(
        owner=enterprise_a, name="南京", address="x", division_code="320106", status="closed"
    )
    client.force_login(admin_a)
    response = client.get(reverse("enterprises:enterprise_coverage", args=[enterprise_a.pk]))
    body = response.content.decode()
    (section,) = response.context["sections"]
    assert len(section.rows) == 31
    areas = {code for code, _name, _row in section.rows}
    assert not areas & {"71", "81", "82"}  # Taiwan, Hong Kong, Macao: outside the duty
    assert {"11", "54", "65"} <= areas
    covered = {code for code, _name, row in section.rows if row.covered}
    assert covered == {"35"}  # the Nanjing outlet is closed
    assert "30 / 31" in body
    assert "销售数据尚未接入" in body


def test_vehicle_producer_coverage_lists_outlet_and_home_prefectures(
    client, national_regulator, vehicle_producer
):
    Outlet.objects.create(owner=vehicle_producer, name="广州", address="x", division_code="440106")
    client.force_login(national_regulator)
    response = client.get(reverse("enterprises:enterprise_coverage", args=[vehicle_producer.pk]))
    (section,) = response.context["sections"]
    assert {(code, row.covered) for code, _n, row in section.rows} == {
        ("4401", True),
        ("4403", False),
    }


# --- API keys -----------------------------------------------------------------------------


def _in_days(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def test_an_api_key_is_shown_once_and_never_listed_again(client, admin_a, enterprise_a):
    client.force_login(admin_a)
    url = reverse("enterprises:api_key_list")
    assert "默认一年" in client.get(url).content.decode()
    response = client.post(url, {"name": "MES 上报", "expires_on": _in_days(60)})
    assert response.status_code == 200
    plaintext = response.context["plaintext"]
    assert plaintext in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    api_key = EnterpriseApiKey.objects.get(enterprise=enterprise_a)
    assert api_key.created_by == admin_a
    assert plaintext not in api_key.hashed_key
    listing = client.get(url).content.decode()
    assert plaintext not in listing
    assert api_key.prefix in listing
    assert _in_days(60) in listing


def test_an_api_key_defaults_to_one_year_and_may_last_at_most_two(client, admin_a, enterprise_a):
    client.force_login(admin_a)
    url = reverse("enterprises:api_key_list")
    today = timezone.localdate()
    form = client.get(url).context["form"]
    assert form.fields["expires_on"].initial == add_years(today, 1)
    too_late = (today + dt.timedelta(days=2 * 366 + 1)).isoformat()
    response = client.post(url, {"name": "太长", "expires_on": too_late})
    assert "最长两年" in response.content.decode()
    assert not EnterpriseApiKey.objects.exists()


def test_the_administrator_revokes_an_api_key(client, admin_a, enterprise_a):
    client.force_login(admin_a)
    client.post(reverse("enterprises:api_key_list"), {"name": "k", "expires_on": _in_days(60)})
    api_key = EnterpriseApiKey.objects.get()
    client.post(reverse("enterprises:api_key_revoke", args=[api_key.prefix]))
    api_key.refresh_from_db()
    assert api_key.revoked
    assert "已吊销" in client.get(reverse("enterprises:api_key_list")).content.decode()


def test_a_pending_enterprise_cannot_create_api_keys(client, db):
    pending = enterprise_create(name="待审电池", seed=43, status="pending")
    client.force_login(user_of("enterprise_admin", enterprise=pending))
    url = reverse("enterprises:api_key_list")
    assert "获批准后才能创建 API 密钥" in client.get(url).content.decode()
    assert client.post(url, {"name": "k", "expires_on": _in_days(60)}).status_code == 403
    assert not EnterpriseApiKey.objects.exists()


def test_operators_cannot_manage_api_keys(client, operator_a):
    client.force_login(operator_a)
    assert client.get(reverse("enterprises:api_key_list")).status_code == 403
