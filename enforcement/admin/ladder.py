"""Back office of the ladder: issuing authorities and procedural periods (MIIT edits them,
with history and a reason), issued documents and their downloads (read-only, scoped)."""

from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from enforcement.admin.legal import InForceFilter, LegalHistoryAdmin, in_force_today
from enforcement.models import Authority, Document, DocumentDownload, ProcedureRule
from enterprises.admin_base import ReadOnlyAdminMixin, ScopedAdminMixin


class ReasonedForm(forms.ModelForm):
    """A row whose every change carries its reason into the history."""

    change_reason = forms.CharField(
        label=_("修改理由"),
        max_length=100,
        required=False,
        help_text=_("修改已有行时必填；与修改内容一起记入历史记录。"),
    )

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and not (cleaned.get("change_reason") or "").strip():
            self.add_error("change_reason", _("请填写修改理由：它与修改内容一起记入历史记录。"))
        return cleaned


class ReasonedAdmin(LegalHistoryAdmin):
    form = ReasonedForm

    def save_model(self, request, obj, form, change):
        obj._change_reason = (form.cleaned_data.get("change_reason") or "").strip() or None
        super().save_model(request, obj, form, change)


@admin.register(Authority)
class AuthorityAdmin(ReasonedAdmin):
    list_display = ["code", "province", "name", "number_prefix"]
    search_fields = ["name", "=code"]
    ordering = ["code"]


@admin.register(ProcedureRule)
class ProcedureRuleAdmin(ReasonedAdmin):
    list_display = [
        "key",
        "value",
        "unit",
        "legal_document",
        "legal_article",
        "valid_from",
        "valid_to",
        "unconfirmed",
        in_force_today,
    ]
    list_filter = [InForceFilter, "key", "unconfirmed"]
    ordering = ["key", "valid_from"]


class DownloadInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = DocumentDownload
    fields = ["at", "user", "address"]
    readonly_fields = fields
    extra = 0


@admin.register(Document)
class DocumentAdmin(ScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "number",
        "kind",
        "authority",
        "addressee_name",
        "issued_at",
        "rendered_at",
        "revoked_at",
        "verify",
    ]
    list_filter = ["kind", "authority"]
    list_select_related = ["authority"]
    search_fields = ["=number", "=addressee_uscc"]
    show_facets = admin.ShowFacets.NEVER
    ordering = ["-pk"]
    exclude = ["content"]
    inlines = [DownloadInline]

    @admin.display(description=_("核验"))
    def verify(self, obj: Document):
        return format_html(
            '<a href="{}" target="_blank">{} ↗</a>', obj.get_absolute_url(), _("核验页")
        )


@admin.register(DocumentDownload)
class DocumentDownloadAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "document", "user", "address"]
    list_select_related = ["document", "user"]
    search_fields = ["=document__number", "=user__username"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    ordering = ["-at"]

    def get_queryset(self, request):
        documents = Document.objects.scoped_for(request.user)
        return super().get_queryset(request).filter(document__in=documents)
