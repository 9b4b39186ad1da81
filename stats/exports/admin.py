"""The export log in the back office: read-only; national staff see all, others their own."""

from django.contrib import admin

from enterprises.admin_base import ReadOnlyAdminMixin
from stats.exports.models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "pk",
        "created_at",
        "user",
        "table",
        "format",
        "delivery",
        "status",
        "rows_total",
        "finished_at",
        "file_deleted_at",
    ]
    list_filter = ["status", "format", "delivery", "table"]
    list_select_related = ["user"]
    search_fields = ["=user__username", "table"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_module_permission(self, request) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_view_permission(self, request, obj=None) -> bool:
        # Reading one's own export record needs no model permission; the queryset scopes.
        return bool(request.user.is_active and request.user.is_staff)
