"""The pack list's filters: the shared BatteryFilterSet plus one search box for people."""

import django_filters
from django.utils.translation import gettext_lazy as _

from batteries.filters import BatteryFilterSet
from common.identifiers import normalize_identifier

# Filters of the shared FilterSet the page does not show: the search box covers the VIN.
HIDDEN = ("vin", "manufacturer_uscc", "production_date")
EMPTY_LABELS = {
    "state": _("全部状态"),
    "chemistry": _("全部类型"),
    "product_type": _("全部"),
    "holder_province": _("全部省份"),
}


class PackListFilterSet(BatteryFilterSet):
    q = django_filters.CharFilter(method="search", label=_("电池编码或VIN"), max_length=40)

    def __init__(self, *args, show_province: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for name in HIDDEN + (() if show_province else ("holder_province",)):
            self.filters.pop(name, None)
        self.filters = {"q": self.filters.pop("q"), **self.filters}
        for name, label in EMPTY_LABELS.items():
            if name in self.filters:
                self.filters[name].extra["empty_label"] = label

    def search(self, queryset, name, value):
        """Match a full VIN or code exactly, or a code prefix (all index-friendly)."""
        term = normalize_identifier(value)
        if len(term) == 17:  # a VIN: battery codes have 19 or 24 characters
            return queryset.filter(vehicle__vin=term)
        if len(term) in {19, 24}:
            return queryset.filter(code=term)
        return queryset.filter(code__startswith=term) if term else queryset
