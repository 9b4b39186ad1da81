"""Forms of the portal pages. They check input shape; the services decide and write."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.identifiers import normalize_identifier, normalize_uscc
from enterprises import rules
from enterprises.models import Outlet, Role
from enterprises.validators import (
    division_code_validator,
    supporting_document_validator,
    uscc_validator,
)


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError next to the matching fields (others on top)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class PasswordPairMixin:
    """Two password inputs that must match; strength is checked by the service."""

    def clean(self):
        cleaned = super().clean()
        password, confirm = cleaned.get("password"), cleaned.get("password_confirm")
        if password and confirm and password != confirm:
            self.add_error("password_confirm", _("两次输入的密码不一致。"))
        return cleaned


def _password_fields() -> dict[str, forms.Field]:
    return {
        "password": forms.CharField(
            label=_("密码"), strip=False, widget=forms.PasswordInput(render_value=False)
        ),
        "password_confirm": forms.CharField(
            label=_("确认密码"), strip=False, widget=forms.PasswordInput(render_value=False)
        ),
    }


class RegistrationForm(PasswordPairMixin, forms.Form):
    name = forms.CharField(label=_("企业名称"), max_length=200)
    uscc = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=40,
        help_text=_("18位，见营业执照；字母不区分大小写。"),
    )
    address = forms.CharField(label=_("地址"), max_length=300)
    division_code = forms.CharField(
        label=_("行政区划代码"),
        max_length=10,
        help_text=_("注册地所在区县的6位代码（GB/T 2260），例如 350902。"),
    )
    contact_name = forms.CharField(label=_("联系人"), max_length=100)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=40)
    contact_email = forms.EmailField(label=_("联系邮箱"))
    roles = forms.MultipleChoiceField(
        label=_("企业类型（可多选）"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )
    dismantler_qualification_no = forms.CharField(
        label=_("拆解资质证书编号"),
        max_length=64,
        required=False,
        help_text=_("选择“报废机动车回收拆解企业”时必填。"),
    )
    manufacturer_codes = forms.CharField(
        label=_("厂商代码"),
        max_length=200,
        required=False,
        help_text=_(
            "电池或汽车的生产企业、进口商填写；多个代码用逗号分隔，每个3位数字或大写字母。"
        ),
    )
    supporting_document = forms.FileField(
        label=_("证明材料"),
        help_text=_("营业执照或资质文件，PDF、JPG 或 PNG，不超过 10 MB。"),
        validators=[supporting_document_validator],
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    username = forms.CharField(label=_("管理员用户名"), max_length=150)
    full_name = forms.CharField(label=_("管理员姓名"), max_length=150)
    email = forms.EmailField(label=_("管理员邮箱"))
    phone = forms.CharField(label=_("管理员手机号码"), max_length=40, required=False)
    password = _password_fields()["password"]
    password_confirm = _password_fields()["password_confirm"]

    def clean_uscc(self) -> str:
        value = normalize_uscc(self.cleaned_data["uscc"])
        uscc_validator(value)
        return value

    def clean_division_code(self) -> str:
        value = normalize_identifier(self.cleaned_data["division_code"])
        division_code_validator(value)
        return value

    def clean_manufacturer_codes(self) -> list[str]:
        return rules.parse_manufacturer_codes(self.cleaned_data["manufacturer_codes"])

    def clean(self):
        cleaned = super().clean()
        problems = rules.enterprise_role_problems(
            roles=cleaned.get("roles") or [],
            dismantler_qualification_no=cleaned.get("dismantler_qualification_no", ""),
        )
        for field, messages in problems.items():
            self.add_error(field, messages)
        return cleaned

    def cleaned_data_for_service(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("password_confirm")
        return data


class ReviewForm(forms.Form):
    action = forms.ChoiceField(choices=list(rules.REVIEW_ACTIONS.items()), widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("理由"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("驳回或暂停时必填，将通过邮件告知企业。"),
    )


class OutletForm(forms.ModelForm):
    operator_uscc = forms.CharField(
        label=_("运营企业统一社会信用代码（可选）"),
        max_length=18,
        required=False,
        help_text=_("网点委托其他企业运营时填写；由本企业自行运营则留空。"),
    )

    class Meta:
        model = Outlet
        fields = ["name", "address", "division_code", "status"]
        help_texts = {"division_code": _("网点所在区县的6位行政区划代码。")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.operator_id:
            self.fields["operator_uscc"].initial = self.instance.operator.uscc

    def clean_division_code(self) -> str:
        return normalize_identifier(self.cleaned_data["division_code"])


class OperatorForm(PasswordPairMixin, forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    full_name = forms.CharField(label=_("姓名"), max_length=150)
    email = forms.EmailField(label=_("邮箱"))
    phone = forms.CharField(label=_("手机号码"), max_length=40, required=False)
    password = _password_fields()["password"]
    password_confirm = _password_fields()["password_confirm"]


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("名称"), max_length=50, help_text=_("用途说明，例如“MES 系统上报”。")
    )
    expires_on = forms.DateField(
        label=_("有效期至"),
        help_text=_("默认一年，最长两年。"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        today = today or timezone.localdate()
        default = rules.add_years(today, rules.API_KEY_DEFAULT_YEARS)
        self.fields["expires_on"].initial = default
        self.fields["expires_on"].widget.attrs.update(
            min=(today + dt.timedelta(days=1)).isoformat(),
            max=rules.add_years(today, rules.API_KEY_MAX_YEARS).isoformat(),
        )
