"""The list pages' filters: the shared FilterSets plus what people need on a page.

The pages name their empty choices (全部状态 …) on filters of their own, declared once on the
class. Changing the copies a FilterSet instance holds would not do: a copy carries the form
field its base filter may already have built (the API schema builds every field of the
shared FilterSets), and that field keeps Django's "---------" whatever `extra` says after.
"""

import copy

import django_filters
from django.utils.translation import gettext_lazy as _

from batteries.filters import BatteryFilterSet, ScrappedVehicleFilterSet
from common.identifiers import normalize_identifier

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


class PackListFilterSet(BatteryFilterSet):
    q = django_filters.CharFilter(method="search", label=_("电池编码或VIN"), max_length=40)
    state = with_empty_label(_BATTERY["state"], _("全部状态"))
    chemistry = with_empty_label(_BATTERY["chemistry"], _("全部类型"))
    product_type = with_empty_label(_BATTERY["product_type"], _("全部"))
    holder_province = with_empty_label(_BATTERY["holder_province"], _("全部省份"))

    def __init__(self, *args, show_province: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for name in HIDDEN + (() if show_province else ("holder_province",)):
            self.filters.pop(name, None)
        self.filters = {"q": self.filters.pop("q"), **self.filters}

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
