"""MIIT back office for enterprises, users and API keys."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from enterprises.admin_base import ScopedAdminMixin, ScopedModelAdmin
from enterprises.models import Enterprise, ManufacturerCode, Outlet, User, WhitelistEntry


@admin.register(Enterprise)
class EnterpriseAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "uscc", "province", "status", "created_at"]
    list_filter = ["status", "province"]
    search_fields = ["name", "uscc"]
    readonly_fields = ["province", "prefecture", "created_at", "status_changed_at"]


@admin.register(WhitelistEntry)
class WhitelistEntryAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["enterprise", "category", "batch", "announced_on", "status"]
    list_filter = ["category", "status"]
    search_fields = ["enterprise__name", "enterprise__uscc", "announcement_no"]
    autocomplete_fields = ["enterprise"]


@admin.register(Outlet)
class OutletAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "owner", "province", "status"]
    list_filter = ["status", "province"]
    search_fields = ["name", "owner__name", "address"]
    autocomplete_fields = ["owner", "operator"]


@admin.register(ManufacturerCode)
class ManufacturerCodeAdmin(ScopedModelAdmin):
    list_display = ["code", "enterprise", "registered_on"]
    search_fields = ["code", "enterprise__name", "enterprise__uscc"]
    autocomplete_fields = ["enterprise"]


@admin.register(User)
class UserAdmin(ScopedAdminMixin, DjangoUserAdmin):
    list_display = ["username", "first_name", "kind", "enterprise", "province", "is_active"]
    list_filter = ["kind", "is_active", "province"]
    search_fields = ["username", "first_name", "email", "enterprise__name"]
    autocomplete_fields = ["enterprise"]
    fieldsets = DjangoUserAdmin.fieldsets + (
        (_("组织"), {"fields": ("kind", "enterprise", "province", "phone")}),
    )
