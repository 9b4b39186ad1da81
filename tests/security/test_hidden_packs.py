"""A write on a pack the caller may not read answers exactly like an unknown code.

A stranger holding every role a non-holder may report with probes two hidden packs (one
just registered, one sold) with every kind of event, through the API (one event, a batch),
a file import and the web form, carrying wrong proofs; each answer, with the code masked,
equals the answer for a code never registered. With the right proof (the bound VIN, the
holder named as giver) the same stranger is answered and recorded as a party would be.
"""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from batteries import rules
from batteries.models import Battery, LifecycleEvent, State
from common.identifiers import make_vin
from tests.batteries.api.conftest import key_client
from tests.batteries.builders import code_for, outlet_create, pack_create, producer_create, record
from tests.batteries.imports.files import EVENT_HEADER, csv_bytes, import_file
from tests.factories import enterprise_create, user_of

pytestmark = pytest.mark.django_db

VIN = make_vin("LDC12345", "H0000001")
WRONG_VIN = make_vin("LDC12345", "H0000099")
STRANGER_ROLES = [
    "dealer",
    "swap_operator",
    "repair_shop",
    "outlet_operator",
    "dismantler",
    "utilizer",
]


class World:
    def __init__(self):
        self.producer = producer_create(seed=31)
        self.maker = enterprise_create(
            name="乙汽车", division="440307", seed=32, roles=["vehicle_producer"]
        )
        self.other = enterprise_create(name="丙贸易", division="110105", seed=33, roles=["dealer"])
        self.stranger = enterprise_create(
            name="丁综合", division="320506", seed=34, roles=STRANGER_ROLES
        )
        self.outlet = outlet_create(self.stranger)
        self.new = pack_create(self.producer)
        self.sold = pack_create(self.producer)
        steps = [
            ("produce", self.producer, {}),
            ("deliver", self.producer, {"counterparty_uscc": self.maker.uscc}),
            ("install", self.maker, {"vin": VIN}),
            ("sell", self.maker, {}),
        ]
        for minute, (kind, reporter, fields) in enumerate(steps):
            assert record(self.sold, kind, reporter, minutes=minute, **fields).ok
        self.unknown = code_for("T01")  # well-formed, never registered
        assert not Battery.objects.filter(code=self.unknown).exists()


@pytest.fixture
def world():
    return World()


def beijing(minutes: int = 30) -> str:
    moment = timezone.now() - dt.timedelta(minutes=60 - minutes)
    return moment.astimezone(dt.timezone(dt.timedelta(hours=8))).isoformat()


def probe(world, code: str, kind: str) -> dict:
    """An event carrying every field, each a wrong proof: a VIN and a giver that do not fit."""
    return {
        "code": code,
        "kind": kind,
        "occurred_at": beijing(),
        "counterparty_uscc": world.other.uscc,
        "vin": WRONG_VIN,
        "outlet_id": world.outlet.pk,
        "document_ref": "BF-PROBE-1",
        "details": {"new_code": "T01PB01A1B2C3DG3F00", "declared_use": "储能"},
    }


def masked(body, *codes: str):
    """The answer with the probed code replaced, so two answers compare as text."""
    text = repr(body)
    for code in codes:
        text = text.replace(code, "<CODE>")
    return text


KINDS = [kind for kind in rules.TRANSITIONS]


@pytest.mark.parametrize("kind", KINDS)
def test_the_api_answers_a_probe_of_a_hidden_pack_like_an_unknown_code(world, kind):
    api = key_client(world.stranger)
    unknown = api.post("/api/v1/events/", probe(world, world.unknown, kind), format="json")
    assert unknown.status_code == 400
    assert [e["code"] for e in unknown.json()["errors"]] == ["event.unknown_code"]
    for pack in (world.new, world.sold):
        answer = api.post("/api/v1/events/", probe(world, pack.code, kind), format="json")
        assert answer.status_code == unknown.status_code
        assert masked(answer.json(), pack.code) == masked(unknown.json(), world.unknown)
    assert LifecycleEvent.objects.filter(reporter=world.stranger).count() == 0


def test_a_batch_of_probes_gets_one_unknown_code_answer_per_item(world):
    api = key_client(world.stranger)
    codes = [world.new.code, world.unknown, world.sold.code]
    events = [probe(world, code, kind) for kind in KINDS for code in codes]
    body = api.post("/api/v1/events/batch", {"events": events}, format="json").json()
    assert len(body["errors"]) == len(events)
    by_index = {e["index"]: e for e in body["errors"]}
    for index, event in enumerate(events):
        error = by_index[index]
        assert (error["field"], error["code"]) == ("code", "event.unknown_code")
        assert error["message"] == f"电池编码未登记：{event['code']}"


