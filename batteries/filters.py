"""One FilterSet per model of the digital identity, serving the API and the portal lists.

Each FilterSet only narrows a queryset that a scoped selector already returned: filters
never widen what the caller may see. Identifiers typed by people (USCC, VIN, battery code)
are normalized first, so full-width characters and lower case still match.
"""

import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField, RangeField
from django_filters.widgets import DateRangeWidget

from batteries.models import Battery, EventKind, LifecycleEvent, ScrappedVehicle, State, Vehicle
from common.battery_code import CHEMISTRIES, CHEMISTRY_LABELS, normalize_battery_code
from common.identifiers import normalize_uscc, normalize_vin
from enterprises.models import PROVINCE_CHOICES

CHEMISTRY_CHOICES = [
    (value, CHEMISTRY_LABELS[value]) for value in dict.fromkeys(CHEMISTRIES.values())
]


class _PlausibleIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 time the database can compare: a real offset, a year it can convert."""

    def to_python(self, value):
        from django.core.exceptions import ValidationError

        from batteries.services.plausibility import offset_problem

        try:
            moment = super().to_python(value)
        except OverflowError:  # year 1 with an offset: no UTC time
            moment = None
            bad = True
        else:
            bad = moment is not None and (
                not 1900 <= moment.year <= 9998 or bool(moment.tzinfo and offset_problem(moment))
            )
        if bad:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return moment


class _PlausibleIsoDateTimeRangeField(RangeField):
    widget = DateRangeWidget

    def __init__(self, *args, **kwargs):
        fields = (_PlausibleIsoDateTimeField(), _PlausibleIsoDateTimeField())
        super().__init__(fields, *args, **kwargs)


class _IsoDateTimeRangeFilter(django_filters.IsoDateTimeFromToRangeFilter):
    """From–to filter on a time; an offset no time zone has is a filter error, not a 500."""

    field_class = _PlausibleIsoDateTimeRangeField


class _UsccFilter(django_filters.CharFilter):
    """Match an enterprise by its unified social credit code, as people type it."""

    def filter(self, qs, value):
        return super().filter(qs, normalize_uscc(value) if value else value)


class _IdentifierFilter(django_filters.CharFilter):
    """Match a VIN or battery code exactly, after normalizing what was typed."""

    def __init__(self, *args, normalize=normalize_vin, **kwargs):
        self.normalize = normalize
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        return super().filter(qs, self.normalize(value) if value else value)


class BatteryFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=State.choices, label=_("状态"))
    chemistry = django_filters.ChoiceFilter(choices=CHEMISTRY_CHOICES, label=_("电池类型"))
    product_type = django_filters.ChoiceFilter(
        choices=Battery.ProductType.choices, label=_("产品类型")
    )
    holder_uscc = _UsccFilter(field_name="holder__uscc", label=_("持有企业统一社会信用代码"))
    manufacturer_uscc = _UsccFilter(
        field_name="manufacturer__uscc", label=_("生产企业统一社会信用代码")
    )
    holder_province = django_filters.ChoiceFilter(
        field_name="holder__province", choices=PROVINCE_CHOICES, label=_("持有企业所在省份")
    )
    production_date = django_filters.DateFromToRangeFilter(label=_("生产日期（起止）"))
    vin = _IdentifierFilter(field_name="vehicle__vin", label=_("当前车辆识别代号（VIN）"))

    class Meta:
        model = Battery
        fields = [
            "state",
            "chemistry",
            "product_type",
            "holder_uscc",
            "manufacturer_uscc",
            "holder_province",
            "production_date",
            "vin",
        ]


class LifecycleEventFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=EventKind.choices, label=_("事件类型"))
    occurred_at = _IsoDateTimeRangeFilter(label=_("发生时间（起止）"))
    reporter_uscc = _UsccFilter(field_name="reporter__uscc", label=_("上报企业统一社会信用代码"))
    code = _IdentifierFilter(
        field_name="battery__code", normalize=normalize_battery_code, label=_("电池编码")
    )

    class Meta:
        model = LifecycleEvent
        fields = ["kind", "occurred_at", "reporter_uscc", "code"]


class VehicleFilterSet(django_filters.FilterSet):
    producer_uscc = _UsccFilter(field_name="producer__uscc", label=_("生产企业统一社会信用代码"))
    is_swap_model = django_filters.BooleanFilter(label=_("换电车型"))
    model_name = django_filters.CharFilter(lookup_expr="icontains", label=_("车型"))

    class Meta:
        model = Vehicle
        fields = ["producer_uscc", "is_swap_model", "model_name"]


class ScrappedVehicleFilterSet(django_filters.FilterSet):
    vin = _IdentifierFilter(label=_("车辆识别代号（VIN）"))
    pack_status = django_filters.ChoiceFilter(
        choices=ScrappedVehicle.PackStatus.choices, label=_("电池到场情况")
    )
    scrapped_at = _IsoDateTimeRangeFilter(label=_("报废回收时间（起止）"))
    dismantler_uscc = _UsccFilter(
        field_name="dismantler__uscc", label=_("拆解企业统一社会信用代码")
    )

    class Meta:
        model = ScrappedVehicle
        fields = ["vin", "pack_status", "scrapped_at", "dismantler_uscc"]
