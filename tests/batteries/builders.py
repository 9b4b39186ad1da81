"""Builders for digital-identity tests: real enterprises, packs and events via the services."""

import datetime as dt
import itertools

from django.utils import timezone

from batteries.models import Channel
from batteries.services.events import EventInput, events_record
from batteries.services.packs import PackInput, packs_register
from common.battery_code import make_battery_code
from enterprises.models import ManufacturerCode, Outlet
from tests.factories import enterprise_create

_serial = itertools.count(1)


def producer_create(*, name="甲电池有限公司", division="350902", mfr="T01", seed=None):
    producer = enterprise_create(
        name=name, division=division, seed=seed, roles=["battery_producer"]
    )
    ManufacturerCode.objects.create(
        code=mfr, enterprise=producer, registered_on=dt.date(2026, 1, 1)
    )
    return producer


def code_for(mfr: str, *, serial: int | None = None, product_type="P", produced=None) -> str:
    return make_battery_code(
        manufacturer=mfr,
        product_type=product_type,
        produced=produced or dt.date(2026, 3, 15),
        serial=serial or next(_serial),
    )


def pack_create(producer, mfr="T01", **kwargs):
    """Register one pack for the producer and return it."""
    result = packs_register(
        items=[PackInput(code=code_for(mfr, **kwargs))], reporter=producer, channel=Channel.WEB
    )
    assert result.ok, result.errors
    return result.created[0]


def record(battery, kind: str, reporter, *, minutes: int = 0, **fields):
    """Record one event; return the result (assert .ok yourself when expecting success)."""
    occurred = fields.pop("occurred_at", None) or timezone.now() - dt.timedelta(
        hours=1
    ) + dt.timedelta(minutes=minutes)
    item = EventInput(code=battery.code, kind=kind, occurred_at=occurred, **fields)
    return events_record(items=[item], reporter=reporter, channel=Channel.WEB)


def outlet_create(owner, division="320506"):
    return Outlet.objects.create(
        owner=owner, name=f"{owner.name}网点", address="网点地址", division_code=division
    )
