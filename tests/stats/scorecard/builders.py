"""A hand-built month for the scorecard tests: real packs and events through the services."""

import datetime as dt

from batteries.services.corrections import event_void
from tests.enforcement import scenario
from tests.enforcement.scenario import at, record, scrapped_pack, sold_pack
from tests.factories import enterprise_create


def handed_to(p, receiver, *, day: str):
    """A pack the dismantler scrapped, dismantled and handed over to `receiver` on `day`."""
    battery = scrapped_pack(p, scrapped="2026-10-05")
    record(battery, "handover", p.dismantler, at(day), counterparty_uscc=receiver.uscc)
    return battery


def void(event, reporter, *, day: str):
    event_void(
        event=event,
        reporter=reporter,
        reason="误报",
        channel="web",
        now=at(day, 16),
    )


def mass_balance_world():
    """The utilizer U (also a repair shop, Hunan) and what reached it in October 2026.

    - 4 packs handed over to U and confirmed: in (received) 4;
    - 1 sold pack U took out for repair: in (other) 1; U handed it over to the utilizer V,
      who confirmed: out 1;
    - 1 pack handed over to U and disputed by U: not in (it stays with the dismantler);
    - 1 pack handed over to U, confirmed, then the receipt voided: not in;
    - U recycled 2 of its 4 received packs, and a third whose recycling it then voided:
      processed 2.
    Stock by identity 5 − 1 − 2 = 2; the registry holds 2 received packs at U.
    """
    p = scenario.parties()
    u = enterprise_create(
        name="湘综合利用维修公司", division="430102", roles=["utilizer", "repair_shop"]
    )
    received = []
    for n in range(4):
        battery = handed_to(p, u, day="2026-10-10")
        record(battery, "receipt_confirm", u, at("2026-10-12", 9 + n))
        received.append(battery)
    repaired = sold_pack(p)
    record(repaired, "remove_for_repair", u, at("2026-10-13"), vin=repaired.vehicle.vin)
    record(repaired, "handover", u, at("2026-10-14"), counterparty_uscc=p.utilizer.uscc)
    record(repaired, "receipt_confirm", p.utilizer, at("2026-10-15"))
    disputed = handed_to(p, u, day="2026-10-10")
    record(disputed, "receipt_dispute", u, at("2026-10-12"), details={"reason": "数量不符"})
    voided = handed_to(p, u, day="2026-10-10")
    receipt = record(voided, "receipt_confirm", u, at("2026-10-12"))
    void(receipt, u, day="2026-10-12")
    record(received[0], "recycle", u, at("2026-10-20"))
    record(received[1], "recycle", u, at("2026-10-21"))
    wrong = record(received[2], "recycle", u, at("2026-10-22"))
    void(wrong, u, day="2026-10-22")
    return p, u


OCTOBER = dt.date(2026, 10, 1)
