"""Back-office editing of deadlines, the penalty schedule and the working-day calendar.

Only national regulators (and superusers) add or change rows; provincial regulators read
them. Every change is kept with who, when, why and each field's old → new value
(django-simple-history). Deadline and penalty rows are never deleted — a row is ended by
its valid_to — and their forms offer a preview of what the edit would change before it is
saved. Calendar edits rebuild the table the scans join.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from common.calendar import WorkingCalendar, official_years
from enforcement.access import is_national
from enforcement.models import CalendarOverride, DeadlineRule, OfficialScheduleYear, PenaltyRule
from enforcement.services.calendar import (
    FIRST_DAY,
    LAST_DAY,
    calendar_override_delete,
    calendar_override_save,
    official_year_delete,
    official_year_save,
)
from enforcement.services.legal import (
    EXPLAINED_CONSTRAINTS,
    REASON_MAX_LENGTH,
    legal_row_errors,
    legal_row_save,
    legal_rows_lock,
)
from enforcement.services.preview import deadline_preview, penalty_preview

PREVIEW = "_preview"


class NationalEditMixin:
    """Add and change for national regulators only; delete only where `deletable`."""

    deletable = False

    def has_add_permission(self, request) -> bool:
        return is_national(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_national(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return (
            self.deletable
            and is_national(request.user)
            and super().has_delete_permission(request, obj)
        )


# What an empty value means, where it means something (DeadlineRule's blank choices).
BLANK_MEANS = {"reporter_role": _("任何企业类型"), "anchor": _("该事件发生之日")}


class LabelledHistoryHelper(HistoricalRecordContextHelper):
    """Show old → new values as a reader knows them: choice labels, 是/否, — for empty."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if value is None or value == "":
            return str(BLANK_MEANS.get(change.field, "—"))
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(field, models.BooleanField):
            return gettext("是") if value else gettext("否")
        return super().prepare_delta_change_value(change, value)


class LegalHistoryAdmin(NationalEditMixin, SimpleHistoryAdmin):
    history_list_per_page = 50

    def get_historical_record_context_helper(self, request, historical_record):
        return LabelledHistoryHelper(self.model, historical_record)


# --- Deadline and penalty rows: forms, preview ------------------------------------------------


class LegalRowForm(forms.ModelForm):
    """A deadline or penalty row, with the reason that goes into its history."""

    change_reason = forms.CharField(
        label=_("修改理由"),
        max_length=REASON_MAX_LENGTH,
        required=False,
        help_text=_("修改已有行时必填，例如所依据的文件或会议纪要；与修改内容一起记入历史记录。"),
    )

    def clean(self):
        cleaned = super().clean()
        editing = self.instance.pk is not None
        if editing and PREVIEW not in self.data and not cleaned.get("change_reason", "").strip():
            self.add_error("change_reason", _("请填写修改理由：它与修改内容一起记入历史记录。"))
        return cleaned

    def _post_clean(self):
        # Rows of one table are checked and saved in turn (see enforcement.services.legal).
        legal_rows_lock(self._meta.model)
        super()._post_clean()
        self._explain_constraints()

    def _explain_constraints(self) -> None:
        """Replace Django's "Constraint … is violated" by what is wrong, in words."""
        generic = {
            str(constraint.get_violation_error_message())
            for constraint in self._meta.model._meta.constraints
            if constraint.name in EXPLAINED_CONSTRAINTS
        }
        for field, errors in list(self._errors.items()):
            kept = [e for e in errors.as_data() if " ".join(e.messages) not in generic]
            if len(kept) == len(errors):
                continue
            if kept:
                self._errors[field] = self.error_class(kept)
            else:
                del self._errors[field]
        model_fields = {f.name for f in self._meta.model._meta.fields}
        if any(field in model_fields for field in self._errors):
            return  # the row's own values are wrong: say that first
        for field, texts in legal_row_errors(self.instance).items():
            for text in texts:
                self.add_error(None if field == NON_FIELD_ERRORS else field, text)


