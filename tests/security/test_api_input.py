"""No input makes the API answer 500, implausible data is refused, errors match the schema.

Each test is one finding of issue 11 (items 2, 3 and 5 of "Found"), sent the way the fuzzer
or a careless client sent it.
"""

import datetime as dt
import json

import pytest
import yaml
from django.core.management import call_command
from django.utils import timezone

from batteries.models import LifecycleEvent
from tests.batteries.api.conftest import an_hour_ago, key_client, packs_for
from tests.batteries.builders import producer_create, record
from tests.factories import enterprise_create

pytestmark = pytest.mark.django_db

EVENTS, BATCH, PACKS = "/api/v1/events/", "/api/v1/events/batch", "/api/v1/packs/"


@pytest.fixture
def producer():
    return producer_create(seed=41)


@pytest.fixture
def api(producer):
    return key_client(producer)


@pytest.fixture
def pack(producer):
    (pack,) = packs_for(producer, 1)
    return pack


def produce(pack, **changes) -> dict:
    return {"code": pack.code, "kind": "produce", "occurred_at": an_hour_ago(), **changes}


def errors(response) -> list[tuple]:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return [(e["field"], e["code"]) for e in response.json()["errors"]]


# --- Found 2: 500s ----------------------------------------------------------------------------


def test_a_nul_character_in_a_string_field_is_a_400_on_every_write(api, pack):
    one = api.post(EVENTS, produce(pack, code=pack.code[:-1] + "\x00"), format="json")
    batch = api.post(BATCH, {"events": [produce(pack, vin="AB\x00")]}, format="json")
    packs = api.post(PACKS, {"packs": [{"code": "AB\x00"}]}, format="json")
    for response in (one, batch, packs):
        assert response.status_code == 400
        assert response.json()["detail"]
    assert not LifecycleEvent.objects.filter(kind="produce").exists()


def test_a_nul_character_in_a_path_or_a_filter_is_a_json_400(api):
    for url in ("/api/v1/packs/A%00B/", "/api/v1/packs/?vin=A%00B", "/api/v1/events/?code=%00"):
        response = api.get(url)
        assert response.status_code == 400, url
        assert response["Content-Type"] == "application/json"
        assert "NUL" in response.json()["detail"]


@pytest.mark.parametrize("moment", ["2026-08-20T10:00:00+18:05", "2026-08-20T10:00:00-15:00"])
def test_an_offset_no_time_zone_has_is_refused_in_a_body(api, pack, moment):
    response = api.post(EVENTS, produce(pack, occurred_at=moment), format="json")
    assert response.status_code == 400
    assert errors(response) == [("occurred_at", "input.datetime_offset")]


@pytest.mark.parametrize(
    "moment",
    ["2026-08-20T10:00:00+18:05", "0001-01-01T00:00:00+08:00", "9999-12-31T23:00:00-12:00"],
)
def test_an_impossible_time_in_a_list_filter_is_a_filter_error(api, moment):
    for url, name in (
        (EVENTS, "occurred_at_after"),
        ("/api/v1/scrapped-vehicles/", "scrapped_at_before"),
    ):
        response = api.get(url, {name: moment})
        assert response.status_code == 400, (url, response.content)
        assert [field for field, _code in errors(response)] == [
            "occurred_at" if url == EVENTS else "scrapped_at"
        ]


def test_year_one_with_an_offset_is_refused_not_a_500(api, pack):
    response = api.post(
        EVENTS, produce(pack, occurred_at="0001-01-01T00:00:00+08:00"), format="json"
    )
    assert response.status_code == 400
    assert errors(response) == [("occurred_at", "event.time_implausible")]


def test_a_deeply_nested_body_is_a_json_400(api):
    body = "[" * 100_000
    response = api.post(BATCH, body, content_type="application/json")
    assert response.status_code == 400
    assert "嵌套过深" in response.json()["detail"]
    nested = {"events": [produce_like := {"details": {}}]}
    for _ in range(40):
        produce_like["details"] = {"x": produce_like["details"]}
    assert api.post(BATCH, nested, format="json").status_code == 400


# --- Found 3: implausible data ----------------------------------------------------------------


def test_an_event_in_year_657_or_before_2011_is_refused(api, pack):
    for moment in ("0657-05-01T09:00:00+08:00", "2010-12-31T23:59:00+08:00"):
        response = api.post(EVENTS, produce(pack, occurred_at=moment), format="json")
        assert errors(response) == [("occurred_at", "event.time_implausible")]
    assert api.post(EVENTS, produce(pack), format="json").status_code == 201


def test_an_event_before_the_packs_production_date_is_refused(api, pack):
    day_before = pack.production_date - dt.timedelta(days=1)
    moment = f"{day_before.isoformat()}T23:00:00+08:00"
    response = api.post(EVENTS, produce(pack, occurred_at=moment), format="json")
    assert errors(response) == [("occurred_at", "event.time_before_production")]
    assert pack.production_date.isoformat() in response.json()["errors"][0]["message"]


def test_a_20_mb_details_object_is_refused(api, pack):
    response = api.post(EVENTS, produce(pack, details={"blob": "x" * 20_000_000}), format="json")
    assert errors(response) == [("details", "input.too_long")]