def test_an_import_of_probes_reports_hidden_packs_like_unknown_codes(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = user_of("enterprise_operator", enterprise=world.stranger)
    when = "2026-11-30 09:30"
    rows = []
    for kind in KINDS:
        for code in (world.new.code, world.unknown, world.sold.code):
            rows.append([code, kind, when, world.other.uscc, WRONG_VIN, "", "BF-1", ""])
    batch = import_file(user, csv_bytes(rows, header=EVENT_HEADER), kind="events")
    assert batch.rows_created == 0
    from tests.batteries.imports.files import report_rows

    report = report_rows(batch)[1:]
    assert len(report) == len(rows)
    normalized = {
        masked(row[-3:], world.new.code, world.sold.code, world.unknown) for row in report
    }
    assert len(normalized) == 1, normalized  # one and the same answer, whatever the pack
    assert "电池编码未登记" in normalized.pop()


def _form_errors(client, world, code: str, kind: str) -> str:
    response = client.post(
        reverse("batteries:event_report"),
        {
            "code": code,
            "kind": kind,
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "counterparty_uscc": world.other.uscc,
            "vin": WRONG_VIN,
            "outlet": str(world.outlet.pk),
            "document_ref": "BF-1",
            "reason": "probe",
            "new_code": "T01PB01A1B2C3DG3F00",
            "declared_use": "储能",
        },
    )
    assert response.status_code == 200  # the form again, with its errors
    return re.sub(r"\s+", " ", masked(dict(response.context["form"].errors), code))


@pytest.mark.parametrize(
    "kind", sorted(rules.BOUND_VIN_PROOF_KINDS | rules.HOLDER_NAMED_PROOF_KINDS)
)
def test_the_web_form_answers_a_probe_of_a_hidden_pack_like_an_unknown_code(client, world, kind):
    client.force_login(user_of("enterprise_operator", enterprise=world.stranger))
    unknown = _form_errors(client, world, world.unknown, kind)
    assert "电池编码未登记" in unknown
    for pack in (world.new, world.sold):
        assert _form_errors(client, world, pack.code, kind) == unknown


@pytest.mark.parametrize("kind", ["swap_in", "remove_for_repair", "sell"])
def test_the_bound_vin_proves_a_relation_and_the_event_is_recorded(world, kind):
    api = key_client(world.stranger)
    event = {"code": world.sold.code, "kind": kind, "occurred_at": beijing(), "vin": VIN}
    if kind == "sell":  # a sold pack is sold already: the precise refusal, not the oracle
        answer = api.post("/api/v1/events/", event, format="json")
        assert [e["code"] for e in answer.json()["errors"]] == ["event.state"]
        return
    answer = api.post("/api/v1/events/", event, format="json")
    assert answer.status_code == 201, answer.content
    world.sold.refresh_from_db()
    assert world.sold.holder == world.stranger and world.sold.vehicle is None


def test_a_dealer_proves_a_sale_with_the_vin_the_pack_is_bound_to(world):
    installed = pack_create(world.producer)
    vin = make_vin("LDC12345", "H0000002")
    for minute, (kind, reporter, fields) in enumerate(
        [
            ("produce", world.producer, {}),
            ("deliver", world.producer, {"counterparty_uscc": world.maker.uscc}),
            ("install", world.maker, {"vin": vin}),
        ]
    ):
        assert record(installed, kind, reporter, minutes=minute, **fields).ok
    dealer = key_client(world.other)
    event = {"code": installed.code, "kind": "sell", "occurred_at": beijing(40)}
    refused = dealer.post("/api/v1/events/", {**event, "vin": WRONG_VIN}, format="json")
    assert [e["code"] for e in refused.json()["errors"]] == ["event.unknown_code"]
    sold = dealer.post("/api/v1/events/", {**event, "vin": vin}, format="json")
    assert sold.status_code == 201, sold.content
    installed.refresh_from_db()
    assert installed.state == State.SOLD and installed.holder == world.maker


def test_an_outlet_proves_an_intake_by_naming_the_holder_that_brought_the_pack(world):
    repairer = enterprise_create(name="戊维修", division="310115", seed=35, roles=["repair_shop"])
    assert record(world.sold, "remove_for_repair", repairer, minutes=10, vin=VIN).ok
    api = key_client(world.stranger)
    event = {
        "code": world.sold.code,
        "kind": "outlet_intake",
        "occurred_at": beijing(40),
        "outlet_id": world.outlet.pk,
    }
    wrong = api.post(
        "/api/v1/events/", {**event, "counterparty_uscc": world.maker.uscc}, format="json"
    )
    assert [e["code"] for e in wrong.json()["errors"]] == ["event.unknown_code"]
    right = api.post(
        "/api/v1/events/", {**event, "counterparty_uscc": repairer.uscc}, format="json"
    )
    assert right.status_code == 201, right.content
    world.sold.refresh_from_db()
    assert world.sold.state == State.AT_OUTLET and world.sold.holder == world.stranger
