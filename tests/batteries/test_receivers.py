"""Who may receive a used pack, as the reporter's counterparty check decides it (real rows).

Order No. 73: a comprehensive-utilization enterprise, or a producer's recycling service outlet
that is operating. `counterparty_lookup` (the form's check) and the recording path (a handover
to anyone else is recorded with a warning for enforcement) read the outlets;
`rules.receiver_is_qualified` decides.
"""

import pytest

from batteries.selectors import counterparty_lookup
from common.identifiers import make_vin
from enterprises.models import Enterprise, Outlet
from tests.batteries.builders import outlet_create, pack_create, producer_create, record
from tests.factories import enterprise_create

pytestmark = pytest.mark.django_db


def qualified(enterprise) -> bool:
    found = counterparty_lookup(uscc=enterprise.uscc)
    assert found is not None and found.enterprise == enterprise
    return found.receiver_qualified


def test_a_utilizer_qualifies_without_any_outlet():
    utilizer = enterprise_create(name="丁综合利用", division="430181", roles=["utilizer"])
    assert qualified(utilizer) is True


@pytest.mark.parametrize("role", ["battery_producer", "vehicle_producer"])
def test_a_producer_with_an_operating_outlet_qualifies(role):
    producer = enterprise_create(name="甲生产", roles=[role])
    outlet_create(producer)
    assert qualified(producer) is True


@pytest.mark.parametrize("role", ["battery_producer", "vehicle_producer", "vehicle_importer"])
def test_a_producer_without_any_outlet_does_not_qualify(role):
    producer = enterprise_create(name="甲生产", roles=[role])
    assert qualified(producer) is False


def test_a_producer_whose_only_outlet_is_closed_does_not_qualify():
    producer = enterprise_create(name="甲生产", roles=["battery_producer"])
    outlet = outlet_create(producer)
    outlet.status = Outlet.Status.CLOSED
    outlet.save()
    assert qualified(producer) is False
    outlet_create(producer, division="350102")  # a second one, operating
    assert qualified(producer) is True


def test_an_enterprise_operating_an_outlet_for_a_producer_qualifies():
    producer = enterprise_create(name="甲生产", roles=["vehicle_producer"])
    operator = enterprise_create(name="庚网点运营", division="320506", roles=["outlet_operator"])
    outlet = outlet_create(producer)
    outlet.operator = operator
    outlet.save()
    assert qualified(operator) is True
    outlet.status = Outlet.Status.CLOSED
    outlet.save()
    assert qualified(operator) is False


def test_another_enterprises_outlet_does_not_qualify_a_repair_shop():
    repair = enterprise_create(name="戊维修", division="310115", roles=["repair_shop"])
    outlet_create(enterprise_create(name="甲生产", roles=["battery_producer"]))
    assert qualified(repair) is False


def test_the_lookup_names_the_roles_and_reads_a_typed_uscc():
    maker = enterprise_create(name="乙汽车", division="440307", roles=["vehicle_producer"])
    found = counterparty_lookup(uscc=f" {maker.uscc.lower()} ")
    assert found.enterprise == maker and found.role_labels == ["汽车生产企业"]
    assert found.vehicle_maker is True and found.receiver_qualified is False


def test_an_unknown_or_unapproved_enterprise_is_not_found():
    pending = enterprise_create(name="己待审", roles=["utilizer"], status=Enterprise.Status.PENDING)
    assert counterparty_lookup(uscc=pending.uscc) is None
    assert counterparty_lookup(uscc="91350900587527783P") is None


# --- The same decision on the recording path (batteries.services: events of every channel) --


def scrapped_pack(dismantler):
    """A pack dismantled by `dismantler`, ready to be handed over."""
    producer = producer_create(name="甲电池", mfr="R01")
    maker = enterprise_create(name="乙汽车", division="440307", roles=["vehicle_producer"])
    pack, vin = pack_create(producer, mfr="R01"), make_vin("LDC12345", "R0000101")
    steps = [
        ("produce", producer, {}),
        ("deliver", producer, {"counterparty_uscc": maker.uscc}),
        ("install", maker, {"vin": vin}),
        ("sell", maker, {}),
        ("scrap_vehicle", dismantler, {"vin": vin, "document_ref": "BF-2026-0101"}),
        ("dismantle", dismantler, {}),
    ]
    for minute, (kind, reporter, fields) in enumerate(steps):
        assert record(pack, kind, reporter, minutes=minute, **fields).ok, kind
    return pack


def handover_warnings(receiver) -> list[str]:
    dismantler = enterprise_create(name="丙拆解", division="320506", roles=["dismantler"])
    pack = scrapped_pack(dismantler)
    result = record(pack, "handover", dismantler, minutes=10, counterparty_uscc=receiver.uscc)
    assert result.ok, result.errors  # recorded either way; enforcement examines the warning
    return [warning.code for warning in result.warnings]


def test_a_handover_to_a_producer_whose_only_outlet_is_closed_is_flagged():
    producer = enterprise_create(name="庚电池", division="350102", roles=["battery_producer"])
    outlet = outlet_create(producer)
    outlet.status = Outlet.Status.CLOSED
    outlet.save()
    assert handover_warnings(producer) == ["event.receiver_unqualified"]


def test_a_handover_to_a_producer_without_an_outlet_is_flagged():
    producer = enterprise_create(name="庚汽车", division="440307", roles=["vehicle_producer"])
    assert handover_warnings(producer) == ["event.receiver_unqualified"]


def test_a_handover_to_a_producer_with_an_operating_outlet_is_not_flagged():
    producer = enterprise_create(name="庚电池", division="350102", roles=["battery_producer"])
    outlet_create(producer)
    assert handover_warnings(producer) == []
