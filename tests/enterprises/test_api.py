"""REST API: the registry (read-only, scoped, filtered) and the caller's outlets (CRUD)."""

import pytest

from enterprises.models import Outlet
from enterprises.services.api_keys import api_key_create
from tests.factories import enterprise_create

pytestmark = pytest.mark.django_db

ENTERPRISES = "/api/v1/enterprises/"
OUTLETS = "/api/v1/outlets/"


@pytest.fixture
def key_a(admin_a):
    return api_key_create(actor=admin_a, name="MES")[1]


def _auth(plaintext: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Api-Key {plaintext}"}


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_an_enterprise_sees_only_itself_in_the_registry(client, key_a, enterprise_a, enterprise_b):
    assert _ids(client.get(ENTERPRISES, **_auth(key_a))) == {enterprise_a.pk}
    assert client.get(f"{ENTERPRISES}{enterprise_b.pk}/", **_auth(key_a)).status_code == 404


def test_regulators_see_the_registry_of_their_scope(
    client, national_regulator, fujian_regulator, enterprise_a, enterprise_b
):
    client.force_login(national_regulator)
    assert _ids(client.get(ENTERPRISES)) >= {enterprise_a.pk, enterprise_b.pk}
    client.force_login(fujian_regulator)
    assert _ids(client.get(ENTERPRISES)) == {enterprise_a.pk}


def test_the_registry_filters_with_the_same_filterset_as_the_pages(
    client, national_regulator, enterprise_a, enterprise_b
):
    client.force_login(national_regulator)
    assert _ids(client.get(ENTERPRISES, {"role": "utilizer"})) == {enterprise_b.pk}
    assert _ids(client.get(ENTERPRISES, {"q": enterprise_a.uscc[:14]})) == {enterprise_a.pk}
    assert _ids(client.get(ENTERPRISES, {"status": "pending"})) == set()
    enterprise_b.whitelist_entries.create(
        category="recycling", batch="五", announcement_no="n", announced_on="2024-01-15"
    )
    assert _ids(client.get(ENTERPRISES, {"whitelisted": "true"})) == {enterprise_b.pk}
    response = client.get(ENTERPRISES, {"status": "nonsense"})
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["status"]


def test_the_registry_shows_codes_and_whitelist_presence(client, admin_a, enterprise_a):
    enterprise_a.manufacturer_codes.create(code="A01", registered_on="2026-01-05")
    client.force_login(admin_a)
    (row,) = client.get(ENTERPRISES).json()["results"]
    assert row["manufacturer_codes"] == ["A01"]
    assert row["whitelisted"] is False
    assert row["roles"] == ["battery_producer"]


def test_the_registry_list_runs_a_constant_number_of_queries(
    client, national_regulator, django_assert_max_num_queries
):
    for seed in range(20):
        enterprise = enterprise_create(name=f"企业{seed}", seed=500 + seed)
        enterprise.manufacturer_codes.create(code=f"Q{seed:02d}", registered_on="2026-01-05")
    client.force_login(national_regulator)
    with django_assert_max_num_queries(5):
        response = client.get(ENTERPRISES)
    assert len(response.json()["results"]) == 20


def test_an_api_key_creates_changes_and_deletes_its_outlets(client, key_a, enterprise_a):
    response = client.post(
        OUTLETS,
        {"name": "厦门网点", "address": "厦门市思明区", "division_code": "350203"},
        content_type="application/json",
        **_auth(key_a),
    )
    assert response.status_code == 201, response.content
    outlet = Outlet.objects.get(pk=response.json()["id"])
    assert outlet.owner == enterprise_a and outlet.province == "35"
    assert outlet.history.first().history_change_reason.startswith("API key")
    response = client.patch(
        f"{OUTLETS}{outlet.pk}/",
        {"status": "closed"},
        content_type="application/json",
        **_auth(key_a),
    )
    assert response.json()["status"] == "closed"
    assert client.delete(f"{OUTLETS}{outlet.pk}/", **_auth(key_a)).status_code == 204
    assert not Outlet.objects.exists()


def test_an_outlet_with_a_bad_division_code_gets_a_400_naming_the_problem(client, key_a):
    response = client.post(
        OUTLETS,
        {"name": "网点", "address": "某地", "division_code": "990101"},
        content_type="application/json",
        **_auth(key_a),
    )
    assert response.status_code == 400
    (error,) = response.json()["errors"]  # the API's one error shape
    assert error["field"] == "division_code" and "省级代码“99”不存在" in error["message"]


def test_regulators_read_outlets_but_cannot_write_them(
    client, fujian_regulator, enterprise_a, enterprise_b
):
    fujian = Outlet.objects.create(
        owner=enterprise_a, name="福州", address="x", division_code="350102"
    )
    nanjing = Outlet.objects.create(
        owner=enterprise_a, name="南京", address="x", division_code="320106"
    )
    client.force_login(fujian_regulator)
    assert _ids(client.get(OUTLETS)) == {fujian.pk}
    response = client.post(
        OUTLETS,
        {"name": "网点", "address": "x", "division_code": "350102"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert client.delete(f"{OUTLETS}{fujian.pk}/").status_code == 403
    assert client.get(f"{OUTLETS}{nanjing.pk}/").status_code == 404


def test_a_session_operator_cannot_write_outlets(client, operator_a):
    client.force_login(operator_a)
    response = client.post(
        OUTLETS,
        {"name": "网点", "address": "x", "division_code": "350102"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_an_api_key_names_and_changes_the_enterprise_that_runs_an_outlet(
    client, key_a, enterprise_b
):
    data = {"name": "厦门网点", "address": "厦门市思明区", "division_code": "350203"}
    response = client.post(
        OUTLETS,
        {**data, "operator_uscc": enterprise_b.uscc.lower()},
        content_type="application/json",
        **_auth(key_a),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["operator_uscc"], body["operator_name"]) == (enterprise_b.uscc, enterprise_b.name)
    assert Outlet.objects.get(pk=body["id"]).operator == enterprise_b

    response = client.patch(
        f"{OUTLETS}{body['id']}/",
        {"operator_uscc": ""},
        content_type="application/json",
        **_auth(key_a),
    )
    assert response.json()["operator_uscc"] == ""
    assert Outlet.objects.get(pk=body["id"]).operator is None


def test_an_unknown_operating_enterprise_gets_a_400_on_its_field(client, key_a):
    response = client.post(
        OUTLETS,
        {
            "name": "网点",
            "address": "某地",
            "division_code": "350203",
            "operator_uscc": "91350000000000000X",
        },
        content_type="application/json",
        **_auth(key_a),
    )
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["field"] == "operator_uscc"
    assert "运营企业未在平台登记或未获批准" in error["message"]
    assert not Outlet.objects.exists()
