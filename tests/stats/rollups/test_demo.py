"""Right after the demo seed, the statistics show at least 12 months of figures."""

import datetime as dt

from django.core.management import call_command
from django.utils import timezone

from enterprises.scoping import Scope
from stats import selectors as s


def test_the_demo_gives_every_dashboard_twelve_months_of_figures(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    today = timezone.localdate()
    f = s.StatsFilter(s.month_start(today - dt.timedelta(days=365)), s.month_start(today))
    nation = Scope(national=True)
    months = [r for r in s.monthly_flows(nation, f) if r["produced"]]
    assert len(months) >= 12
    assert sum(r["retired_scrapped"] for r in s.monthly_flows(nation, f)) >= 10
    assert any(r["rate"] for r in s.recycling_rate(nation, f))
    assert s.findings_by_rule(nation, f)
    assert s.data_as_of(nation) is not None


def test_the_demo_ranks_enterprises_for_inspection_for_the_last_six_months(db):
    from stats.scorecard.models import ScorecardSnapshot

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    last = s.month_start(s.month_start(timezone.localdate()) - dt.timedelta(days=1))
    months = sorted(set(ScorecardSnapshot.objects.values_list("month", flat=True)))
    assert len(months) == 6 and months[-1] == last
    ranked = ScorecardSnapshot.objects.filter(month=last, province="32").order_by("rank")
    assert ranked and ranked[0].score > 0 and ranked[0].reasons  # someone stands out, and why