def test_control_characters_in_free_text_are_refused(api, pack, producer):
    assert record(pack, "produce", producer).ok
    event = pack.events.get(kind="produce")
    void = api.post(
        f"/api/v1/events/{event.pk}/void", {"reason": "录入错误\x1b[31m"}, format="json"
    )
    assert errors(void) == [("reason", "input.control_character")]
    detail = api.post(EVENTS, produce(pack, details={"note": "a\x07b"}), format="json")
    assert errors(detail) == [("details", "input.control_character")]
    ok = api.post(f"/api/v1/events/{event.pk}/void", {"reason": "录入错误\n重报"}, format="json")
    assert ok.status_code == 201, ok.content


def test_an_implausible_time_from_a_file_import_is_reported_not_recorded(
    settings, tmp_path, producer, pack
):
    from tests.batteries.imports.files import EVENT_HEADER, csv_bytes, import_file
    from tests.factories import user_of

    settings.MEDIA_ROOT = tmp_path
    user = user_of("enterprise_operator", enterprise=producer)
    rows = [[pack.code, "produce", "0657-05-01 09:00", "", "", "", "", ""]]
    batch = import_file(user, csv_bytes(rows, header=EVENT_HEADER), kind="events")
    assert batch.rows_created == 0 and not pack.events.filter(kind="produce").exists()


# --- Found 5: the schema matches the responses ------------------------------------------------


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker, tmp_path_factory):
    path = tmp_path_factory.mktemp("schema") / "openapi.yml"
    with django_db_blocker.unblock():
        call_command("spectacular", "--file", str(path))
    return yaml.safe_load(path.read_text())


def test_voided_by_and_operator_name_are_declared_as_they_are_answered(schema):
    event = schema["components"]["schemas"]["Event"]["properties"]
    assert event["voided_by"].get("nullable") is True


def test_a_partial_update_of_an_outlet_still_answers_every_declared_field(schema):
    owner = enterprise_create(name="丙汽车", division="440307", seed=42, roles=["vehicle_producer"])
    api = key_client(owner)
    created = api.post(
        "/api/v1/outlets/",
        {"name": "网点", "address": "某地", "division_code": "440307"},
        format="json",
    )
    assert created.status_code == 201, created.content
    patched = api.patch(
        f"/api/v1/outlets/{created.json()['id']}/", {"name": "新网点"}, format="json"
    )
    assert patched.status_code == 200
    declared = schema["components"]["schemas"]["Outlet"]["required"]
    assert set(declared) <= set(patched.json()), set(declared) - set(patched.json())
    assert patched.json()["operator_name"] == ""


def test_a_json_parse_error_has_the_declared_error_shape(api, schema):
    response = api.post("/api/v1/outlets/", "{not json", content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "errors"} and body["errors"] == []
    declared = schema["paths"]["/api/v1/outlets/"]["post"]["responses"]["400"]
    assert declared["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }


def test_a_bad_cursor_or_page_size_is_a_documented_400(api, schema):
    for params in (
        {"cursor": "garbage"},
        {"page_size": "-1"},
        {"page_size": "0"},
        {"page_size": "1001"},
    ):
        response = api.get(PACKS, params)
        assert response.status_code == 400, params
        assert errors(response)[0][0] in {"cursor", "page_size"}
    assert api.get(PACKS, {"page_size": "1000"}).status_code == 200
    parameters = schema["paths"]["/api/v1/packs/"]["get"]["parameters"]
    (page_size,) = [p for p in parameters if p["name"] == "page_size"]
    assert page_size["schema"] == {"type": "integer", "minimum": 1, "maximum": 1000}
    assert "400" in schema["paths"]["/api/v1/packs/"]["get"]["responses"]


def test_an_unmatched_api_url_answers_json_not_html(api):
    for url in ("/api/v1/nothing-here", "/api/v2/", "/api/v1/packs/X/events/extra"):
        response = api.get(url)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert "未找到" in response.json()["detail"]


def test_a_body_over_the_limit_answers_json_413(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = api.post(
        BATCH, json.dumps({"events": ["x" * 2000]}), content_type="application/json"
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "请求体过大" in response.json()["detail"]


def test_a_not_found_enterprise_is_answered_in_chinese(api):
    response = api.get("/api/v1/enterprises/999999/")
    assert response.status_code == 404
    assert response.json()["detail"] == "未找到，或不在您的可见范围内。"


def test_every_operation_documents_the_errors_any_request_may_get(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"400", "401", "403", "429"} <= codes, (method, path)
            if method in {"post", "put", "patch"}:
                assert "413" in codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)


# --- Throttles --------------------------------------------------------------------------------


def test_a_key_hammering_single_requests_is_throttled_and_another_key_is_not(
    api, producer, settings
):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"burst": "5/min", "sustained": None},
    }
    answers = [api.get("/api/v1/whoami").status_code for _ in range(7)]
    assert answers == [200] * 5 + [429, 429]
    throttled = api.get("/api/v1/whoami")
    assert throttled["Retry-After"] and throttled.json()["errors"] == []
    assert key_client(producer).get("/api/v1/whoami").status_code == 200  # its own bucket


def test_a_10000_event_batch_counts_as_one_request(api, producer, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"burst": "300/min", "sustained": "20000/hour"},
    }
    packs = packs_for(producer, 10_000)
    moment = (timezone.now() - dt.timedelta(hours=1)).isoformat()
    events = [{"code": p.code, "kind": "produce", "occurred_at": moment} for p in packs]
    response = api.post(BATCH, {"events": events}, format="json")
    assert response.status_code == 201, response.content[:300]
    assert response.json()["count"] == 10_000
    assert api.get("/api/v1/whoami").status_code == 200
