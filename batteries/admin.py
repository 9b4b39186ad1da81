"""MIIT back office for the digital identity: scoped, read-only, never counting millions.

Packs change only through lifecycle events (services), so every model here is read-only:
the admin is for finding and inspecting rows; the portal pack page is one click away.
"""

from django.contrib import admin
from django.core.paginator import Paginator
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from batteries import selectors
from batteries.models import (
    Battery,
    CodeRejection,
    Handover,
    ImportBatch,
    LifecycleEvent,
    Vehicle,
)
from batteries.web.pagination import table_estimate
from common.battery_code import CHEMISTRY_LABELS
from common.identifiers import PROVINCES, normalize_identifier
from enterprises.admin_base import ReadOnlyAdminMixin, ScopedAdminMixin
from enterprises.models import Enterprise, ManufacturerCode


class EstimatedCountPaginator(Paginator):
    """Count without scanning millions of rows.

    Unfiltered: PostgreSQL's planner estimate (pg_class.reltuples, kept fresh by autovacuum).
    Filtered, or a small table: an exact count capped at CAP rows, so its cost is bounded;
    page links then stop at the cap, which narrower filters or the search resolve.
    """

    CAP = 10_000

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not queryset.query.where:
            estimate = table_estimate(queryset.model)
            if estimate > self.CAP:
                return estimate
        return queryset.order_by()[: self.CAP].count()


class SelectorScopedAdminMixin:
    """Scope through a selector, for models whose manager has no `scoped_for` of its own."""

    show_full_result_count = False
    scope_selector = None

    def get_queryset(self, request):
        ordering = self.get_ordering(request)
        queryset = type(self).scope_selector(user=request.user)
        return queryset.order_by(*ordering) if ordering else queryset


class BigTableAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # facets count every filter choice: not on millions
    list_per_page = 50


def portal_link(battery: Battery | None):
    if battery is None:
        return "—"
    return format_html(
        '<a href="{}" target="_blank" title="{}">{} ↗</a>',
        battery.get_absolute_url(),
        _("门户数字身份页"),
        _("门户"),
    )


EVENT_DETAIL_LABELS = {
    "reason": _("原因"),
    "new_code": _("新编码"),
    "declared_use": _("申报用途"),
    "swap_model": _("换电车型"),
    "remark": _("备注"),
}


# --- List filters: fixed lists, never a SELECT DISTINCT or a dropdown of every enterprise ---


class ChemistryFilter(admin.SimpleListFilter):
    title = _("电池类型")
    parameter_name = "chemistry"

    def lookups(self, request, model_admin):
        return list(CHEMISTRY_LABELS.items())

    def queryset(self, request, queryset):
        return queryset.filter(chemistry=self.value()) if self.value() else queryset


class HolderProvinceFilter(admin.SimpleListFilter):
    title = _("持有企业省份")
    parameter_name = "holder_province"

    def lookups(self, request, model_admin):
        return sorted(PROVINCES.items())

    def queryset(self, request, queryset):
        return queryset.filter(holder__province=self.value()) if self.value() else queryset


class ManufacturerFilter(admin.SimpleListFilter):
    """Producers by their registered manufacturer codes (a short table, one query)."""

    title = _("生产企业（厂商代码）")
    parameter_name = "manufacturer"

    def lookups(self, request, model_admin):
        rows = ManufacturerCode.objects.select_related("enterprise").order_by("code")
        return [(str(m.enterprise_id), f"{m.code} {m.enterprise.name}") for m in rows]

    def queryset(self, request, queryset):
        value = self.value()
        return (
            queryset.filter(manufacturer_id=int(value)) if value and value.isdigit() else queryset
        )


def _enterprise_ids(uscc: str) -> list[int]:
    return list(Enterprise.objects.filter(uscc=uscc).values_list("pk", flat=True))


@admin.register(Battery)
class BatteryAdmin(ScopedAdminMixin, BigTableAdmin):
    # Fits 1366 px: the manufacturer is the code's first three characters (and a filter).
    list_display = [
        "code",
        "type_label",
        "state",
        "holder_name",
        "vehicle",
        "updated_at",
        "portal",
    ]
    list_filter = [
        "state",
        ChemistryFilter,
        "product_type",
        HolderProvinceFilter,
        ManufacturerFilter,
    ]
    list_select_related = ["holder", "vehicle"]
    search_fields = ["=code"]  # shows the box; get_search_results picks the indexed lookup
    search_help_text = _(
        "输入完整的电池编码、VIN、持有企业或生产企业统一社会信用代码，或编码前缀。"
    )
    # Labels, never stored codes (the chemistry is stored as `lfp`, `ternary` …).
    fields = [
        "code",
        "product_type",
        "chemistry_label",
        "spec_code",
        "trace_code",
        "production_date",
        "serial",
        "manufacturer_code",
        "manufacturer",
        "parent",
        "original",
        "mass_kg",
        "capacity_wh",
        "state",
        "holder",
        "vehicle",
        "last_seq",
        "last_hash",
        "last_occurred_at",
        "registered_at",
        "updated_at",
        "portal",
    ]
    readonly_fields = ["chemistry_label", "portal"]
    ordering = ["-pk"]

    @admin.display(description=_("电池类型"))
    def chemistry_label(self, obj: Battery) -> str:
        label = CHEMISTRY_LABELS.get(obj.chemistry, obj.chemistry)
        return f"{label}（{obj.battery_type}）" if obj.battery_type else str(label)

    @admin.display(description=_("类型"), ordering="product_type")
    def type_label(self, obj: Battery) -> str:
        return format_html(
            '{}<br><span class="quiet">{}</span>',
            obj.get_product_type_display(),
            CHEMISTRY_LABELS.get(obj.chemistry, obj.chemistry),
        )

    @admin.display(description=_("当前持有企业"), ordering="holder__name")
    def holder_name(self, obj: Battery) -> str:
        return obj.holder.name  # the USCC is on the pack's page; the name wraps, codes do not

    @admin.display(description=_("数字身份"))
    def portal(self, obj: Battery):
        return portal_link(obj)

    def get_search_results(self, request, queryset, search_term):
        """Match one identifier exactly on an indexed column (an OR over joins would scan)."""
        term = normalize_identifier(search_term)
        if not term:
            return queryset, False
        if len(term) == 17:
            return queryset.filter(vehicle__vin=term), False
        if len(term) == 18:
            ids = _enterprise_ids(term)
            return queryset.filter(Q(holder_id__in=ids) | Q(manufacturer_id__in=ids)), False
        if len(term) in {19, 24}:
            return queryset.filter(code=term), False
        return queryset.filter(code__startswith=term), False


