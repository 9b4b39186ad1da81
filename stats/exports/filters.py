"""The filters an export accepts: the statistics' period/province/role, or a list's own.

Every filter only narrows a queryset or a figure that is already scoped to the requester
(a provincial regulator asking for another province gets nothing, never more). A
parameter a table does not know is an error, not silently dropped: an export that ignored
a filter would look filtered and hold the wrong rows.
"""

import datetime as dt

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from batteries.filters import BatteryFilterSet
from batteries.web.filters import PackListFilterSet
from enforcement.forms import CaseFilterForm
from enforcement.models import Case, Finding, Rule
from enforcement.selectors import ALL as ALL_CASES
from enforcement.selectors import case_ladder_queues, case_list, case_queues
from enterprises.models import PROVINCE_CHOICES, Enterprise, Role
from stats.selectors import StatsFilter

MAX_MONTHS = 120  # ten years of months in one export


class MonthField(forms.CharField):
    """A month typed as YYYY-MM, cleaned to the first day of that month."""

    default_error_messages = {"invalid": _("月份应按 YYYY-MM 填写，例如 2026-04。")}

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            year, month = value.split("-")
            return dt.date(int(year), int(month), 1)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


def month_end(first: dt.date) -> dt.date:
    """Return the last day of the month that starts on `first`."""
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def months_back(today: dt.date, count: int) -> dt.date:
    """Return the first day of the month `count - 1` months before today's."""
    index = today.year * 12 + today.month - 1 - (count - 1)
    return dt.date(index // 12, index % 12 + 1, 1)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    months, index = [], first.year * 12 + first.month - 1
    while dt.date(index // 12, index % 12 + 1, 1) <= last:
        months.append(dt.date(index // 12, index % 12 + 1, 1))
        index += 1
    return months


class FiguresForm(forms.Form):
    """The statistics filter (stats.selectors.StatsFilter); the last 12 months by default."""

    month_from = MonthField(required=False, label=_("起始月份"))
    month_to = MonthField(required=False, label=_("截止月份"))
    province = forms.ChoiceField(required=False, choices=PROVINCE_CHOICES, label=_("省份"))
    role = forms.ChoiceField(required=False, choices=Role.choices, label=_("企业类型"))
    enterprise_id = forms.IntegerField(required=False, min_value=1, label=_("企业"))

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        data["month_to"] = data.get("month_to") or today.replace(day=1)
        data["month_from"] = data.get("month_from") or months_back(data["month_to"], 12)
        if data["month_from"] > data["month_to"]:
            raise forms.ValidationError(_("起始月份不能晚于截止月份。"))
        if len(months_between(data["month_from"], data["month_to"])) > MAX_MONTHS:
            raise forms.ValidationError(_("一次最多导出 120 个月。"))
        return data

    def stats_filter(self) -> StatsFilter:
        data = self.cleaned_data
        return StatsFilter(
            month_from=data["month_from"],
            month_to=data["month_to"],
            province=data.get("province") or "",
            role=data.get("role") or "",
            enterprise_id=data.get("enterprise_id"),
        )


class _MonthFilter(django_filters.Filter):
    """`month_from` / `month_to` on a date or time field: from the first / to the last day."""

    field_class = MonthField

    def __init__(self, *args, end: bool = False, **kwargs):
        self.end = end
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        if self.end:
            return qs.filter(**{f"{self.field_name}__lte": month_end(value)})
        return qs.filter(**{f"{self.field_name}__gte": value})


class PackExportFilterSet(BatteryFilterSet):
    """The pack list's filters, plus the period (production date), province and role (of
    the holder)."""

    month_from = _MonthFilter(field_name="production_date", label=_("起始月份"))
    month_to = _MonthFilter(field_name="production_date", label=_("截止月份"), end=True)
    province = django_filters.ChoiceFilter(
        field_name="holder__province", choices=PROVINCE_CHOICES, label=_("省份")
    )
    role = django_filters.ChoiceFilter(
        field_name="holder__roles", choices=Role.choices, label=_("持有企业类型"),
        method="roles_contain",
    )  # fmt: skip

    def roles_contain(self, queryset, name, value):
        return queryset.filter(**{f"{name}__contains": [value]})


class PackListExportFilterSet(PackListFilterSet):
    """The pack list page's own filters with their meaning there (the statistics' flow:
    event kind × month × reporter), so "export this list" holds exactly the rows it shows.
    The province filter is offered to everyone: the queryset is already scoped."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, show_province=True, **kwargs)


class _DeskExportForm(CaseFilterForm):
    """The review desk's filter form plus its queue (the desk's tabs)."""

    queue = forms.CharField(required=False, max_length=20)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, show_province=True, show_enterprise=True, **kwargs)
        self.queues = (*case_queues(user=user), *case_ladder_queues(user=user), ALL_CASES)

    def clean_queue(self):
        queue = self.cleaned_data.get("queue") or self.queues[0]
        if queue not in self.queues:
            raise forms.ValidationError(
                _("未知的案件队列“%(queue)s”。"), code="invalid", params={"queue": queue}
            )
        return queue


class CaseDeskExportFilterSet:
    """The review desk's own queue and filters (enforcement.selectors.case_list), so
    "export this list" holds exactly the cases the desk lists, whoever asks."""

    needs_user = True

    def __init__(self, data, queryset, *, user):
        self.user, self.form = user, _DeskExportForm(data, user=user)

    @property
    def qs(self):
        data = dict(self.form.cleaned_data)
        return case_list(user=self.user, queue=data.pop("queue"), filters=data).order_by()


class CaseExportFilterSet(django_filters.FilterSet):
    rule = django_filters.ChoiceFilter(choices=Rule.choices, label=_("规则"))
    status = django_filters.ChoiceFilter(choices=Case.Status.choices, label=_("状态"))
    province = django_filters.ChoiceFilter(choices=PROVINCE_CHOICES, label=_("省份"))
    role = django_filters.ChoiceFilter(
        field_name="enterprise__roles", choices=Role.choices, label=_("企业类型"),
        method="roles_contain",
    )  # fmt: skip
    month_from = _MonthFilter(field_name="opened_at__date", label=_("起始月份"))
    month_to = _MonthFilter(field_name="opened_at__date", label=_("截止月份"), end=True)

    class Meta:
        model = Case
        fields = ["rule", "status", "province", "role", "month_from", "month_to"]

    def roles_contain(self, queryset, name, value):
        return queryset.filter(**{f"{name}__contains": [value]})


class FindingExportFilterSet(django_filters.FilterSet):
    rule = django_filters.ChoiceFilter(choices=Rule.choices, label=_("规则"))
    province = django_filters.ChoiceFilter(
        field_name="enterprise__province", choices=PROVINCE_CHOICES, label=_("省份")
    )
    role = django_filters.ChoiceFilter(
        field_name="enterprise__roles", choices=Role.choices, label=_("企业类型"),
        method="roles_contain",
    )  # fmt: skip
    open = django_filters.BooleanFilter(
        field_name="cured_at", lookup_expr="isnull", label=_("未纠正")
    )
    month_from = _MonthFilter(field_name="detected_as_of", label=_("起始月份"))
    month_to = _MonthFilter(field_name="detected_as_of", label=_("截止月份"), end=True)

    class Meta:
        model = Finding
        fields = ["rule", "province", "role", "open", "month_from", "month_to"]

    def roles_contain(self, queryset, name, value):
        return queryset.filter(**{f"{name}__contains": [value]})


class EnterpriseExportFilterSet(django_filters.FilterSet):
    province = django_filters.ChoiceFilter(choices=PROVINCE_CHOICES, label=_("省份"))
    role = django_filters.ChoiceFilter(
        field_name="roles", choices=Role.choices, label=_("企业类型"), method="roles_contain"
    )
    status = django_filters.ChoiceFilter(choices=Enterprise.Status.choices, label=_("状态"))

    class Meta:
        model = Enterprise
        fields = ["province", "role", "status"]

    def roles_contain(self, queryset, name, value):
        return queryset.filter(**{f"{name}__contains": [value]})


def parameter_names(form: forms.Form) -> set[str]:
    """Return the query parameters a form reads (a range field reads name_after/_before)."""
    names = set()
    for name, field in form.fields.items():
        suffixes = getattr(field.widget, "suffixes", None)
        if suffixes:
            names |= {f"{name}_{suffix}" for suffix in suffixes}
        else:
            names.add(name)
    return names
