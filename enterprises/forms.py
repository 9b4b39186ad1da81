"""Forms of the portal pages. They check input shape; the services decide and write."""

import datetime as dt
import re

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from common.identifiers import normalize_identifier, normalize_uscc, validate_uscc
from enterprises import rules
from enterprises.models import Enterprise, ManufacturerCode, Outlet, Role, User
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


# Django's validators whose message has no Chinese in Django's catalog (the plural form of
# the length message): outside English the form says it in the portal's own words.
PASSWORD_MESSAGES = {
    "password_too_short": _("密码太短：至少需要 %(min_length)s 个字符。"),
}


def password_problems(password: str, user: User) -> list[str]:
    """Return what the password validators refuse in this password, in one language."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return [
            str(PASSWORD_MESSAGES[error.code] % (error.params or {}))
            if error.code in PASSWORD_MESSAGES and not (get_language() or "").startswith("en")
            else error.messages[0]
            for error in exc.error_list
        ]
    return []


class PasswordPairMixin:
    """Two password inputs that must match and pass the password validators.

    The service checks the strength again; checking here too shows it with the other
    errors of the same submission instead of one round later.
    """

    def clean(self):
        cleaned = super().clean()
        password, confirm = cleaned.get("password"), cleaned.get("password_confirm")
        if password and confirm and password != confirm:
            self.add_error("password_confirm", _("两次输入的密码不一致。"))
        if password:
            candidate = User(
                username=cleaned.get("username", ""),
                email=cleaned.get("email", ""),
                first_name=cleaned.get("full_name", ""),
            )
            for problem in password_problems(password, candidate):
                self.add_error("password", problem)
        return cleaned


# Digits with the separators people write: +86 591-8888 8888, (0591) 88888888, 138 0000 0000,
# and an extension (转 123, ext. 123). Between 7 and 15 digits before it (ITU-T E.164).
_PHONE = re.compile(r"^(?P<number>\+?[\d\s()（）-]+?)\s*(?:(?:转|ext\.?|x)\s*\d{1,6})?$", re.I)
PHONE_MESSAGE = _(
    "电话号码“%(value)s”无效：应为7至15位数字，可含区号、空格或短横线，如 0591-88888888。"
)


def clean_phone(value: str) -> str:
    """Return the phone number as typed (trimmed); raise ValidationError if it is not one."""
    value = (value or "").strip()
    if not value:
        return value
    match = _PHONE.match(value)
    digits = sum(ch.isdigit() for ch in match["number"]) if match else 0
    if not 7 <= digits <= 15:
        raise ValidationError(PHONE_MESSAGE, code="phone", params={"value": value})
    return value


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

    def __init__(self, *args, kept_document: File | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # A file uploaded with a submission that had other errors is kept: not asked again.
        self.kept_document = kept_document
        if kept_document is not None:
            self.fields["supporting_document"].required = False

    def clean_uscc(self) -> str:
        value = normalize_uscc(self.cleaned_data["uscc"])
        uscc_validator(value)
        if Enterprise.objects.filter(uscc=value).exists():
            raise ValidationError(
                _("统一社会信用代码 %(uscc)s 已经注册，请勿重复申请。") % {"uscc": value}
            )
        return value

    def clean_division_code(self) -> str:
        value = normalize_identifier(self.cleaned_data["division_code"])
        division_code_validator(value)
        return value

    def clean_contact_phone(self) -> str:
        return clean_phone(self.cleaned_data["contact_phone"])

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data["phone"])

    def clean_manufacturer_codes(self) -> list[str]:
        return rules.parse_manufacturer_codes(self.cleaned_data["manufacturer_codes"])

    def clean_supporting_document(self):
        return self.cleaned_data.get("supporting_document") or self.kept_document

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        field = User._meta.get_field("username")
        for validator in field.validators:
            validator(username)
        if User.objects.filter(username=username).exists():
            raise ValidationError(field.error_messages["unique"], code="unique")
        return username

    def clean(self):
        cleaned = super().clean()
        roles = cleaned.get("roles") or []
        problems = rules.enterprise_role_problems(
            roles=roles,
            dismantler_qualification_no=cleaned.get("dismantler_qualification_no", ""),
        )
        for field, messages in problems.items():
            self.add_error(field, messages)
        codes = cleaned.get("manufacturer_codes")
        if codes is not None and "roles" in cleaned:
            taken = ManufacturerCode.objects.filter(code__in=codes).values_list("code", flat=True)
            problems = rules.manufacturer_code_problems(roles=roles, codes=codes, taken=taken)
            if problems:
                self.add_error("manufacturer_codes", problems)
        return cleaned

    @property
    def new_document(self):
        """Return the file uploaded with this submission if it passed its checks, else None."""
        if "supporting_document" in self.errors:
            return None
        document = self.cleaned_data.get("supporting_document")
        return document if document is not None and document is not self.kept_document else None

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

    def clean_operator_uscc(self) -> str:
        """Check the operator as the service will, so its error comes with the others."""
        uscc = normalize_uscc(self.cleaned_data["operator_uscc"])
        if not uscc:
            return uscc
        if errors := validate_uscc(uscc):
            raise ValidationError([str(e) for e in errors])
        if not Enterprise.objects.approved().filter(uscc=uscc).exists():
            raise ValidationError(_("运营企业未在平台登记或未获批准：%(uscc)s") % {"uscc": uscc})
        return uscc


class OperatorForm(PasswordPairMixin, forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    full_name = forms.CharField(label=_("姓名"), max_length=150)
    email = forms.EmailField(label=_("邮箱"))
    phone = forms.CharField(label=_("手机号码"), max_length=40, required=False)
    password = _password_fields()["password"]
    password_confirm = _password_fields()["password_confirm"]

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data["phone"])


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
