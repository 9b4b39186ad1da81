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