class PreviewAdmin(LegalHistoryAdmin):
    """A second submit button on the form: validate, show what would change, save nothing."""

    form = LegalRowForm
    change_form_template = "admin/enforcement/legal_change_form.html"
    preview_template = ""

    def preview_compute(self, row):
        raise NotImplementedError

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is None and not self.has_add_permission(request):
            return fieldsets
        if obj is not None and not self.has_change_permission(request, obj):
            return fieldsets
        return [*fieldsets, (_("修改记录"), {"fields": ["change_reason"]})]

    def save_model(self, request, obj, form, change):
        legal_row_save(
            row=obj,
            user=request.user,
            reason=form.cleaned_data.get("change_reason", ""),
            request=request,
        )

    def delete_model(self, request, obj):
        raise PermissionDenied(_("期限和处罚标准不可删除：请设置失效日期以终止适用。"))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and PREVIEW in request.POST:
            with transaction.atomic():
                return self._preview_view(request, object_id, form_url, extra_context)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _preview_view(self, request, object_id, form_url, extra_context):
        obj = None
        if object_id is not None:
            obj = self.get_object(request, unquote(object_id))
            if obj is None:
                return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
            if not self.has_change_permission(request, obj):
                raise PermissionDenied
        elif not self.has_add_permission(request):
            raise PermissionDenied
        fieldsets = self.get_fieldsets(request, obj)
        form_class = self.get_form(
            request, obj, change=obj is not None, fields=flatten_fieldsets(fieldsets)
        )
        form = form_class(request.POST, request.FILES, instance=obj)
        preview = None
        if form.is_valid():
            try:
                preview = self.preview_compute(form.instance)
            except ValidationError as exc:
                form.add_error(None, exc)
        admin_form = helpers.AdminForm(
            form,
            list(fieldsets),
            self.get_prepopulated_fields(request, obj),
            self.get_readonly_fields(request, obj),
            model_admin=self,
        )
        title = gettext("Change %s") if obj is not None else gettext("Add %s")
        context = {
            **self.admin_site.each_context(request),
            "title": title % self.opts.verbose_name,
            "subtitle": str(obj) if obj is not None else None,
            "adminform": admin_form,
            "object_id": object_id,
            "original": obj,
            "is_popup": False,
            "to_field": None,
            "media": self.media + admin_form.media,
            "inline_admin_formsets": [],
            "errors": helpers.AdminErrorList(form, []),
            "preserved_filters": self.get_preserved_filters(request),
            "preview": preview,
            "preview_template": self.preview_template,
            **(extra_context or {}),
        }
        return self.render_change_form(
            request, context, add=obj is None, change=obj is not None, obj=obj, form_url=form_url
        )


BASIS_FIELDSET = (
    _("法律依据与有效期"),
    {
        "fields": [
            "legal_document",
            "legal_article",
            "valid_from",
            "valid_to",
            "unconfirmed",
            "note",
        ]
    },
)


