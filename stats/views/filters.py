"""The dashboards' filters: period (months), province (national users only), enterprise role."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.models import PROVINCE_CHOICES, Role
from enterprises.scoping import Scope
from stats.selectors import StatsFilter

ALL = _("全部")
MONTHS_SHOWN = 12  # the default period: the last 12 months, this one included
MONTHS_MAX = 120


def month_shift(month: dt.date, months: int) -> dt.date:
    """Return the first day of the month `months` after (or before) `month`."""
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """Return the first days of every month from `first` to `last`, both included."""
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    return [month_shift(first, n) for n in range(max(count, 0))]


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    this_month = (today or timezone.localdate()).replace(day=1)
    return month_shift(this_month, -(MONTHS_SHOWN - 1)), this_month


class MonthField(forms.DateField):
    """A month typed as YYYY-MM (the browser's month input), kept as its first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m"]


class DashboardFilterForm(forms.Form):
    month_from = MonthField(label=_("起始月份"), required=False)
    month_to = MonthField(label=_("截止月份"), required=False)
    province = forms.ChoiceField(
        label=_("省份"), required=False, choices=[("", ALL), *PROVINCE_CHOICES]
    )
    role = forms.ChoiceField(
        label=_("企业类型"), required=False, choices=[("", ALL), *Role.choices]
    )

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        if not scope.national:
            del self.fields["province"]
        if scope.enterprise_id:  # its own figures: no role to choose
            del self.fields["role"]

    def clean(self):
        data = super().clean()
        first, last = default_period()
        data["month_from"] = data.get("month_from") or first
        data["month_to"] = data.get("month_to") or last
        if data["month_from"] > data["month_to"]:
            self.add_error("month_to", _("截止月份不能早于起始月份。"))
        elif len(months_between(data["month_from"], data["month_to"])) > MONTHS_MAX:
            self.add_error("month_from", _("统计期间最长 %(n)s 个月。") % {"n": MONTHS_MAX})
        return data


def stats_filter(form: DashboardFilterForm) -> StatsFilter:
    """Return the selectors' filter for a form (the default period when it is invalid)."""
    data = form.cleaned_data if form.is_valid() else {}
    first, last = default_period()
    return StatsFilter(
        month_from=data.get("month_from") or first,
        month_to=data.get("month_to") or last,
        province=data.get("province", ""),
        role=data.get("role", ""),
    )


def filter_params(f: StatsFilter) -> list[tuple[str, str]]:
    """Return the filter as query parameters (for exports and the page's own links)."""
    params = [
        ("month_from", f.month_from.strftime("%Y-%m")),
        ("month_to", f.month_to.strftime("%Y-%m")),
    ]
    params += [(k, v) for k, v in (("province", f.province), ("role", f.role)) if v]
    return params
