"""MIIT back office for enterprises, users and API keys."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.forms import SelectableFieldsExportForm
from simple_history.admin import SimpleHistoryAdmin

from common.text import join_list
from enterprises import rules
from enterprises.admin_base import ScopedAdminMixin, ScopedModelAdmin
from enterprises.models import Enterprise, ManufacturerCode, Outlet, Role, User, WhitelistEntry
from enterprises.resources import FORMATS, EnterpriseResource, WhitelistEntryResource
from enterprises.selectors import whitelist_presence
from enterprises.services.enterprises import enterprise_review


class ChineseExportForm(SelectableFieldsExportForm):
    """Name each exported column by its Chinese header only (not "Enterprise Name (…)")."""

    def _get_field_label(self, resource, field_name: str) -> str:
        field = resource.fields.get(field_name)
        return field.column_name if field is not None else field_name


class ScopedImportExportMixin(ImportExportMixin):
    """Import/export in Chinese-Excel-friendly formats, row lookups scoped to the importer."""

    import_formats = FORMATS
    export_formats = FORMATS
    export_form_class = ChineseExportForm

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {"user": request.user}

    def get_export_data(self, file_format, request, queryset, **kwargs):
        """Export, and record who exported what (the audit log keeps every export)."""
        from enterprises.models import AuditAction
        from enterprises.services.audit import audit_record

        data = super().get_export_data(file_format, request, queryset, **kwargs)
        audit_record(
            actor=request.user,
            action=AuditAction.EXPORT,
            request=request,
            target=str(self.model._meta.verbose_name),
            details={
                "model": self.model._meta.label_lower,
                "format": file_format.get_title(),
                "rows": queryset.count(),
            },
        )
        return data


class RoleListFilter(admin.SimpleListFilter):
    title = _("企业类型")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return Role.choices

    def queryset(self, request, queryset):
        if self.value() in Role.values:
            return queryset.filter(roles__contains=[self.value()])
        return queryset


class WhitelistedListFilter(admin.SimpleListFilter):
    title = _("白名单在列")
    parameter_name = "whitelisted"

    def lookups(self, request, model_admin):
        return [("yes", _("是")), ("no", _("否"))]

    def queryset(self, request, queryset):
        if self.value() in {"yes", "no"}:
            return queryset.filter(whitelisted=self.value() == "yes")
        return queryset


class EnterpriseAdminForm(forms.ModelForm):
    """Roles as labelled checkboxes, not the stored codes typed into one text box."""

    roles = forms.MultipleChoiceField(
        label=_("企业类型"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Enterprise
        fields = ["roles"]  # the admin adds the other fields of its fieldsets


@admin.register(Enterprise)
class EnterpriseAdmin(ScopedAdminMixin, ScopedImportExportMixin, SimpleHistoryAdmin):
    resource_classes = [EnterpriseResource]
    form = EnterpriseAdminForm
    list_display = ["name", "uscc", "province", "role_list", "status", "whitelisted", "created_at"]
    list_filter = ["status", "province", RoleListFilter, WhitelistedListFilter]
    search_fields = ["name", "uscc"]
    # Status moves only through the review actions, which record who, when and why.
    readonly_fields = [
        "province",
        "prefecture",
        "created_at",
        "status",
        "status_reason",
        "status_changed_at",
    ]
    actions = ["approve_selected", "reject_selected", "suspend_selected", "reinstate_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(whitelisted=whitelist_presence())

    @admin.display(description=_("企业类型"))
    def role_list(self, obj: Enterprise) -> str:
        return join_list(obj.role_labels())

    @admin.display(description=_("白名单在列"), boolean=True, ordering="whitelisted")
    def whitelisted(self, obj: Enterprise) -> bool:
        return obj.whitelisted

    def has_review_permission(self, request) -> bool:
        return request.user.has_perm("enterprises.review_enterprise")

    def _review_selected(self, request, queryset, action: str):
        reason = request.POST.get("reason", "").strip()
        if rules.review_reason_required(action) and not reason:
            if "apply" in request.POST:
                self.message_user(request, _("请填写理由。"), messages.ERROR)
            return TemplateResponse(
                request,
                "enterprises/admin/review_reason.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.model._meta,
                    "queryset": queryset,
                    "action": f"{action}_selected",
                    "action_label": rules.REVIEW_ACTIONS[action],
                    "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
                    "select_across": request.POST.get("select_across", "0"),
                },
            )
        done, failed = 0, []
        for enterprise in queryset:
            try:
                enterprise_review(
                    enterprise=enterprise, actor=request.user, action=action, reason=reason
                )
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                detail = "；".join(getattr(exc, "messages", [str(exc)]))
                failed.append(f"{enterprise.name}：{detail}")
        if done:
            self.message_user(
                request,
                _("已%(action)s %(n)d 家企业，并已邮件通知。")
                % {"action": rules.REVIEW_ACTIONS[action], "n": done},
            )
        for line in failed:
            self.message_user(request, line, messages.ERROR)
        return None

    @admin.action(description=_("批准所选企业"), permissions=["review"])
    def approve_selected(self, request, queryset):
        return self._review_selected(request, queryset, rules.APPROVE)

    @admin.action(description=_("驳回所选企业（需填写理由）"), permissions=["review"])
    def reject_selected(self, request, queryset):
        return self._review_selected(request, queryset, rules.REJECT)

    @admin.action(description=_("暂停所选企业（需填写理由）"), permissions=["review"])
    def suspend_selected(self, request, queryset):
        return self._review_selected(request, queryset, rules.SUSPEND)

    @admin.action(description=_("恢复所选企业"), permissions=["review"])
    def reinstate_selected(self, request, queryset):
        return self._review_selected(request, queryset, rules.REINSTATE)


@admin.register(WhitelistEntry)
class WhitelistEntryAdmin(ScopedAdminMixin, ScopedImportExportMixin, SimpleHistoryAdmin):
    resource_classes = [WhitelistEntryResource]
    list_display = ["enterprise", "category", "batch", "announced_on", "status"]
    list_filter = ["category", "status", "enterprise__province"]
    search_fields = ["enterprise__name", "enterprise__uscc", "announcement_no"]
    autocomplete_fields = ["enterprise"]
    list_select_related = ["enterprise"]


@admin.register(Outlet)
class OutletAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "owner", "province", "status"]
    list_filter = ["status", "province"]
    search_fields = ["name", "owner__name", "address"]
    autocomplete_fields = ["owner", "operator"]
    list_select_related = ["owner"]


@admin.register(ManufacturerCode)
class ManufacturerCodeAdmin(ScopedModelAdmin):
    list_display = ["code", "enterprise", "registered_on"]
    search_fields = ["code", "enterprise__name", "enterprise__uscc"]
    autocomplete_fields = ["enterprise"]
    list_select_related = ["enterprise"]


@admin.register(User)
class UserAdmin(ScopedAdminMixin, DjangoUserAdmin):
    list_display = ["username", "first_name", "kind", "enterprise", "province", "is_active"]
    list_filter = ["kind", "is_active", "province"]
    search_fields = ["username", "first_name", "email", "enterprise__name"]
    autocomplete_fields = ["enterprise"]
    fieldsets = DjangoUserAdmin.fieldsets + (
        (_("组织"), {"fields": ("kind", "enterprise", "province", "phone")}),
    )
