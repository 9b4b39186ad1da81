"""The home page as a work page: what waits for the user, and a few headline figures.

Counts only, on indexed columns, scoped like the lists they open: the review queue
(enterprise status by province), the desk's queues (one aggregate over the scope's cases,
enforcement.selectors.desk_counts), the handover inbox (receiver × status) and the
enterprise's recent imports. Figures come from the rollups (stats.selectors).
"""

import datetime as dt
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from batteries.imports.selectors import import_problems
from batteries.selectors import handover_inbox
from enforcement import selectors as desk
from enterprises.models import Enterprise
from enterprises.scoping import scope_of
from stats import selectors
from stats.views.filters import default_period

IMPORT_DAYS = 30  # import problems of the last 30 days


def _cases(queue: str) -> str:
    return f"{reverse('enforcement:case_list')}?{urlencode({'queue': queue})}"


def _item(label, count: int, url: str) -> dict:
    return {"label": label, "count": count, "url": url}


def regulator_items(user) -> list[dict]:
    pending = Enterprise.objects.scoped_for(user).filter(status=Enterprise.Status.PENDING)
    queues, ladder, _totals = desk.desk_counts(user=user)
    return [
        _item(_("待审核的企业申请"), pending.count(), reverse("enterprises:review_list")),
        _item(_("新发现的案件"), queues[desk.NEW], _cases(desk.NEW)),
        _item(_("分配给我的案件"), queues[desk.MINE], _cases(desk.MINE)),
        _item(_("待审查的整改材料"), ladder[desk.TO_REVIEW], _cases(desk.TO_REVIEW)),
        _item(_("逾期未改正待处理"), ladder[desk.OVERDUE], _cases(desk.OVERDUE)),
        _item(_("申辩期满待决定"), ladder[desk.DEFENCE_ENDED], _cases(desk.DEFENCE_ENDED)),
    ]


def enterprise_items(user) -> list[dict]:
    queues, ladder, _totals = desk.desk_counts(user=user)
    since = timezone.now() - dt.timedelta(days=IMPORT_DAYS)
    problems = import_problems(user=user, since=since)
    return [
        _item(
            _("待我确认的移交"),
            handover_inbox(user=user).count(),
            reverse("batteries:handover_inbox"),
        ),
        _item(_("待本企业办理的案件"), ladder[desk.TODO], _cases(desk.TODO)),
        _item(_("未办结的案件"), queues[desk.OPEN_ALL], _cases(desk.OPEN_ALL)),
        _item(_("近 30 天有错误的导入"), problems.count(), reverse("batteries:import_list")),
    ]


def work_items(user) -> list[dict]:
    """Return the user's to-do counts with the lists they open (none before approval)."""
    if user.is_regulator:
        return regulator_items(user)
    enterprise = user.enterprise
    if enterprise is None or not enterprise.is_approved:
        return []
    return enterprise_items(user)


def headline(user) -> dict | None:
    """Return the few headline figures of the last 12 months for the user's scope."""
    scope = scope_of(user)
    if scope.empty or (scope.enterprise_id and not user.enterprise.is_approved):
        return None
    first, last = default_period()
    f = selectors.StatsFilter(month_from=first, month_to=last)
    flows = selectors.monthly_flows(scope, f)
    rate = selectors.recycling_rate_total(scope, f)["rate"]
    findings = selectors.findings_by_rule(scope, f)
    dashboard = reverse("stats:dashboard")
    as_of = selectors.data_as_of(scope)
    return {
        "data_as_of": timezone.localtime(as_of) if as_of else None,
        "figures": [
            _figure(_("生产电池包"), sum(r["produced"] for r in flows), f"{dashboard}#flows"),
            _figure(
                _("退役电池包"),
                sum(r["retired_scrapped"] + r["retired_repair"] for r in flows),
                f"{dashboard}#flows",
            ),
            _figure(
                _("规范回收率"),
                "—" if rate is None else f"{round(rate * 100, 1)}%",
                f"{dashboard}#recycling",
            ),
            _figure(_("未纠正线索"), sum(r["open"] for r in findings), f"{dashboard}#findings"),
        ],
    }


def _figure(label, value, url: str) -> dict:
    return {"label": label, "value": value, "url": url}