@admin.register(LifecycleEvent)
class LifecycleEventAdmin(ScopedAdminMixin, BigTableAdmin):
    list_display = [
        "battery",
        "seq",
        "kind",
        "occurred_at",
        "reported_at",
        "reporter",
        "channel",
        "import_batch",
    ]
    list_filter = ["kind", "channel"]
    list_select_related = ["battery", "reporter", "import_batch"]
    search_fields = ["=battery__code"]
    search_help_text = _("输入完整的电池编码。")
    exclude = ["details"]
    readonly_fields = ["details_text", "portal"]

    @admin.display(description=_("补充信息"))
    def details_text(self, obj: LifecycleEvent) -> str:
        """Return the event's details as labelled text, not as stored JSON."""
        rows = []
        for key, value in (obj.details or {}).items():
            label = EVENT_DETAIL_LABELS.get(key, key)
            if isinstance(value, bool):
                value = _("是") if value else _("否")
            rows.append(f"{label}：{value}")
        return "；".join(rows) or "—"

    @admin.display(description=_("数字身份"))
    def portal(self, obj: LifecycleEvent):
        return portal_link(obj.battery)

    def get_search_results(self, request, queryset, search_term):
        term = normalize_identifier(search_term)
        return (queryset.filter(battery__code=term) if term else queryset), False


@admin.register(Handover)
class HandoverAdmin(SelectorScopedAdminMixin, BigTableAdmin):
    scope_selector = selectors.handover_list
    list_display = ["battery", "giver", "receiver", "status", "handed_over_at", "resolved_at"]
    list_filter = ["status"]
    list_select_related = ["battery", "giver", "receiver"]
    search_fields = ["=battery__code"]
    readonly_fields = ["portal"]
    ordering = ["-pk"]

    @admin.display(description=_("数字身份"))
    def portal(self, obj: Handover):
        return portal_link(obj.battery)


@admin.register(Vehicle)
class VehicleAdmin(SelectorScopedAdminMixin, BigTableAdmin):
    scope_selector = selectors.vehicle_list
    list_display = ["vin", "producer", "model_name", "is_swap_model", "created_at", "portal"]
    readonly_fields = ["portal"]

    @admin.display(description=_("车辆页"))
    def portal(self, obj: Vehicle):
        url = reverse("batteries:vehicle_detail", args=[obj.vin])
        return format_html('<a href="{}" target="_blank">{} ↗</a>', url, _("门户车辆页"))

    list_filter = ["is_swap_model"]
    list_select_related = ["producer"]
    search_fields = ["=vin"]
    ordering = ["-pk"]

    def get_search_results(self, request, queryset, search_term):
        term = normalize_identifier(search_term)
        return (queryset.filter(vin=term) if term else queryset), False


@admin.register(ImportBatch)
class ImportBatchAdmin(ScopedAdminMixin, BigTableAdmin):
    list_display = [
        "original_name",
        "enterprise",
        "kind",
        "status",
        "rows_total",
        "rows_created",
        "rows_failed",
        "created_at",
    ]
    list_filter = ["kind", "status"]
    list_select_related = ["enterprise"]
    search_fields = ["original_name", "=enterprise__uscc"]
    # The stored sample (JSON with internal codes) is read on the portal's batch page.
    exclude = ["error_sample", "file_sha256"]
    readonly_fields = ["portal"]

    @admin.display(description=_("导入批次页"))
    def portal(self, obj: ImportBatch):
        url = reverse("batteries:import_detail", args=[obj.pk])
        return format_html('<a href="{}" target="_blank">{} ↗</a>', url, _("门户导入批次页"))


@admin.register(CodeRejection)
class CodeRejectionAdmin(ScopedAdminMixin, BigTableAdmin):
    """The codes the registry refused, per submitter: the evidence of coding violations."""

    list_display = [
        "code",
        "enterprise",
        "message",
        "attempts",
        "channel",
        "first_at",
        "last_at",
        "import_batch",
    ]
    list_filter = ["channel"]
    list_select_related = ["enterprise", "import_batch"]
    exclude = ["error_code"]  # a machine code; the message says the same in words
    search_fields = ["=code"]
    search_help_text = _("输入完整的电池编码或编码前缀，或提交企业的统一社会信用代码。")
    ordering = ["-pk"]

    def get_search_results(self, request, queryset, search_term):
        """Match a code or code prefix, or every code of the submitter named by its USCC."""
        term = normalize_identifier(search_term)
        if not term:
            return queryset, False
        if len(term) == 18:
            ids = _enterprise_ids(term)
            if ids:
                return queryset.filter(enterprise_id__in=ids), False
        return queryset.filter(code__startswith=term), False
