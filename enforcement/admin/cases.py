"""Back-office views of cases, findings and scan runs: read-only, scoped, never counted.

Cases are reviewed at the portal's desk (/enforcement/cases/), through the services that
log every step; here MIIT staff look rows up. Every changelist is scoped like the registry's
(a province sees its enterprises' cases and findings), and a case's history view checks
the same scope before it shows anything.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from batteries.admin import EstimatedCountPaginator
from common.identifiers import normalize_identifier
from enforcement.models import Case, CaseStep, Finding, ScanRun
from enterprises.admin_base import ReadOnlyAdminMixin, ScopedAdminMixin


def desk_link(case: Case | None):
    if case is None:
        return "—"
    return format_html(
        '<a href="{}" target="_blank">{} ↗</a>', case.get_absolute_url(), _("审查台案件页")
    )


class CaseStepInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CaseStep
    fields = ["at", "action", "status_before", "status_after", "actor", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Case)
class CaseAdmin(ScopedAdminMixin, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "number",
        "enterprise",
        "province",
        "rule",
        "status",
        "assigned_to",
        "opened_at",
        "updated_at",
        "desk",
    ]
    list_filter = ["status", "rule", "province"]
    list_select_related = ["enterprise", "assigned_to"]
    search_fields = ["enterprise__name", "=enterprise__uscc"]
    search_help_text = _("输入企业名称（部分）或完整的统一社会信用代码。")
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    ordering = ["-pk"]
    readonly_fields = ["desk"]
    inlines = [CaseStepInline]

    @admin.display(description=_("案件编号"), ordering="pk")
    def number(self, obj: Case) -> str:
        return obj.number

    @admin.display(description=_("审查台"))
    def desk(self, obj: Case):
        return desk_link(obj)

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if len(normalize_identifier(term)) == 18:  # a full USCC: the indexed unique column
            return queryset.filter(enterprise__uscc=normalize_identifier(term)), False
        return queryset.filter(enterprise__name__icontains=term) if term else queryset, False

    def _in_scope(self, request, object_id) -> None:
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404(_("未找到该案件，或您无权查看。"))

    def history_view(self, request, object_id, extra_context=None):
        """Show the history of a case in the user's scope only (the package falls back to
        the history table for rows the queryset does not hold)."""
        self._in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Show a past version read-only: reverting a case would bypass its review log."""
        self._in_scope(request, object_id)
        if request.method == "POST":
            raise PermissionDenied(_("案件只能在审查台办理，不能在此恢复旧版本。"))
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Finding)
class FindingAdmin(ScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "rule",
        "subject",
        "enterprise",
        "anchor_date",
        "deadline",
        "cured_at",
        "detected_at",
        "case",
    ]
    list_filter = ["rule"]
    list_select_related = ["enterprise", "case"]
    raw_id_fields = ["enterprise", "battery", "deadline_rule", "case"]
    search_fields = ["=subject"]
    search_help_text = _("输入完整的电池编码、VIN 或区域代码，或责任企业的统一社会信用代码。")
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 50
    ordering = ["-pk"]

    def get_search_results(self, request, queryset, search_term):
        """Match one identifier exactly on an indexed column."""
        term = normalize_identifier(search_term)
        if not term:
            return queryset, False
        if len(term) == 18:
            return queryset.filter(enterprise__uscc=term), False
        if len(term) in {19, 24}:  # a battery code: through the pack's unique index
            return queryset.filter(battery__code=term), False
        return queryset.filter(subject=term), False


@admin.register(ScanRun)
class ScanRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "rule",
        "as_of",
        "dry_run",
        "started_by",
        "started_at",
        "duration_ms",
        "rows_examined",
        "found",
        "new",
        "known",
        "cured",
    ]
    list_filter = ["rule", "dry_run", "started_by"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    date_hierarchy = "started_at"
    ordering = ["-started_at"]
