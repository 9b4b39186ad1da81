"""Packs over the API: registration by producers, scoped list and detail, timelines."""

import pytest

from batteries.models import Battery, LifecycleEvent
from tests.batteries.api.conftest import key_client, new_vin, packs_for
from tests.batteries.builders import code_for, record
from tests.factories import user_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/packs/"


def codes_of(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


# --- Registration -----------------------------------------------------------------------------


def test_a_producer_registers_a_batch_and_gets_the_codes_back(producer, producer_api):
    codes = [code_for("T01") for _ in range(3)]
    payload = {"packs": [{"code": c, "mass_kg": 420, "capacity_wh": 75_000} for c in codes]}
    response = producer_api.post(URL, payload, format="json")
    assert response.status_code == 201, response.content
    assert response.json() == {"count": 3, "created": codes}
    pack = Battery.objects.get(code=codes[0])
    assert pack.holder == producer and pack.mass_kg == 420 and pack.state == "registered"
    assert pack.events.get().channel == "api"


def test_a_module_may_name_a_pack_of_the_same_batch_as_parent(producer, producer_api):
    pack, module = code_for("T01"), code_for("T01", product_type="M")
    payload = {"packs": [{"code": pack}, {"code": module, "parent_code": pack}]}
    assert producer_api.post(URL, payload, format="json").status_code == 201
    assert Battery.objects.get(code=module).parent.code == pack


def test_one_bad_pack_means_nothing_is_registered_and_every_problem_is_listed(
    producer, producer_api
):
    good, taken = code_for("T01"), packs_for(producer, 1)[0].code
    payload = {
        "packs": [
            {"code": good},
            {"code": "T01PB01A1B2C3DB3F00000A1"},
            {"code": taken},
            {"code": code_for("T02")},
            {"code": code_for("T01"), "mass_kg": -1},
            {"mass_kg": "heavy"},
        ]
    }
    response = producer_api.post(URL, payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"].startswith("批次中有")
    assert [(e["index"], e["field"], e["code"]) for e in body["errors"]] == [
        (4, "mass_kg", "input.range"),
        (5, "code", "input.required"),
        (5, "mass_kg", "input.type"),
    ]
    payload["packs"] = payload["packs"][:4]
    body = producer_api.post(URL, payload, format="json").json()
    assert [(e["index"], e["code"]) for e in body["errors"]] == [
        (1, "code.serial"),
        (2, "code.duplicate"),
        (3, "code.manufacturer_unregistered"),
    ]
    assert "第23位" in body["errors"][0]["message"]
    assert not Battery.objects.filter(code=good).exists()


def test_only_battery_producers_and_importers_may_register(maker_api, regulator_api):
    payload = {"packs": [{"code": code_for("T01")}]}
    response = maker_api.post(URL, payload, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "只有电池生产企业或进口商可以登记电池编码。"
    response = regulator_api.post(URL, payload, format="json")
    assert response.status_code == 403
    assert "监管账号为只读" in response.json()["detail"]
    assert not Battery.objects.exists()


def test_it_refuses_more_than_ten_thousand_packs(producer_api):
    response = producer_api.post(URL, {"packs": [{"code": "x"}] * 10_001}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "input.batch"


def test_it_accepts_json_only(producer_api):
    response = producer_api.post(URL, {"packs": "x"}, format="multipart")
    assert response.status_code == 415


# --- Reading ---------------------------------------------------------------------------------


def test_each_enterprise_sees_only_its_own_packs(producer, rival, producer_api, rival_api):
    mine, theirs = packs_for(producer, 2), packs_for(rival, 2, mfr="T02")
    assert set(codes_of(producer_api.get(URL))) == {p.code for p in mine}
    assert set(codes_of(rival_api.get(URL))) == {p.code for p in theirs}
    response = producer_api.get(f"{URL}{theirs[0].code}/")
    assert response.status_code == 404
    unknown = producer_api.get(f"{URL}{code_for('T02')}/")
    assert unknown.status_code == 404 and unknown.json() == response.json()
    assert producer_api.get(f"{URL}{theirs[0].code}/events/").status_code == 404


def test_regulators_see_all_packs_or_their_province(producer, rival, regulator_api, client):
    packs = packs_for(producer, 1) + packs_for(rival, 1, mfr="T02")
    assert set(codes_of(regulator_api.get(URL))) == {p.code for p in packs}
    client.force_login(user_of("provincial", province="35"))  # Fujian: the producer's province
    assert codes_of(client.get(URL)) == [packs[0].code]


def test_the_list_pages_with_a_cursor_and_never_counts(producer, producer_api):
    packs = packs_for(producer, 5)
    first = producer_api.get(URL, {"page_size": 2}).json()
    assert "count" not in first and first["previous"] is None
    assert [r["code"] for r in first["results"]] == [p.code for p in packs[::-1][:2]]
    second = producer_api.get(first["next"]).json()
    assert [r["code"] for r in second["results"]] == [p.code for p in packs[::-1][2:4]]
    assert second["previous"] is not None


def test_the_list_filters_by_state_chemistry_holder_province_dates_and_vin(
    producer, maker, producer_api
):
    a, b, c = packs_for(producer, 3)
    assert record(a, "produce", producer).ok
    assert record(a, "deliver", producer, minutes=1, counterparty_uscc=maker.uscc).ok
    vin = new_vin()
    assert record(a, "install", maker, minutes=2, vin=vin).ok
    assert codes_of(producer_api.get(URL, {"state": "installed"})) == [a.code]
    assert codes_of(producer_api.get(URL, {"holder_uscc": maker.uscc.lower()})) == [a.code]
    assert codes_of(producer_api.get(URL, {"holder_province": "32"})) == [a.code]
    assert codes_of(producer_api.get(URL, {"vin": vin})) == [a.code]
    assert set(codes_of(producer_api.get(URL, {"manufacturer_uscc": producer.uscc}))) == {
        a.code,
        b.code,
        c.code,
    }
    assert len(codes_of(producer_api.get(URL, {"chemistry": "lfp", "product_type": "P"}))) == 3
    assert codes_of(producer_api.get(URL, {"chemistry": "ternary"})) == []
    dated = {"production_date_after": "2026-03-15", "production_date_before": "2026-03-15"}
    assert len(codes_of(producer_api.get(URL, dated))) == 3
    assert codes_of(producer_api.get(URL, {"production_date_after": "2026-03-16"})) == []


def test_a_bad_filter_value_gets_400_naming_the_filter(producer_api):
    response = producer_api.get(URL, {"state": "lost", "production_date_after": "soon"})
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {"state", "production_date"}


def test_the_list_costs_the_same_queries_for_three_or_fifty_packs(
    producer, producer_api, django_assert_max_num_queries
):
    packs_for(producer, 3)
    producer_api.get(URL)  # warm up: the key's "last used" update
    with django_assert_max_num_queries(2):  # the API key, the page
        assert len(codes_of(producer_api.get(URL))) == 3
    packs_for(producer, 47)
    with django_assert_max_num_queries(2):
        assert len(codes_of(producer_api.get(URL, {"state": "registered"}))) == 50


def test_the_detail_shows_state_holder_vehicle_chain_head_and_timeline_link(
    producer, maker, producer_api
):
    (pack,) = packs_for(producer, 1)
    record(pack, "produce", producer)
    record(pack, "deliver", producer, minutes=1, counterparty_uscc=maker.uscc)
    vin = new_vin()
    record(pack, "install", maker, minutes=2, vin=vin)
    response = producer_api.get(f"{URL}{pack.code.lower()}/")
    assert response.status_code == 200
    body = response.json()
    pack.refresh_from_db()
    assert body["state"] == "installed" and body["vin"] == vin and body["last_seq"] == 4
    assert body["holder"] == {"name": maker.name, "uscc": maker.uscc, "province": "32"}
    assert body["manufacturer"]["uscc"] == producer.uscc
    assert body["last_hash"] == pack.last_hash
    assert body["events"] == f"http://testserver/api/v1/packs/{pack.code}/events/"


def test_an_enterprise_that_once_held_a_pack_sees_its_whole_history(
    producer, maker, dismantler, utilizer, maker_api
):
    (pack,) = packs_for(producer, 1)
    vin = new_vin()
    steps = [
        ("produce", producer, {}),
        ("deliver", producer, {"counterparty_uscc": maker.uscc}),
        ("install", maker, {"vin": vin}),
        ("sell", maker, {}),
        ("scrap_vehicle", dismantler, {"vin": vin, "document_ref": "BF-2026-0001"}),
        ("dismantle", dismantler, {}),
        ("handover", dismantler, {"counterparty_uscc": utilizer.uscc}),
        ("receipt_confirm", utilizer, {}),
    ]
    for minute, (kind, reporter, fields) in enumerate(steps):
        assert record(pack, kind, reporter, minutes=minute, **fields).ok, kind
    assert codes_of(maker_api.get(URL)) == [pack.code]
    timeline = maker_api.get(f"{URL}{pack.code}/events/").json()
    assert [e["kind"] for e in timeline["results"]] == ["register"] + [s[0] for s in steps]
    assert timeline["results"][-1]["reporter"]["uscc"] == utilizer.uscc
    assert key_client(utilizer).get(f"{URL}{pack.code}/").json()["state"] == "received"


def test_the_timeline_marks_voided_events_and_pages_in_chain_order(producer, producer_api):
    (pack,) = packs_for(producer, 1)
    produce = record(pack, "produce", producer).events[0]
    response = producer_api.post(
        f"/api/v1/events/{produce.pk}/void", {"reason": "误报"}, format="json"
    )
    assert response.status_code == 201
    first = producer_api.get(f"{URL}{pack.code}/events/", {"page_size": 2}).json()
    assert [(e["seq"], e["kind"]) for e in first["results"]] == [(1, "register"), (2, "produce")]
    assert first["results"][1]["voided_by"] == response.json()["id"]
    rest = producer_api.get(first["next"]).json()
    assert [(e["kind"], e["voids"]) for e in rest["results"]] == [("void", produce.pk)]
    assert LifecycleEvent.objects.filter(battery=pack).count() == 3


def test_the_timeline_costs_the_same_queries_for_any_length(
    producer, producer_api, django_assert_max_num_queries
):
    (pack,) = packs_for(producer, 1)
    url = f"{URL}{pack.code}/events/"
    producer_api.get(url)
    with django_assert_max_num_queries(3):  # the API key, the pack, the page
        assert len(producer_api.get(url).json()["results"]) == 1
    record(pack, "produce", producer, occurred_at=None)
    with django_assert_max_num_queries(3):
        assert len(producer_api.get(url).json()["results"]) == 2


def test_a_bad_api_key_gets_401(producer):
    client = key_client(producer)
    client.credentials(HTTP_AUTHORIZATION="Api-Key nope.nope")
    response = client.get(URL)
    assert response.status_code == 401
    assert response.json()["detail"].startswith("API 密钥无效")
    assert response["WWW-Authenticate"] == "Api-Key"


def test_rows_carry_exactly_the_fields_the_schema_documents(producer, maker, producer_api):
    from batteries.api.serializers import PackDetailSerializer, PackSerializer

    (pack,) = packs_for(producer, 1)
    record(pack, "produce", producer)
    (row,) = producer_api.get(URL).json()["results"]
    assert set(row) == set(PackSerializer().fields)
    detail = producer_api.get(row["url"]).json()
    assert set(detail) == set(PackDetailSerializer().fields)
    assert detail["registered_at"].endswith("+08:00")  # Asia/Shanghai, as DRF renders it
    assert detail["production_date"] == "2026-03-15" and detail["parent_code"] is None
