"""Enterprise A never sees or changes enterprise B's data: pages, API and admin."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from enterprises.models import Enterprise, Outlet, User, WhitelistEntry
from enterprises.selectors import api_key_list, enterprise_users, outlet_list
from enterprises.services.api_keys import api_key_create
from tests.factories import user_of
from tests.scoping import assert_page_hides, assert_sees_only

pytestmark = pytest.mark.django_db


@pytest.fixture
def b_world(enterprise_b, admin_b):
    """Enterprise B (a Jiangsu utilizer that also produces vehicles) with rows of every kind."""
    enterprise_b.roles = ["utilizer", "vehicle_producer"]
    enterprise_b.save()
    outlet = Outlet.objects.create(
        owner=enterprise_b, name="乙公司苏州网点", address="苏州市", division_code="320506"
    )
    operator = user_of("enterprise_operator", enterprise=enterprise_b, username="b-operator")
    api_key, _ = api_key_create(actor=admin_b, name="乙公司密钥")
    WhitelistEntry.objects.create(
        enterprise=enterprise_b,
        category="recycling",
        batch="第五批",
        announcement_no="乙公告",
        announced_on="2024-01-15",
    )
    return {"outlet": outlet, "operator": operator, "api_key": api_key}


@pytest.fixture
def a_outlet(enterprise_a):
    return Outlet.objects.create(
        owner=enterprise_a, name="甲公司福州网点", address="福州市", division_code="350102"
    )


def test_selectors_give_enterprise_a_only_its_own_rows(admin_a, a_outlet, b_world):
    assert_sees_only(outlet_list(user=admin_a), [a_outlet], [b_world["outlet"]])
    assert_sees_only(enterprise_users(user=admin_a), [admin_a], [b_world["operator"]])
    assert_sees_only(api_key_list(user=admin_a), [], [b_world["api_key"]])


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_enterprise_a_pages_never_show_enterprise_b(
    client, admin_a, enterprise_b, admin_b, b_world, national_regulator
):
    client.force_login(admin_a)
    b, regulator = logged_in(admin_b), logged_in(national_regulator)
    outlet_url = reverse("enterprises:outlet_update", args=[b_world["outlet"].pk])
    # (page, a client entitled to it, the texts of enterprise B it shows that client)
    pages = [
        (reverse("enterprises:my_enterprise"), b, [enterprise_b.name, enterprise_b.uscc]),
        (reverse("enterprises:user_list"), b, ["b-operator"]),
        (reverse("enterprises:outlet_list"), b, ["乙公司苏州网点"]),
        (reverse("enterprises:api_key_list"), b, ["乙公司密钥"]),
        (outlet_url, b, ["乙公司苏州网点"]),
        (
            reverse("enterprises:enterprise_detail", args=[enterprise_b.pk]),
            regulator,
            [enterprise_b.name, enterprise_b.uscc, "乙公司苏州网点"],
        ),
        (
            reverse("enterprises:enterprise_coverage", args=[enterprise_b.pk]),
            b,
            [enterprise_b.name],
        ),
    ]
    for url, owner, texts in pages:
        assert_page_hides(client, url, texts, owner_client=owner)


def test_enterprise_a_cannot_open_enterprise_bs_supporting_document(
    client, admin_a, enterprise_b, admin_b, national_regulator
):
    enterprise_b.supporting_document = SimpleUploadedFile("乙营业执照.pdf", b"%PDF-1.4 B")
    enterprise_b.save()
    url = reverse("enterprises:enterprise_document", args=[enterprise_b.pk])
    for owner in (admin_b, national_regulator):
        response = logged_in(owner).get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"%PDF-1.4 B"
    client.force_login(admin_a)
    assert client.get(url).status_code == 404


def test_enterprise_a_cannot_change_enterprise_b_through_any_page(
    client, admin_a, enterprise_b, b_world
):
    client.force_login(admin_a)
    outlet, operator, api_key = b_world["outlet"], b_world["operator"], b_world["api_key"]
    posts = [
        (
            reverse("enterprises:outlet_update", args=[outlet.pk]),
            {"name": "被改", "address": "x", "division_code": "350102", "status": "closed"},
        ),
        (reverse("enterprises:outlet_delete", args=[outlet.pk]), {}),
        (reverse("enterprises:user_deactivate", args=[operator.pk]), {}),
        (reverse("enterprises:user_reactivate", args=[operator.pk]), {}),
        (reverse("enterprises:api_key_revoke", args=[api_key.prefix]), {}),
        (
            reverse("enterprises:enterprise_review", args=[enterprise_b.pk]),
            {"action": "suspend", "reason": "x"},
        ),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code in {403, 404}, url
    outlet.refresh_from_db()
    operator.refresh_from_db()
    api_key.refresh_from_db()
    enterprise_b.refresh_from_db()
    assert (outlet.name, outlet.status) == ("乙公司苏州网点", "active")
    assert operator.is_active and not api_key.revoked
    assert enterprise_b.status == Enterprise.Status.APPROVED


@pytest.mark.parametrize("auth", ["session", "api_key"])
def test_enterprise_a_cannot_read_or_change_enterprise_b_through_the_api(
    client, admin_a, enterprise_b, b_world, a_outlet, auth
):
    headers = {}
    if auth == "session":
        client.force_login(admin_a)
    else:
        headers = {"HTTP_AUTHORIZATION": f"Api-Key {api_key_create(actor=admin_a, name='k')[1]}"}
    enterprises = client.get("/api/v1/enterprises/", **headers).json()["results"]
    assert [row["uscc"] for row in enterprises] == [admin_a.enterprise.uscc]
    outlets = client.get("/api/v1/outlets/", **headers).json()["results"]
    assert [row["id"] for row in outlets] == [a_outlet.pk]
    b_outlet = f"/api/v1/outlets/{b_world['outlet'].pk}/"
    assert client.get(f"/api/v1/enterprises/{enterprise_b.pk}/", **headers).status_code == 404
    assert client.get(b_outlet, **headers).status_code == 404
    patch = client.patch(b_outlet, {"name": "被改"}, content_type="application/json", **headers)
    assert patch.status_code == 404
    assert client.delete(b_outlet, **headers).status_code == 404
    assert Outlet.objects.get(pk=b_world["outlet"].pk).name == "乙公司苏州网点"


def test_enterprise_users_are_kept_out_of_every_admin_changelist(client, admin_a, b_world):
    client.force_login(admin_a)
    for model in ["enterprise", "whitelistentry", "outlet", "manufacturercode", "user"]:
        response = client.get(reverse(f"admin:enterprises_{model}_changelist"))
        assert response.status_code == 302, model


def test_a_provincial_regulator_sees_only_its_province_in_the_admin(
    client, fujian_regulator, enterprise_a, enterprise_b, a_outlet, b_world
):
    client.force_login(fujian_regulator)
    jiangsu = logged_in(user_of("provincial", province="32"))
    for model, texts in [
        ("enterprise", [enterprise_b.name]),
        ("whitelistentry", [enterprise_b.name]),
        ("outlet", ["乙公司苏州网点"]),
    ]:
        url = reverse(f"admin:enterprises_{model}_changelist")
        assert_page_hides(client, url, texts, owner_client=jiangsu)
    body = client.get(reverse("admin:enterprises_enterprise_changelist")).content.decode()
    assert enterprise_a.name in body
    change = reverse("admin:enterprises_enterprise_change", args=[enterprise_b.pk])
    assert client.get(change).status_code in {302, 404}
    assert User.objects.get(pk=b_world["operator"].pk).is_active
