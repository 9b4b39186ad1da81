"""Parties, users and packs for the portal pages, built through the real services."""

from types import SimpleNamespace

import pytest
from django.utils import timezone

from batteries.models import Battery, Channel
from batteries.services.packs import PackInput, packs_register
from common.identifiers import make_vin
from tests.batteries.builders import code_for, pack_create, producer_create, record
from tests.factories import enterprise_create, user_of

VIN = make_vin("LDC12345", "R0000001")


@pytest.fixture
def parties(db):
    """A producer (Fujian, code T01), a vehicle maker, a dismantler, a utilizer, a repairer."""
    return SimpleNamespace(
        producer=producer_create(),
        maker=enterprise_create(
            name="乙汽车有限公司", division="440307", roles=["vehicle_producer"]
        ),
        dismantler=enterprise_create(
            name="丙拆解有限公司", division="320506", roles=["dismantler"]
        ),
        utilizer=enterprise_create(
            name="丁综合利用有限公司", division="430181", roles=["utilizer"]
        ),
        repair=enterprise_create(name="戊维修有限公司", division="310115", roles=["repair_shop"]),
    )


@pytest.fixture
def users(parties):
    """One operator per party, and regulators."""
    return SimpleNamespace(
        producer=user_of("enterprise_operator", enterprise=parties.producer),
        maker=user_of("enterprise_operator", enterprise=parties.maker),
        dismantler=user_of("enterprise_operator", enterprise=parties.dismantler),
        utilizer=user_of("enterprise_admin", enterprise=parties.utilizer),
        repair=user_of("enterprise_operator", enterprise=parties.repair),
        national=user_of("national"),
        fujian=user_of("provincial", province="35"),
        jiangsu=user_of("provincial", province="32"),
    )


@pytest.fixture
def pack(parties) -> Battery:
    return pack_create(parties.producer)


def steps_to(stage: str, parties) -> list[tuple]:
    """Return the (kind, reporter, fields) steps that drive a fresh pack to `stage`."""
    steps = [
        ("produce", parties.producer, {}),
        ("deliver", parties.producer, {"counterparty_uscc": parties.maker.uscc}),
        ("install", parties.maker, {"vin": VIN}),
        ("sell", parties.maker, {}),
        ("scrap_vehicle", parties.dismantler, {"vin": VIN, "document_ref": "BF-2026-0001"}),
        ("dismantle", parties.dismantler, {}),
        ("handover", parties.dismantler, {"counterparty_uscc": parties.utilizer.uscc}),
        ("receipt_confirm", parties.utilizer, {}),
    ]
    kinds = [kind for kind, _, _ in steps]
    return steps[: kinds.index(stage) + 1]


def drive(pack: Battery, stage: str, parties) -> Battery:
    """Record the events up to `stage`, a minute apart within the last hour."""
    for minute, (kind, reporter, fields) in enumerate(steps_to(stage, parties)):
        result = record(pack, kind, reporter, minutes=minute, **fields)
        assert result.ok, (kind, result.errors)
    pack.refresh_from_db()
    return pack


def packs_bulk(producer, count: int) -> list[Battery]:
    """Register `count` packs in one batch and return them, oldest first."""
    result = packs_register(
        items=[PackInput(code=code_for("T01")) for _ in range(count)],
        reporter=producer,
        channel=Channel.WEB,
    )
    assert result.ok, result.errors
    return sorted(result.created, key=lambda b: b.pk)


def now_local() -> str:
    """Return now in Asia/Shanghai as a datetime-local input value."""
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")
