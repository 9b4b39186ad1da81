"""Import and export of enterprises and whitelist entries (django-import-export).

Files are a contract with regulators' spreadsheets, so the column headers are fixed Chinese
text, not translated per user. Every imported row goes through the model's `full_clean()`,
i.e. the same USCC, division-code and role validators as the registration service.
"""

import re

import tablib
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets
from import_export.formats import base_formats

from common.identifiers import normalize_identifier, normalize_uscc
from enterprises.models import Enterprise, Role, WhitelistEntry

_SEPARATORS = re.compile(r"[、,，;；\s]+")


class ChineseCSV(base_formats.CSV):
    """CSV with a UTF-8 byte-order mark (Excel on Chinese Windows needs it); reads GB18030 too."""

    def export_data(self, dataset, **kwargs) -> str:
        return "\ufeff" + super().export_data(dataset, **kwargs)

    # Read raw bytes so the encoding can be detected here instead of assumed upstream.
    def is_binary(self) -> bool:
        return True

    def get_read_mode(self) -> str:
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            try:
                in_stream = in_stream.decode("utf-8-sig")
            except UnicodeDecodeError:
                in_stream = in_stream.decode("gb18030")
        return tablib.import_set(in_stream.lstrip("\ufeff"), format="csv")


FORMATS = [ChineseCSV, base_formats.XLSX]


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # spreadsheets turn 350902 into 350902.0
    return "" if value is None else str(value)


class ChoiceLabelWidget(widgets.Widget):
    """A choice written as its Chinese label; the stored code is accepted on import too."""

    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.choices = list(choices)

    def _labels(self) -> dict[str, str]:
        with translation.override("zh-hans"):
            return {str(label): code for code, label in self.choices}

    def clean(self, value, row=None, **kwargs):
        value = _text(value).strip()
        codes = {code for code, _label in self.choices}
        code = value if value in codes else self._labels().get(value)
        if code is None:
            raise ValueError(
                _("“%(value)s”无效，应为：%(allowed)s。")
                % {"value": value, "allowed": "、".join(self._labels())}
            )
        return code

    def render(self, value, obj=None, **kwargs) -> str:
        return {code: label for label, code in self._labels().items()}.get(value, value or "")


class RolesWidget(ChoiceLabelWidget):
    """Enterprise roles as Chinese labels separated by 、."""

    def __init__(self, **kwargs):
        super().__init__(Role.choices, **kwargs)

    def clean(self, value, row=None, **kwargs):
        tokens = [t for t in _SEPARATORS.split(_text(value).strip()) if t]
        return [super(RolesWidget, self).clean(token) for token in tokens]

    def render(self, value, obj=None, **kwargs) -> str:
        return "、".join(super(RolesWidget, self).render(role) for role in value or [])


class ScopedEnterpriseWidget(widgets.ForeignKeyWidget):
    """An enterprise named by its USCC, looked up only among those the importer may read."""

    def __init__(self, user, **kwargs):
        super().__init__(Enterprise, field="uscc", **kwargs)
        self.user = user

    def get_queryset(self, value, row, *args, **kwargs):
        return Enterprise.objects.scoped_for(self.user)

    def clean(self, value, row=None, **kwargs):
        uscc = normalize_uscc(_text(value))
        try:
            return super().clean(uscc, row=row, **kwargs)
        except Enterprise.DoesNotExist as exc:
            raise ValueError(
                _("统一社会信用代码 %(uscc)s 对应的企业不存在或不在您的监管范围内。")
                % {"uscc": uscc}
            ) from exc


class ScopedResource(resources.ModelResource):
    """A resource that knows who imports, to scope lookups and to sign the history rows."""

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user

    def get_queryset(self):
        return self._meta.model.objects.scoped_for(self.user)

    def get_instance(self, instance_loader, row):
        # A key that names nothing readable is reported as that row's field error
        # (by import_instance), not as a crash of the row.
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            return None

    def before_save_instance(self, instance, row, **kwargs):
        instance._history_user = self.user
        instance._change_reason = "批量导入 / bulk import"


class EnterpriseResource(ScopedResource):
    name = fields.Field("name", "企业名称")
    uscc = fields.Field("uscc", "统一社会信用代码")
    address = fields.Field("address", "地址")
    division_code = fields.Field("division_code", "行政区划代码")
    province = fields.Field(
        "province",
        "省份",
        readonly=True,
        widget=ChoiceLabelWidget(Enterprise.province.field.choices),
    )
    roles = fields.Field("roles", "企业类型", widget=RolesWidget())
    dismantler_qualification_no = fields.Field("dismantler_qualification_no", "拆解资质证书编号")
    contact_name = fields.Field("contact_name", "联系人")
    contact_phone = fields.Field("contact_phone", "联系电话")
    contact_email = fields.Field("contact_email", "联系邮箱")
    # Status changes only through the review service, never by import.
    status = fields.Field(
        "status", "状态", readonly=True, widget=ChoiceLabelWidget(Enterprise.Status.choices)
    )
    created_at = fields.Field(
        "created_at", "登记时间", readonly=True, widget=widgets.DateTimeWidget("%Y-%m-%d %H:%M")
    )

    class Meta:
        model = Enterprise
        fields = [
            "name",
            "uscc",
            "address",
            "division_code",
            "province",
            "roles",
            "dismantler_qualification_no",
            "contact_name",
            "contact_phone",
            "contact_email",
            "status",
            "created_at",
        ]
        import_id_fields = ["uscc"]
        clean_model_instances = True
        skip_unchanged = True

    def before_import_row(self, row, **kwargs):
        for column, normalize in (
            ("统一社会信用代码", normalize_uscc),
            ("行政区划代码", normalize_identifier),
        ):
            if column in row:
                row[column] = normalize(_text(row[column]))
        for column in ("拆解资质证书编号", "联系电话"):
            if column in row:
                row[column] = _text(row[column]).strip()


class WhitelistEntryResource(ScopedResource):
    enterprise = fields.Field("enterprise", "统一社会信用代码")
    enterprise_name = fields.Field("enterprise__name", "企业名称", readonly=True)
    category = fields.Field(
        "category", "类别", widget=ChoiceLabelWidget(WhitelistEntry.Category.choices)
    )
    batch = fields.Field("batch", "公告批次")
    announcement_no = fields.Field("announcement_no", "公告文号")
    announced_on = fields.Field("announced_on", "公告日期", widget=widgets.DateWidget("%Y-%m-%d"))
    status = fields.Field("status", "状态", widget=ChoiceLabelWidget(WhitelistEntry.Status.choices))
    capacity_tonnes = fields.Field(
        "capacity_tonnes", "年处理能力（吨）", widget=widgets.IntegerWidget()
    )
    note = fields.Field("note", "备注")

    class Meta:
        model = WhitelistEntry
        fields = [
            "enterprise",
            "enterprise_name",
            "category",
            "batch",
            "announcement_no",
            "announced_on",
            "status",
            "capacity_tonnes",
            "note",
        ]
        import_id_fields = ["enterprise", "category", "announcement_no"]
        clean_model_instances = True
        skip_unchanged = True

    def __init__(self, user=None, **kwargs):
        super().__init__(user=user, **kwargs)
        self.fields["enterprise"].widget = ScopedEnterpriseWidget(user)
