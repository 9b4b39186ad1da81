"""Scrapped vehicles over the API: one, a batch (all or nothing), the scoped list, one record."""

import pytest

from batteries.models import ScrappedVehicle
from tests.batteries.api.conftest import an_hour_ago, key_client, new_vin, packs_for
from tests.batteries.builders import code_for, record
from tests.factories import enterprise_create, user_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/scrapped-vehicles/"
BATCH = "/api/v1/scrapped-vehicles/batch"


def sold(producer, maker, count: int = 1) -> tuple[str, list]:
    packs = packs_for(producer, count)
    vin = new_vin()
    for pack in packs:
        for minute, (kind, reporter, fields) in enumerate(
            [
                ("produce", producer, {}),
                ("deliver", producer, {"counterparty_uscc": maker.uscc}),
                ("install", maker, {"vin": vin}),
                ("sell", maker, {}),
            ]
        ):
            assert record(pack, kind, reporter, minutes=minute, **fields).ok
    return vin, packs


def vehicle(vin: str, number: str = "BF-API-0001", **fields) -> dict:
    return {"vin": vin, "certificate_no": number, "scrapped_at": an_hour_ago(10), **fields}


@pytest.fixture
def dismantler_api(dismantler):
    return key_client(dismantler)


def test_a_dismantler_reports_a_scrapped_vehicle_and_gets_the_record_back(
    producer, maker, dismantler, dismantler_api
):
    vin, (a, b) = sold(producer, maker, 2)

    response = dismantler_api.post(
        URL, vehicle(vin, arrived_codes=[a.code], note="后备箱电池未到场"), format="json"
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["certificate_no"], body["vin"], body["vehicle_registered"]) == (
        "BF-API-0001", vin, True,
    )  # fmt: skip
    assert body["dismantler"] == {"name": dismantler.name, "uscc": dismantler.uscc}
    assert (body["pack_status"], body["note"], body["channel"]) == (
        "partial", "后备箱电池未到场", "api",
    )  # fmt: skip
    # The pack that did not arrive is not the dismantler's to read: its code stays hidden.
    packs = [(p["code"], p["arrived"], p["event_id"] is not None) for p in body["packs"]]
    assert sorted(packs, key=str) == sorted([(a.code, True, True), (None, False, False)], key=str)
    assert [(w["index"], w["field"], w["code"]) for w in body["warnings"]] == [
        (None, "arrived_codes", "scrap.pack_missing")
    ]
    assert body["url"] == "http://testserver/api/v1/scrapped-vehicles/BF-API-0001/"
    a.refresh_from_db()
    assert a.state == "vehicle_scrapped" and a.holder == dismantler


def test_a_vin_the_registry_does_not_know_is_recorded_with_a_warning(dismantler_api):
    response = dismantler_api.post(URL, vehicle(new_vin(), pack_missing=True), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["vehicle_registered"], body["pack_status"], body["packs"]) == (
        False, "missing", [],
    )  # fmt: skip
    assert [w["code"] for w in body["warnings"]] == ["scrap.vehicle_unknown", "scrap.pack_missing"]


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"vin": None}, "vin", "input.required"),
        ({"certificate_no": ""}, "certificate_no", "input.required"),
        ({"certificate_no": "x" * 65}, "certificate_no", "input.too_long"),
        ({"scrapped_at": "2026-04-01 09:30"}, "scrapped_at", "input.datetime_naive"),
        ({"arrived_codes": "T01"}, "arrived_codes", "input.type"),
        ({"arrived_codes": [1]}, "arrived_codes", "input.type"),
        ({"pack_missing": "yes"}, "pack_missing", "input.type"),
        ({"swap_pool": 1}, "swap_pool", "input.type"),
        ({"note": "x" * 501}, "note", "input.too_long"),
    ],
)
def test_a_malformed_vehicle_gets_400_naming_the_field(dismantler_api, change, field, code):
    response = dismantler_api.post(URL, {**vehicle(new_vin()), **change}, format="json")
    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [(field, code)]
    assert not ScrappedVehicle.objects.exists()


def test_refusals_name_the_field_and_every_problem_of_the_vehicle(producer, maker, dismantler_api):
    vin, _ = sold(producer, maker)
    assert (
        dismantler_api.post(URL, vehicle(new_vin(), "BF-TAKEN"), format="json").status_code == 201
    )
    payload = vehicle(vin, "BF-TAKEN", arrived_codes=[code_for("T01")])

    response = dismantler_api.post(URL, payload, format="json")

    assert response.status_code == 400
    assert [(e["index"], e["field"], e["code"]) for e in response.json()["errors"]] == [
        (None, "certificate_no", "scrap.certificate_taken"),
        (None, "arrived_codes", "scrap.pack_not_bound"),
    ]


def test_only_a_dismantler_may_report_and_regulators_read_only(producer, maker_api, regulator_api):
    refused = maker_api.post(URL, vehicle(new_vin()), format="json")
    assert refused.status_code == 403
    assert "拆解企业" in refused.json()["detail"]
    assert regulator_api.post(URL, vehicle(new_vin()), format="json").status_code == 403


