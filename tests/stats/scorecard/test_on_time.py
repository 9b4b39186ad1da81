"""On-time reporting in the snapshot: the deadline row in force and the working-day calendar."""

import datetime as dt

import pytest

from stats.scorecard.models import ScorecardSnapshot
from stats.scorecard.services import snapshot_build
from tests.enforcement import scenario
from tests.enforcement.scenario import scrapped_pack

pytestmark = pytest.mark.django_db
NOVEMBER = dt.date(2026, 11, 1)


def test_late_scrap_reports_lower_the_rate_and_add_the_reason():
    """A dismantler reports a scrapped vehicle within 15 working days (2018 provisions
    art. 13, carried into Order No. 73). Scrapped on Monday 2026-11-02, the last day allowed
    is 2026-11-23; five scrappings, two of them reported on 2026-11-30: 3 of 5 on time,
    60 %, below 90 %: +30. The dismantling events have no reporting deadline."""
    p = scenario.parties()
    for _ in range(3):
        scrapped_pack(p, scrapped="2026-11-02")
    for _ in range(2):
        scrapped_pack(p, scrapped="2026-11-02", reported="2026-11-30")
    snapshot_build(month=NOVEMBER)
    row = ScorecardSnapshot.objects.get(enterprise=p.dismantler, month=NOVEMBER)
    assert (row.figures["reports"], row.figures["on_time"]) == (5, 3)
    assert row.reasons[0] == {
        "code": "on_time_rate",
        "points": 30,
        "rate": 60.0,
        "target": 90,
        "reports": 5,
    }


def test_reports_of_another_month_do_not_count():
    p = scenario.parties()
    scrapped_pack(p, scrapped="2026-10-02", reported="2026-10-30")  # late, but in October
    snapshot_build(month=NOVEMBER)
    row = ScorecardSnapshot.objects.get(enterprise=p.dismantler, month=NOVEMBER)
    assert row.figures.get("reports", 0) == 0
    assert row.score == 0
