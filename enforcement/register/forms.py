"""The upload form of the scrapped-vehicle register."""

from django import forms
from django.utils.translation import gettext_lazy as _


class RegisterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("登记文件（CSV 或 XLSX）"),
        help_text=_(
            "第一行为表头：车辆识别代号、证明编号、报废日期（YYYY-MM-DD）、"
            "拆解企业统一社会信用代码。CSV 可为 UTF-8（含或不含 BOM）或 GB18030 编码。"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
