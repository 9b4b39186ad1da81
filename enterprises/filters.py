"""One FilterSet per model, serving both the portal lists and the API."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.identifiers import normalize_uscc
from enterprises.models import PROVINCE_CHOICES, Enterprise, Outlet, Role

ALL = _("全部")


class EnterpriseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("企业名称或统一社会信用代码"))
    status = django_filters.ChoiceFilter(
        choices=Enterprise.Status.choices, label=_("状态"), empty_label=ALL
    )
    province = django_filters.ChoiceFilter(
        choices=PROVINCE_CHOICES, label=_("省份"), empty_label=ALL
    )
    role = django_filters.ChoiceFilter(
        choices=Role.choices, method="filter_role", label=_("企业类型"), empty_label=ALL
    )
    whitelisted = django_filters.BooleanFilter(
        method="filter_whitelisted",
        label=_("白名单在列"),
        widget=forms.Select(choices=[("", ALL), ("true", _("是")), ("false", _("否"))]),
    )

    class Meta:
        model = Enterprise
        fields = ["q", "status", "province", "role", "whitelisted"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(uscc__startswith=normalize_uscc(value)))

    def filter_role(self, queryset, name, value):
        return queryset.filter(roles__contains=[value])

    def filter_whitelisted(self, queryset, name, value):
        # The selector annotates `whitelisted`; every list goes through it.
        return queryset.filter(whitelisted=value)


class OutletFilterSet(django_filters.FilterSet):
    province = django_filters.ChoiceFilter(
        choices=PROVINCE_CHOICES, label=_("省份"), empty_label=ALL
    )
    status = django_filters.ChoiceFilter(
        choices=Outlet.Status.choices, label=_("状态"), empty_label=ALL
    )
    prefecture = django_filters.CharFilter(label=_("地级市代码（4位）"))

    class Meta:
        model = Outlet
        fields = ["province", "prefecture", "status"]
