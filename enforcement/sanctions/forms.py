"""Forms of the ladder's steps on the case page: one per action, prefilled from the case."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from enforcement import rules
from enforcement.sanctions.attachments import ACCEPT, attachment_problems
from enforcement.sanctions.models import Defence

ACTION_LABELS = {
    rules.ORDER: _("签发责令限期改正通知书"),
    rules.ACCEPT: _("采纳整改"),
    rules.RETURN: _("退回整改材料"),
    rules.CLOSE: _("结案"),
    rules.WARN: _("签发警告决定书"),
    rules.NOTICE: _("签发行政处罚事先告知书"),
    rules.HEAR: _("记录听证"),
    rules.DECIDE: _("签发罚款决定书"),
    rules.PAY: _("登记缴款"),
    rules.RESPOND: _("提交整改材料"),
    rules.DEFEND: _("提交陈述申辩或听证申请"),
    rules.REVOKE: _("撤销并重新签发"),
}


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OrderForm(forms.Form):
    """A correction order or a warning: the correction period (working days) and facts."""

    days = forms.IntegerField(
        label=_("改正期限（工作日）"),
        min_value=1,
        max_value=250,
        error_messages={"required": _("请填写改正期限。")},
    )
    reason = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=2000,
        widget=_textarea(2),
        help_text=_("改正期限与处罚标准不同时必须说明理由。"),
    )
    facts = forms.CharField(
        label=_("违法事实"), required=False, max_length=5000, widget=_textarea(4)
    )


class NoticeForm(forms.Form):
    amount_yuan = forms.IntegerField(
        label=_("拟罚款金额（元）"),
        min_value=1,
        error_messages={"required": _("请填写拟罚款金额。")},
    )
    facts = forms.CharField(
        label=_("违法事实"), required=False, max_length=5000, widget=_textarea(4)
    )


class DecideForm(forms.Form):
    amount_yuan = forms.IntegerField(
        label=_("罚款金额（元）"), min_value=1, error_messages={"required": _("请填写罚款金额。")}
    )
    assessment = forms.CharField(
        label=_("对陈述、申辩的审查和采纳情况"),
        max_length=5000,
        widget=_textarea(3),
        error_messages={"required": _("请说明对当事人陈述、申辩（或未提出）的审查和采纳情况。")},
    )
    facts = forms.CharField(
        label=_("违法事实"), required=False, max_length=5000, widget=_textarea(4)
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), required=False, max_length=2000, widget=_textarea(2))


class HearForm(forms.Form):
    held_on = forms.DateField(label=_("听证日期"), widget=_date_input())
    summary = forms.CharField(label=_("听证笔录摘要"), max_length=5000, widget=_textarea(3))


class PayForm(forms.Form):
    paid_on = forms.DateField(label=_("缴款日期"), widget=_date_input())
    amount = forms.DecimalField(
        label=_("缴款金额（元）"),
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        error_messages={"max_decimal_places": _("金额最多两位小数（分）。")},
    )
    voucher_no = forms.CharField(label=_("缴款凭证号"), max_length=64)

    @property
    def amount_fen(self) -> int:
        return int(self.cleaned_data["amount"] * 100)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class RespondForm(forms.Form):
    statement = forms.CharField(
        label=_("整改情况说明"),
        max_length=10000,
        widget=_textarea(5),
        error_messages={"required": _("请填写整改情况说明。")},
    )
    files = MultipleFileField(
        label=_("证明材料"),
        required=False,
        help_text=_(
            "可选多个文件：PDF、JPG、PNG、XLSX、XLS、CSV，单个不超过 10 MB，合计不超过 30 MB。"
        ),
    )

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        problems = attachment_problems(files)
        if problems:
            raise forms.ValidationError(problems)
        return files


class DefendForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("类型"), choices=Defence.Kind.choices, initial=Defence.Kind.STATEMENT
    )
    text = forms.CharField(
        label=_("内容"),
        max_length=10000,
        widget=_textarea(4),
        error_messages={"required": _("请填写陈述、申辩的内容或听证申请的理由。")},
    )

    def __init__(self, *args, hearing_offered: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not hearing_offered:
            self.fields["kind"].choices = [Defence.Kind.choices[0]]


class ReissueForm(forms.Form):
    reason = forms.CharField(
        label=_("撤销理由"),
        max_length=2000,
        widget=_textarea(2),
        error_messages={"required": _("撤销文书必须填写理由。")},
    )
    days = forms.IntegerField(label=_("更正后的改正期限（工作日）"), required=False, min_value=1)
    amount_yuan = forms.IntegerField(label=_("更正后的金额（元）"), required=False, min_value=1)
    facts = forms.CharField(
        label=_("更正后的违法事实"), required=False, max_length=5000, widget=_textarea(3)
    )


FORMS = {
    rules.ORDER: OrderForm,
    rules.WARN: OrderForm,
    rules.NOTICE: NoticeForm,
    rules.DECIDE: DecideForm,
    rules.CLOSE: ReasonForm,
    rules.ACCEPT: ReasonForm,
    rules.RETURN: ReasonForm,
    rules.HEAR: HearForm,
    rules.PAY: PayForm,
    rules.RESPOND: RespondForm,
    rules.DEFEND: DefendForm,
}