def test_a_batch_records_every_vehicle_or_none(producer, maker, dismantler_api):
    vin, (pack,) = sold(producer, maker)
    unknown_vin = new_vin()
    good = [vehicle(vin, "BF-B-1"), vehicle(unknown_vin, "BF-B-2", swap_pool=True)]

    bad = dismantler_api.post(
        BATCH, {"vehicles": [*good, vehicle("NOT-A-VIN", "BF-B-3")]}, format="json"
    )
    assert bad.status_code == 400
    assert {e["index"] for e in bad.json()["errors"]} == {2}
    assert not ScrappedVehicle.objects.exists()

    response = dismantler_api.post(BATCH, {"vehicles": good}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["count"] == 2
    assert [(v["certificate_no"], v["pack_status"]) for v in body["vehicles"]] == [
        ("BF-B-1", "arrived"),
        ("BF-B-2", "swap_pool"),
    ]
    assert [(w["index"], w["code"]) for w in body["warnings"]] == [(1, "scrap.vehicle_unknown")]


@pytest.mark.parametrize("payload", [{}, {"vehicles": []}, {"vehicles": [{}] * 1001}])
def test_a_batch_must_hold_one_to_a_thousand_vehicles(dismantler_api, payload):
    response = dismantler_api.post(BATCH, payload, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "input.batch"


def test_a_retried_report_with_the_same_key_records_nothing_twice(dismantler_api):
    payload = vehicle(new_vin(), "BF-IDEM", pack_missing=True)
    first = dismantler_api.post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY="scrap-1")
    retry = dismantler_api.post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY="scrap-1")
    assert first.status_code == retry.status_code == 201
    assert retry["Idempotent-Replayed"] == "true" and retry.json() == first.json()
    assert ScrappedVehicle.objects.count() == 1


def test_the_list_and_the_record_are_scoped_to_the_dismantler_and_its_regulators(
    dismantler, dismantler_api, regulator_api
):
    other = enterprise_create(name="庚拆解", division="440307", seed=31, roles=["dismantler"])
    assert dismantler_api.post(URL, vehicle(new_vin(), "BF-MINE"), format="json").status_code == 201
    assert (
        key_client(other).post(URL, vehicle(new_vin(), "BF-THEIRS"), format="json").status_code
        == 201
    )
    jiangsu = user_of("provincial", province="32")
    from rest_framework.test import APIClient

    jiangsu_api = APIClient()
    jiangsu_api.force_login(jiangsu)

    def listed(client) -> set[str]:
        response = client.get(URL)
        assert response.status_code == 200, response.content
        return {v["certificate_no"] for v in response.json()["results"]}

    assert listed(dismantler_api) == {"BF-MINE"}
    assert listed(jiangsu_api) == {"BF-MINE"}  # the dismantler is in Jiangsu (32)
    assert listed(regulator_api) == {"BF-MINE", "BF-THEIRS"}
    assert dismantler_api.get(f"{URL}BF-MINE/").json()["certificate_no"] == "BF-MINE"
    hidden = dismantler_api.get(f"{URL}BF-THEIRS/")
    missing = dismantler_api.get(f"{URL}BF-NONE/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_the_list_pages_with_a_cursor_at_constant_cost(
    producer, maker, dismantler_api, django_assert_max_num_queries
):
    for n in range(3):
        vin, _ = sold(producer, maker, 2)
        assert dismantler_api.post(URL, vehicle(vin, f"BF-L-{n}"), format="json").status_code == 201
    dismantler_api.get(URL)
    # The key, the page, its packs, their codes, which of them the caller may read.
    with django_assert_max_num_queries(5):
        page = dismantler_api.get(URL, {"page_size": 2}).json()
    assert "count" not in page and len(page["results"]) == 2 and page["next"]
    assert [len(v["packs"]) for v in page["results"]] == [2, 2]
    filtered = dismantler_api.get(URL, {"pack_status": "arrived", "vin": vin.lower()}).json()
    assert [v["certificate_no"] for v in filtered["results"]] == ["BF-L-2"]


def test_records_carry_exactly_the_fields_the_schema_documents(dismantler_api):
    from batteries.api.serializers import (
        ScrappedVehicleCreatedSerializer,
        ScrappedVehicleSerializer,
    )

    created = dismantler_api.post(URL, vehicle(new_vin(), "BF-S"), format="json").json()
    listed = dismantler_api.get(URL).json()["results"][0]
    assert set(listed) == set(ScrappedVehicleSerializer().fields)
    assert set(created) == set(ScrappedVehicleCreatedSerializer().fields)
    created.pop("warnings")
    assert created == listed


def test_a_regulator_reads_the_codes_of_the_packs_that_did_not_arrive(
    producer, maker, dismantler_api, regulator_api
):
    vin, (a, b) = sold(producer, maker, 2)
    created = dismantler_api.post(URL, vehicle(vin, "BF-R", arrived_codes=[a.code]), format="json")
    assert created.status_code == 201
    body = regulator_api.get(f"{URL}BF-R/").json()
    assert sorted((p["code"], p["arrived"]) for p in body["packs"]) == sorted(
        [(a.code, True), (b.code, False)]
    )