class InForceFilter(admin.SimpleListFilter):
    title = _("今日是否有效")
    parameter_name = "in_force"

    def lookups(self, request, model_admin):
        return [("yes", _("有效")), ("no", _("已失效或未生效"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        in_force = models.Q(valid_from__lte=today) & (
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=today)
        )
        if self.value() == "yes":
            return queryset.filter(in_force)
        if self.value() == "no":
            return queryset.exclude(in_force)
        return queryset


@admin.display(description=_("今日有效"), boolean=True)
def in_force_today(row) -> bool:
    today = timezone.localdate()
    return row.valid_from <= today and (row.valid_to is None or today <= row.valid_to)


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(PreviewAdmin):
    preview_template = "admin/enforcement/_deadline_preview.html"
    list_display = [
        "event_kind",
        "reporter_role_label",
        "anchor_label",
        "days",
        "unit",
        "valid_from",
        "valid_to",
        in_force_today,
        "unconfirmed",
        "basis_label",
    ]
    list_filter = [InForceFilter, "event_kind", "unit", "unconfirmed", "anchor"]
    search_fields = ["legal_document", "legal_article", "note"]
    fieldsets = [
        (_("期限"), {"fields": ["event_kind", "reporter_role", "anchor", "days", "unit"]}),
        BASIS_FIELDSET,
    ]

    @admin.display(description=_("上报企业类型"), ordering="reporter_role")
    def reporter_role_label(self, row: DeadlineRule) -> str:
        return (
            row.get_reporter_role_display() if row.reporter_role else BLANK_MEANS["reporter_role"]
        )

    @admin.display(description=_("起算时点"), ordering="anchor")
    def anchor_label(self, row: DeadlineRule) -> str:
        return row.get_anchor_display() if row.anchor else BLANK_MEANS["anchor"]

    @admin.display(description=_("法律依据"))
    def basis_label(self, row: DeadlineRule) -> str:
        return row.basis

    def preview_compute(self, row: DeadlineRule):
        return deadline_preview(row=row, as_of=timezone.localdate())


@admin.register(PenaltyRule)
class PenaltyRuleAdmin(PreviewAdmin):
    preview_template = "admin/enforcement/_penalty_preview.html"
    list_display = [
        "rule",
        "correction_days",
        "warning_step",
        "fine_min_yuan",
        "fine_max_yuan",
        "valid_from",
        "valid_to",
        in_force_today,
        "demo_values",
        "unconfirmed",
    ]
    list_filter = [InForceFilter, "rule", "demo_values", "unconfirmed"]
    search_fields = ["legal_document", "legal_article", "note"]
    fieldsets = [
        (
            _("处罚标准"),
            {
                "fields": [
                    "rule",
                    "correction_days",
                    "warning_step",
                    "fine_min_yuan",
                    "fine_max_yuan",
                    "demo_values",
                ]
            },
        ),
        BASIS_FIELDSET,
    ]

    def preview_compute(self, row: PenaltyRule):
        return penalty_preview(row=row, as_of=timezone.localdate())


# --- The working-day calendar ------------------------------------------------------------------


def _package_day(day) -> str:
    info = WorkingCalendar().info(day)
    label = gettext("工作日") if info.is_working else gettext("休息日")
    if not info.official:
        return gettext("%(label)s（该年官方安排未载入，按周一至周五）") % {"label": label}
    return f"{label}（{info.name}）" if info.name else label


class CalendarOverrideForm(forms.ModelForm):
    class Meta:
        model = CalendarOverride
        fields = ["day", "is_working", "reason"]

    def clean_day(self):
        day = self.cleaned_data["day"]
        if not FIRST_DAY <= day <= LAST_DAY:
            raise ValidationError(
                _("日期应在 %(first)s 至 %(last)s 之间（日历表的范围）。"),
                params={"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()},
            )
        return day


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(LegalHistoryAdmin):
    deletable = True
    form = CalendarOverrideForm
    list_display = ["day", "weekday", "is_working", "reason", "package_value"]
    list_filter = ["is_working"]
    search_fields = ["reason"]
    date_hierarchy = "day"

    @admin.display(description=_("星期"))
    def weekday(self, row: CalendarOverride) -> str:
        return "一二三四五六日"[row.day.weekday()]

    @admin.display(description=_("未调整时"))
    def package_value(self, row: CalendarOverride) -> str:
        return _package_day(row.day)

    def save_model(self, request, obj, form, change):
        calendar_override_save(override=obj, user=request.user)
        if WorkingCalendar().is_working(obj.day) == obj.is_working:
            self.message_user(
                request,
                _("提示：%(day)s 未调整时本来就是%(kind)s，这一行不改变任何期限。")
                % {
                    "day": obj.day.isoformat(),
                    "kind": gettext("工作日") if obj.is_working else gettext("休息日"),
                },
                messages.WARNING,
            )
        self.message_user(request, _("日历表已按调整重建，此后的扫描使用新的工作日。"))

    def delete_model(self, request, obj):
        calendar_override_delete(overrides=[obj], user=request.user)

    def delete_queryset(self, request, queryset):
        calendar_override_delete(overrides=list(queryset), user=request.user)


class OfficialScheduleYearForm(forms.ModelForm):
    class Meta:
        model = OfficialScheduleYear
        fields = ["year", "source"]

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not FIRST_DAY.year <= year <= LAST_DAY.year:
            raise ValidationError(
                _("年份应在 %(first)s 至 %(last)s 之间（日历表的范围）。"),
                params={"first": FIRST_DAY.year, "last": LAST_DAY.year},
            )
        if year in official_years():
            raise ValidationError(
                _("%(year)s 年的官方放假安排已由 chinesecalendar 软件包提供，无需登记。"),
                params={"year": year},
            )
        return year


@admin.register(OfficialScheduleYear)
class OfficialScheduleYearAdmin(LegalHistoryAdmin):
    deletable = True
    form = OfficialScheduleYearForm
    list_display = ["year", "source"]

    def save_model(self, request, obj, form, change):
        official_year_save(year=obj, user=request.user)
        self.message_user(
            request,
            _(
                "已登记 %(year)s 年的官方放假安排：请确认该年的节假日和调休上班日"
                "均已录入为工作日调整。"
            )
            % {"year": obj.year},
        )

    def delete_model(self, request, obj):
        official_year_delete(years=[obj], user=request.user)

    def delete_queryset(self, request, queryset):
        official_year_delete(years=list(queryset), user=request.user)
