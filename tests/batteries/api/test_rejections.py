"""Refused codes submitted over the API are logged; validating codes is not submitting them."""

import pytest

from batteries.models import Battery, Channel, CodeRejection
from tests.batteries.api.conftest import packs_for
from tests.batteries.builders import code_for

pytestmark = pytest.mark.django_db

PACKS = "/api/v1/packs/"
VALIDATE = "/api/v1/codes/validate"
BAD_TYPE = "T01XB01A1B2C3DG4F0000002"  # position 4: product type X does not exist
FUTURE = "T01PB01A1B2C3DT110000001"  # produced 2036-01-01


def logged() -> dict[tuple[str, str], int]:
    rows = CodeRejection.objects.values_list("code", "error_code", "attempts")
    return {(code, error): attempts for code, error, attempts in rows}


def test_a_single_refused_pack_is_logged_with_the_api_channel(producer, producer_api):
    response = producer_api.post(PACKS, {"packs": [{"code": FUTURE}]}, format="json")

    assert response.status_code == 400
    assert logged() == {(FUTURE, "code.date_future"): 1}
    row = CodeRejection.objects.get()
    assert (row.enterprise, row.channel) == (producer, Channel.API)
    assert row.message.startswith("第15–17位生产日期2036-01-01晚于今天")


def test_a_refused_batch_registers_nothing_and_logs_each_refused_code(
    producer, producer_api, rival
):
    good, theirs, foreign, unknown = (
        code_for("T01"),
        packs_for(rival, 1, mfr="T02")[0].code,
        code_for("T02"),
        code_for("ZZ9"),
    )
    payload = {"packs": [{"code": c} for c in (good, BAD_TYPE, theirs, foreign, unknown)]}

    response = producer_api.post(PACKS, payload, format="json")

    assert response.status_code == 400 and not Battery.objects.filter(code=good).exists()
    assert logged() == {
        (BAD_TYPE, "code.product_type"): 1,
        (theirs, "code.duplicate"): 1,
        (foreign, "code.manufacturer_not_own"): 1,
        (unknown, "code.manufacturer_unregistered"): 1,
    }
    assert set(CodeRejection.objects.values_list("enterprise", flat=True)) == {producer.pk}


def test_a_resent_batch_counts_up_but_a_replayed_idempotent_one_does_not(producer_api):
    payload = {"packs": [{"code": BAD_TYPE}]}
    producer_api.post(PACKS, payload, format="json")
    producer_api.post(PACKS, payload, format="json")
    assert logged() == {(BAD_TYPE, "code.product_type"): 2}

    for _ in range(2):  # the second is answered from the stored response, not run again
        response = producer_api.post(
            PACKS, payload, format="json", HTTP_IDEMPOTENCY_KEY="2026-12-01-0001"
        )
        assert response.status_code == 400
    assert response["Idempotent-Replayed"] == "true"
    assert logged() == {(BAD_TYPE, "code.product_type"): 3}


def test_validating_codes_before_printing_labels_logs_nothing(producer, producer_api):
    response = producer_api.post(VALIDATE, {"codes": [BAD_TYPE, FUTURE]}, format="json")
    assert response.status_code == 200
    assert [r["valid"] for r in response.json()["results"]] == [False, False]
    assert not CodeRejection.objects.exists()

    producer_api.post(PACKS, {"packs": [{"code": BAD_TYPE}, {"code": FUTURE}]}, format="json")
    assert set(logged()) == {(BAD_TYPE, "code.product_type"), (FUTURE, "code.date_future")}
