"""Forms of the review desk: the queue's filters, bulk actions, and the case page's actions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from enforcement import rules
from enforcement.models import Case, Rule
from enterprises.models import PROVINCE_CHOICES

ALL = _("全部")
ACTION_LABELS = {
    rules.ASSIGN: _("分配给我"),
    rules.CONFIRM: _("确认"),
    rules.DISMISS: _("驳回"),
}
REASON_REQUIRED = _("驳回必须填写理由。")


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CaseFilterForm(forms.Form):
    """The queue's filters; dates are Beijing dates, both ends included."""

    rule = forms.ChoiceField(
        label=_("违法情形"), required=False, choices=[("", ALL), *Rule.choices]
    )
    province = forms.ChoiceField(
        label=_("省份"), required=False, choices=[("", ALL), *PROVINCE_CHOICES]
    )
    enterprise = forms.CharField(
        label=_("企业名称或统一社会信用代码"), required=False, max_length=100
    )
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", ALL), *Case.Status.choices]
    )
    detected_from = forms.DateField(label=_("发现日期自"), required=False, widget=_date_input())
    detected_to = forms.DateField(label=_("发现日期至"), required=False, widget=_date_input())
    # Hidden: the statistics link here (fines by month): cases whose live fine decision was
    # issued in that month (YYYY-MM).
    fine_month = forms.DateField(
        label=_("罚款决定月份"), required=False, input_formats=["%Y-%m"], widget=forms.HiddenInput
    )

    def __init__(self, *args, show_province: bool = False, show_enterprise: bool = True, **kw):
        super().__init__(*args, **kw)
        if not show_province:
            del self.fields["province"]
        if not show_enterprise:
            del self.fields["enterprise"]

    def clean(self):
        data = super().clean()
        start, end = data.get("detected_from"), data.get("detected_to")
        if start and end and start > end:
            self.add_error("detected_to", _("结束日期不能早于开始日期。"))
        return data


class CaseIdsField(forms.MultipleChoiceField):
    """Case ids ticked in the table; which of them the user may act on is the view's job."""

    def valid_value(self, value) -> bool:
        return str(value).isdigit() and len(str(value)) < 19

    def to_python(self, value) -> list[int]:
        return [int(v) for v in super().to_python(value) if self.valid_value(v)]


class CaseBulkForm(forms.Form):
    """One action on the ticked cases; each case is then handled on its own."""

    MAX_CASES = 500

    cases = CaseIdsField(
        label=_("案件"),
        error_messages={
            "required": _("请至少勾选一件案件。"),
            "invalid_choice": _("案件编号无效。"),
        },
    )
    action = forms.ChoiceField(
        label=_("操作"),
        choices=list(ACTION_LABELS.items()),
        error_messages={"required": _("请选择要执行的操作。")},
    )
    reason = forms.CharField(
        label=_("理由"),
        required=False,
        max_length=2000,
        help_text=_("确认时可填写；驳回时必须填写。"),
    )

    def clean(self):
        data = super().clean()
        if data.get("action") in rules.CASE_REASON_REQUIRED and not data.get("reason", "").strip():
            self.add_error("reason", REASON_REQUIRED)
        if len(data.get("cases") or []) > self.MAX_CASES:
            self.add_error(
                "cases",
                _("一次最多办理 %(n)s 件案件，请分批办理。") % {"n": self.MAX_CASES},
            )
        return data


class CaseActionForm(forms.Form):
    """One action on one case from its page: assign (to me or, for MIIT, to another
    official), confirm (reason optional) or dismiss (reason required)."""

    action = forms.ChoiceField(
        label=_("操作"),
        choices=list(ACTION_LABELS.items()),
        error_messages={"required": _("请选择要执行的操作。")},
    )
    reason = forms.CharField(
        label=_("审查意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("确认时可填写；驳回时必须填写。"),
    )
    assignee = forms.ModelChoiceField(
        label=_("分配给"),
        required=False,
        queryset=None,
        empty_label=_("（我自己）"),
        error_messages={"invalid_choice": _("所选人员不能承办该案件。")},
    )

    def __init__(self, *args, assignees=None, **kwargs):
        super().__init__(*args, **kwargs)
        if assignees is None:
            del self.fields["assignee"]
        else:
            self.fields["assignee"].queryset = assignees
            self.fields["assignee"].label_from_instance = _assignee_label

    def clean(self):
        data = super().clean()
        if data.get("action") in rules.CASE_REASON_REQUIRED and not data.get("reason", "").strip():
            self.add_error("reason", REASON_REQUIRED)
        return data


def _assignee_label(user) -> str:
    name = user.get_full_name() or user.username
    where = user.get_province_display() if user.province else _("工业和信息化部")
    return f"{name}（{where}）"
