"""The lists behind a figure: where a bar, a point or a table row leads.

Every link carries the dashboard's filter (months, role) and the province of the scope: a
provincial regulator's links keep its province, a national one's the province chosen or
the bar's own. The lists scope their rows themselves; the parameters only narrow them.
"""

import datetime as dt
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

from enterprises.scoping import Scope
from stats.selectors import StatsFilter


def _month(day: dt.date) -> str:
    return day.strftime("%Y-%m")


def _with(path: str, params: dict) -> str:
    query = urlencode({k: v for k, v in params.items() if v})
    return f"{path}?{query}" if query else path


def url_or_none(name: str, **kwargs) -> str | None:
    """Return the address of a named page, or None while that page is not built."""
    try:
        return reverse(name, **kwargs)
    except NoReverseMatch:
        return None


@dataclass(frozen=True)
class Links:
    scope: Scope
    f: StatsFilter
    uscc: str = ""  # an enterprise user's own: its figures are the events it reported
    regulator: bool = False

    @property
    def province(self) -> str:
        return self.scope.province or self.f.province

    def packs(self, flow: str, *, month: dt.date | None = None, province: str = "", **more) -> str:
        """The packs with an event of the flow in the month (or the period)."""
        params = {
            "flow": flow,
            "month_from": _month(month or self.f.month_from),
            "month_to": _month(month or self.f.month_to),
            "province": self.scope.province or province or self.f.province,
            "role": self.f.role,
            "reporter": self.uscc,
            **more,
        }
        return (
            f"{reverse('batteries:pack_list')}?{urlencode({k: v for k, v in params.items() if v})}"
        )

    def cases(self, **params) -> str:
        """The cases of every status (queue "all"), narrowed by the parameters."""
        params = {"queue": "all", "province": self.province, **params}
        return _with(reverse("enforcement:case_list"), params)

    def enterprises(self, *, province: str = "", role: str = "") -> str | None:
        """The registry (regulators only), narrowed to a province and role."""
        if not self.regulator:
            return None
        params = {"province": self.scope.province or province, "role": role or self.f.role}
        return _with(reverse("enterprises:enterprise_list"), params)
