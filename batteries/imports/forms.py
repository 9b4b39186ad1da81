"""The upload form of the import channel."""

from django import forms
from django.utils.translation import gettext_lazy as _

from batteries.models import ImportBatch

MODE_HELP = {
    ImportBatch.Mode.COMMIT_VALID: _(
        "逐批提交校验通过的行；有错误的行不导入，并在错误报告中列出行号、字段和原因。"
        "平台上已存在的编码计为“已存在”，不会重复导入。"
    ),
    ImportBatch.Mode.ALL_OR_NOTHING: _(
        "先校验整个文件；只要有一行错误，就不导入任何数据，请修正后重新上传整个文件。"
        "全部通过才提交。事件文件在一个事务中处理，最多 200,000 行。"
    ),
}
KIND_HELP = {
    ImportBatch.Kind.PACKS: _(
        "为本企业生产或进口的电池包、模块、单体登记编码（数字身份的第一个事件）。"
    ),
    ImportBatch.Kind.EVENTS: _("上报已登记电池的生命周期事件，如生产、交付、装车、移交。"),
    ImportBatch.Kind.SCRAPPED_VEHICLES: _(
        "报废机动车回收拆解企业按车辆识别代号和《报废机动车回收证明》编号上报报废车辆，"
        "并说明哪些绑定的电池随车到场、电池缺失或换电车型的电池在换电体系内。"
    ),
}


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("导入内容"),
        choices=ImportBatch.Kind.choices,
        initial=ImportBatch.Kind.PACKS,
        widget=forms.RadioSelect,
    )
    mode = forms.ChoiceField(
        label=_("有错误行时"),
        choices=ImportBatch.Mode.choices,
        initial=ImportBatch.Mode.COMMIT_VALID,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=_("文件（CSV 或 XLSX）"),
        help_text=_("CSV 可为 UTF-8（含或不含 BOM）或 GB18030 编码；第一行为表头。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
