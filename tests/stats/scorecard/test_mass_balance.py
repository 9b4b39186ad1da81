"""The mass balance by identity of a comprehensive-utilization enterprise, counted by hand."""

import pytest

from stats.scorecard.models import ScorecardSnapshot
from stats.scorecard.services import snapshot_build
from tests.stats.scorecard.builders import OCTOBER, mass_balance_world

pytestmark = pytest.mark.django_db


def test_in_minus_out_minus_processed_is_the_stock_the_registry_holds():
    p, u = mass_balance_world()
    snapshot_build(month=OCTOBER)
    balance = ScorecardSnapshot.objects.get(enterprise=u, month=OCTOBER).figures["balance"]
    assert {k: balance[k] for k in ("in_received", "in_other", "packs_in")} == {
        "in_received": 4,
        "in_other": 1,
        "packs_in": 5,
    }
    assert balance["packs_out"] == 1
    assert balance["out_handed_over"] == 1
    assert balance["processed"] == 2
    assert balance["stock"] == 2
    assert balance["held"] == 2
    assert balance["difference"] == 0


def test_the_receiving_utilizer_counts_the_pack_handed_over_to_it():
    p, u = mass_balance_world()
    snapshot_build(month=OCTOBER)
    balance = ScorecardSnapshot.objects.get(enterprise=p.utilizer, month=OCTOBER).figures["balance"]
    assert (balance["packs_in"], balance["packs_out"], balance["processed"]) == (1, 0, 0)
    assert (balance["stock"], balance["held"]) == (1, 1)


def test_a_dismantler_has_no_mass_balance():
    p, u = mass_balance_world()
    snapshot_build(month=OCTOBER)
    figures = ScorecardSnapshot.objects.get(enterprise=p.dismantler, month=OCTOBER).figures
    assert "balance" not in figures


def test_the_card_shows_the_mass_balance_table():
    from django.test import Client
    from django.urls import reverse

    from tests.enforcement.builders import page_text
    from tests.factories import user_of

    p, u = mass_balance_world()
    snapshot_build(month=OCTOBER)
    client = Client()
    client.force_login(user_of("national"))
    text = page_text(client.get(reverse("stats_scorecard:card", args=[u.pk]) + "?month=2026-10"))
    assert "移入合计 5" in text
    assert "移出合计 1" in text
    assert "已处理（再生利用、梯次利用） 2" in text
    assert "计算库存 = 移入 − 移出 − 已处理 2" in text
    assert "平台登记持有数 2" in text
