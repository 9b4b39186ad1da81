"""The list pages' filters: the shared FilterSets plus what people need on a page.

The pages name their empty choices (全部状态 …) on filters of their own, declared once on the
class. Changing the copies a FilterSet instance holds would not do: a copy carries the form
field its base filter may already have built (the API schema builds every field of the
shared FilterSets), and that field keeps Django's "---------" whatever `extra` says after.
"""

import copy
import datetime as dt
from zoneinfo import ZoneInfo

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from batteries.filters import BatteryFilterSet, ScrappedVehicleFilterSet
from batteries.models import EventKind, LifecycleEvent
from common.identifiers import normalize_identifier, normalize_uscc
from enterprises.models import PROVINCE_CHOICES, Role

# Filters of the shared FilterSet the page does not show: the search box covers the VIN.
HIDDEN = ("vin", "manufacturer_uscc", "production_date")


def with_empty_label(base: django_filters.Filter, label) -> django_filters.Filter:
    """Return a fresh copy of a declared filter whose empty choice reads `label`."""
    own = copy.deepcopy(base)
    own.__dict__.pop("_field", None)  # a field built before would keep the old label
    own.extra["empty_label"] = label
    return own


_BATTERY = BatteryFilterSet.declared_filters
_SCRAPPED = ScrappedVehicleFilterSet.declared_filters


# The statistics' flows (stats/definitions.py) → the event kinds behind them: a dashboard's
# bar or point opens the packs with such an event in the period (dashboards, issue #10).
FLOW_KINDS = {
    "produced": [EventKind.PRODUCE],
    "installed": [EventKind.INSTALL],
    "retired": [EventKind.SCRAP_VEHICLE, EventKind.REMOVE_FOR_REPAIR],
    "retired_scrapped": [EventKind.SCRAP_VEHICLE],
    "retired_repair": [EventKind.REMOVE_FOR_REPAIR],
    "handed_over": [EventKind.HANDOVER],
    "received": [EventKind.RECEIPT_CONFIRM],
    "recycled": [EventKind.RECYCLE],
    "repurposed": [EventKind.REPURPOSE],
}
FLOW_LABELS = {
    "produced": _("生产"),
    "installed": _("装车"),
    "retired": _("退役（报废或维修更换）"),
    "retired_scrapped": _("车辆报废退役"),
    "retired_repair": _("维修更换退役"),
    "handed_over": _("移交"),
    "received": _("接收入库"),
    "recycled": _("再生利用"),
    "repurposed": _("梯次利用"),
}
MONTH = forms.DateInput(format="%Y-%m")


def _month_start(value: dt.date) -> dt.datetime:
    return dt.datetime(value.year, value.month, 1, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _next_month(value: dt.date) -> dt.datetime:
    start = _month_start(value)
    return start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)


class _MonthField(forms.DateField):
    """A month typed as YYYY-MM (the first day of it)."""

    input_formats = ["%Y-%m"]
    widget = forms.HiddenInput


class _MonthFilter(django_filters.Filter):
    field_class = _MonthField


class PackListFilterSet(BatteryFilterSet):
    q = django_filters.CharFilter(method="search", label=_("电池编码或VIN"), max_length=40)
    state = with_empty_label(_BATTERY["state"], _("全部状态"))
    chemistry = with_empty_label(_BATTERY["chemistry"], _("全部类型"))
    product_type = with_empty_label(_BATTERY["product_type"], _("全部"))
    holder_province = with_empty_label(_BATTERY["holder_province"], _("全部省份"))
    # Hidden filters the statistics link to (a dashboard's bar or table row): the packs with
    # a (not voided) event of the flow in the months, reported by an enterprise of the province
    # (and role, or the one enterprise: an enterprise's own figures are what it reported).
    flow = django_filters.ChoiceFilter(
        choices=list(FLOW_LABELS.items()), method="filter_flow", widget=forms.HiddenInput
    )
    month_from = _MonthFilter(method="filter_flow")
    month_to = _MonthFilter(method="filter_flow")
    province = django_filters.ChoiceFilter(
        choices=PROVINCE_CHOICES, method="filter_flow", widget=forms.HiddenInput
    )
    role = django_filters.ChoiceFilter(
        choices=Role.choices, method="filter_flow", widget=forms.HiddenInput
    )
    reporter = django_filters.CharFilter(
        method="filter_flow", max_length=18, widget=forms.HiddenInput
    )

    def __init__(self, *args, show_province: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for name in HIDDEN + (() if show_province else ("holder_province",)):
            self.filters.pop(name, None)
        self.filters = {"q": self.filters.pop("q"), **self.filters}

    def filter_flow(self, queryset, name, value):
        """Narrow to the packs with an event of the flow (all four parameters at once)."""
        if name != "flow":  # the months and the province only qualify a flow
            return queryset
        data = self.form.cleaned_data
        events = LifecycleEvent.objects.filter(
            battery_id=OuterRef("pk"), kind__in=FLOW_KINDS[value], voided_by__isnull=True
        )
        if data.get("month_from"):
            events = events.filter(occurred_at__gte=_month_start(data["month_from"]))
        if data.get("month_to"):
            events = events.filter(occurred_at__lt=_next_month(data["month_to"]))
        if data.get("province"):
            events = events.filter(reporter__province=data["province"])
        if data.get("role"):
            events = events.filter(reporter__roles__contains=[data["role"]])
        if data.get("reporter"):
            events = events.filter(reporter__uscc=normalize_uscc(data["reporter"]))
        return queryset.filter(Exists(events))

    def flow_summary(self) -> str:
        """Describe the statistics filter in words (shown above the list), or ''."""
        if not self.form.is_valid() or not self.form.cleaned_data.get("flow"):
            return ""
        data = self.form.cleaned_data
        parts = [str(FLOW_LABELS[data["flow"]])]
        months = [d.strftime("%Y-%m") for d in (data.get("month_from"), data.get("month_to")) if d]
        if months:
            parts.append(" – ".join(dict.fromkeys(months)))
        if data.get("province"):
            parts.append(str(dict(PROVINCE_CHOICES)[data["province"]]))
        if data.get("role"):
            parts.append(str(Role(data["role"]).label))
        return " · ".join(parts)

    def search(self, queryset, name, value):
        """Match a full VIN or code exactly, or a code prefix (all index-friendly)."""
        term = normalize_identifier(value)
        if len(term) == 17:  # a VIN: battery codes have 19 or 24 characters
            return queryset.filter(vehicle__vin=term)
        if len(term) in {19, 24}:
            return queryset.filter(code=term)
        return queryset.filter(code__startswith=term) if term else queryset


class ScrapListFilterSet(ScrappedVehicleFilterSet):
    pack_status = with_empty_label(_SCRAPPED["pack_status"], _("全部"))
