"""POST /api/v1/codes/validate: every segment, every error with its position, registry facts."""

import pytest

from tests.batteries.api.conftest import packs_for
from tests.batteries.builders import code_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/codes/validate"
GOOD = "T01PB01A1B2C3DB3F0000001"  # T01, pack, LFP, spec 01, trace A1B2C3D, 2021-03-15


def results(client, payload) -> list[dict]:
    response = client.post(URL, payload, format="json")
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_it_decodes_every_segment_of_a_valid_code(producer, producer_api):
    (result,) = results(producer_api, {"code": GOOD.lower()})
    assert result["valid"] and result["code"] == GOOD and result["input"] == GOOD.lower()
    assert result["segments"] == {
        "manufacturer_code": "T01",
        "product_type": "P",
        "product_type_label": "电池包",
        "battery_type": "B",
        "chemistry": "lfp",
        "chemistry_label": "磷酸铁锂电池",
        "spec_code": "01",
        "trace_code": "A1B2C3D",
        "production_date": "2021-03-15",
        "serial": "0000001",
        "repurposed": False,
        "repurposed_product_type": None,
    }
    assert result["errors"] == [] and result["warnings"] == []
    assert result["registry"] == {
        "manufacturer_registered": True,
        "manufacturer_name": "甲电池有限公司",
        "code_registered": False,
    }


def test_it_decodes_a_repurposed_code(producer, producer_api):
    (result,) = results(producer_api, {"code": "T01MB013C20000042RM"})
    assert result["valid"], result["errors"]
    assert result["segments"]["repurposed"] is True
    assert result["segments"]["trace_code"] is None
    assert result["segments"]["serial"] == "0000042"


def test_it_says_when_a_code_is_already_registered(producer, producer_api):
    (pack,) = packs_for(producer, 1)
    (result,) = results(producer_api, {"codes": [pack.code]})
    assert result["valid"] and result["registry"]["code_registered"] is True


@pytest.mark.parametrize(
    ("code", "error", "position"),
    [
        ("T01PB01A1B2C3DB3F000001", "code.length", None),
        ("T01PB01A1B2C3D-3F0000001", "code.char", 15),
        ("T01XB01A1B2C3DB3F0000001", "code.product_type", 4),
        ("T01PH01A1B2C3DB3F0000001", "code.battery_type", 5),
        ("T01PB01A1B2C3DI3F0000001", "code.year", 15),
        ("T01PB01A1B2C3DBDF0000001", "code.month", 16),
        ("T01PB01A1B2C3DB3Z0000001", "code.day", 17),
        ("T01PB01A1B2C3DB2Y0000001", "code.date_invalid", 15),
        ("T01PB01A1B2C3DT3F0000001", "code.date_future", 15),
        ("T01PB01A1B2C3DB3F00000A1", "code.serial", 23),
        ("T01PB013C20000042XM", "code.repurposed_suffix", 18),
        ("ZZZPB01A1B2C3DB3F0000001", "code.manufacturer_unregistered", 1),
    ],
)
def test_it_reports_each_error_code_with_its_position(
    producer, producer_api, code, error, position
):
    (result,) = results(producer_api, {"code": code})
    assert result["valid"] is False
    found = {(e["code"], e["position"]) for e in result["errors"]}
    assert (error, position) in found, result["errors"]
    assert all(e["message"] for e in result["errors"])


def test_it_points_at_the_manufacturer_code_when_it_is_not_registered(producer, producer_api):
    (result,) = results(producer_api, {"code": "ZZZPB01A1B2C3DB3F0000001"})
    assert result["valid"] is False
    assert result["segments"] is not None  # well formed, only the registry says no
    assert result["errors"][0]["message"] == "第1–3位厂商代码“ZZZ”未在平台备案。"
    assert result["registry"]["manufacturer_registered"] is False
    assert result["registry"]["manufacturer_name"] is None


def test_it_warns_about_a_production_day_sources_read_differently(producer, producer_api):
    (result,) = results(producer_api, {"code": "T01PB01A1B2C3DB3V0000001"})
    assert result["valid"]
    assert [(w["code"], w["position"]) for w in result["warnings"]] == [("code.day_ambiguous", 17)]


def test_it_checks_ten_or_ten_thousand_codes_with_the_same_two_queries(
    producer, producer_api, django_assert_max_num_queries
):
    producer_api.post(URL, {"code": GOOD}, format="json")  # warm up: key "last used" update
    few = [code_for("T01") for _ in range(10)]
    many = [code_for("T01") for _ in range(10_000)]
    with django_assert_max_num_queries(3):  # the API key, manufacturer codes, registered codes
        assert len(results(producer_api, {"codes": few})) == 10
    with django_assert_max_num_queries(3):
        checked = results(producer_api, {"codes": many})
    assert len(checked) == 10_000 and all(r["valid"] for r in checked)


@pytest.mark.parametrize(
    "payload", [{}, {"codes": []}, {"codes": "T01"}, {"codes": ["x"] * 10_001}, [GOOD]]
)
def test_it_rejects_a_body_that_is_not_a_list_of_one_to_ten_thousand_codes(producer_api, payload):
    response = producer_api.post(URL, payload, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "input.batch"


def test_it_names_the_index_of_a_code_that_is_not_a_string(producer_api):
    response = producer_api.post(URL, {"codes": [GOOD, 42]}, format="json")
    assert response.status_code == 400
    assert [(e["index"], e["code"]) for e in response.json()["errors"]] == [(1, "input.type")]


def test_regulators_may_validate_codes_too(producer, regulator_api):
    assert results(regulator_api, {"code": GOOD})[0]["valid"]


def test_anonymous_callers_get_401(client):
    response = client.post(URL, {"code": GOOD}, content_type="application/json")
    assert response.status_code == 401
