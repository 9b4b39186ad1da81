"""The demo data: real services, every stage of life, safe to load twice."""

import pytest

from batteries import demo
from batteries.models import Battery, Handover, LifecycleEvent
from batteries.services.chain import chain_verify
from enterprises import demo as enterprises_demo

pytestmark = pytest.mark.django_db


def test_the_demo_packs_cover_the_lifecycle_and_load_only_once(capsys):
    enterprises_demo.seed()
    assert demo.seed() == []
    packs = Battery.objects.filter(
        manufacturer_code=demo.MANUFACTURER, product_type="P", original__isnull=True
    )
    assert packs.count() == demo.PACKS
    # The repurposed pack got its new 19-character code, linked to the original.
    assert Battery.objects.filter(original__in=packs).count() == 1
    states = set(packs.values_list("state", flat=True))
    assert {"registered", "sold", "in_swap_pool", "removed", "handed_over", "recycled"} <= states
    assert {"repurposed", "vehicle_scrapped", "dismantled", "received", "produced"} <= states
    assert set(Handover.objects.values_list("status", flat=True)) == {
        "open",
        "confirmed",
        "disputed",
    }
    assert LifecycleEvent.objects.filter(kind="void").count() == 1
    assert all(chain_verify(pack).ok for pack in packs)
    assert not any(pack.code[16] in "UVWXY0" for pack in Battery.objects.all()), (
        "demo codes avoid the disputed day letters"
    )
    events = LifecycleEvent.objects.count()
    demo.seed()
    assert LifecycleEvent.objects.count() == events
    assert "演示电池包" in capsys.readouterr().out
