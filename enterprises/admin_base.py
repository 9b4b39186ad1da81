"""Admin building blocks every app uses: scoped querysets, no exact counts."""

from django.contrib import admin


class ScopedAdminMixin:
    """Show a regulator only the rows of its scope; never count millions of rows exactly."""

    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).scoped_for(request.user)


class ReadOnlyAdminMixin:
    """Rows that are never edited or deleted through the admin (events, audit records)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ScopedModelAdmin(ScopedAdminMixin, admin.ModelAdmin):
    pass
