"""Scenarios for the scans: real enterprises, packs and events through the real services.

Every event is recorded with an explicit occurred and reported time, so a scenario can sit
anywhere in 2026 around a deadline; the scans then judge it as of a chosen day.
"""

import datetime as dt
import itertools
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from batteries.models import Battery, Channel
from batteries.services.events import EventInput, events_record
from batteries.services.packs import PackInput, packs_register
from common.battery_code import make_battery_code
from common.identifiers import make_vin
from enforcement.scans import scan_run
from enterprises.models import ManufacturerCode, Outlet
from tests.factories import enterprise_create

BEIJING = ZoneInfo("Asia/Shanghai")
_serial = itertools.count(1)
_vin = itertools.count(1)


def at(day: str, hour: int = 10) -> dt.datetime:
    """Return a Beijing time on the day `YYYY-MM-DD`."""
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=BEIJING)


@dataclass
class Parties:
    producer: object  # battery producer, Fujian, manufacturer code S01
    maker: object  # vehicle producer, Guangdong
    dealer: object  # dealer, Hunan (sells the vehicles)
    dismantler: object  # scrapped-vehicle dismantler, Jiangsu
    utilizer: object  # comprehensive-utilization enterprise, Hunan
    repairer: object  # a repair shop: not a qualified receiver


def parties() -> Parties:
    producer = enterprise_create(name="闽电池公司", division="350902", roles=["battery_producer"])
    ManufacturerCode.objects.create(
        code="S01", enterprise=producer, registered_on=dt.date(2025, 1, 1)
    )
    return Parties(
        producer=producer,
        maker=enterprise_create(name="粤汽车公司", division="440307", roles=["vehicle_producer"]),
        dealer=enterprise_create(name="湘汽车销售公司", division="430104", roles=["dealer"]),
        dismantler=enterprise_create(name="苏拆解公司", division="320506", roles=["dismantler"]),
        utilizer=enterprise_create(name="湘循环公司", division="430181", roles=["utilizer"]),
        repairer=enterprise_create(name="浙维修公司", division="330110", roles=["repair_shop"]),
    )


def record(battery: Battery, kind: str, reporter, occurred: dt.datetime, reported=None, **fields):
    """Record one event at `occurred`, reported at `reported` (default: one hour later)."""
    result = events_record(
        items=[EventInput(code=battery.code, kind=kind, occurred_at=occurred, **fields)],
        reporter=reporter,
        channel=Channel.WEB,
        now=reported or occurred + dt.timedelta(hours=1),
    )
    assert result.ok, [(e.code, str(e.message)) for e in result.errors]
    battery.refresh_from_db()
    return result.events[0]


def sold_pack(p: Parties, *, sold: str = "2026-01-20") -> Battery:
    """Register a pack in January 2026 and drive it to sold (the dealer reports the sale)."""
    code = make_battery_code(manufacturer="S01", produced=dt.date(2026, 1, 5), serial=next(_serial))
    result = packs_register(
        items=[PackInput(code=code)], reporter=p.producer, channel=Channel.WEB, now=at("2026-01-06")
    )
    assert result.ok, result.errors
    battery = result.created[0]
    vin = make_vin("LSC12B34", f"S{next(_vin):07d}")
    record(battery, "produce", p.producer, at("2026-01-07"))
    record(battery, "deliver", p.producer, at("2026-01-08"), counterparty_uscc=p.maker.uscc)
    record(battery, "install", p.maker, at("2026-01-09"), vin=vin)
    record(battery, "sell", p.dealer, at(sold), vin=vin)  # the VIN proves the dealer sold it
    return battery


def scrapped_pack(p: Parties, *, scrapped: str, reported: str | None = None) -> Battery:
    """A sold pack whose vehicle the dismantler scrapped on `scrapped`, then dismantled."""
    battery = sold_pack(p)
    vin = battery.vehicle.vin
    record(
        battery,
        "scrap_vehicle",
        p.dismantler,
        at(scrapped),
        at(reported) if reported else None,
        vin=vin,
        document_ref=f"BF{battery.pk:08d}",
    )
    record(battery, "dismantle", p.dismantler, at(scrapped, 15))
    return battery


def outlet(owner, division: str, status: str = "active") -> Outlet:
    return Outlet.objects.create(
        owner=owner,
        name=f"{owner.name}{division}网点",
        address="地址",
        division_code=division,
        status=status,
    )


def scan(as_of: str, *rules: str) -> dict[str, list[dict]]:
    """Run the scans as of a day; return rule → findings of this run (new and known)."""
    outcomes = scan_run(
        as_of=dt.date.fromisoformat(as_of),
        rules=list(rules) or None,
        started_by="test",
        collect=True,
    )
    return {o.run.rule: o.findings for o in outcomes}


def subjects(findings: list[dict]) -> set[str]:
    return {f["subject"] for f in findings}
