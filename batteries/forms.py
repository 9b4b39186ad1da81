"""Forms of the digital-identity pages: they parse input; services decide and write."""

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from batteries import rules, selectors
from batteries.models import EventKind
from batteries.services.events import EventInput, ItemError
from batteries.services.packs import PackInput
from batteries.services.scrap import ScrapInput
from common.identifiers import (
    normalize_identifier,
    normalize_uscc,
    normalize_vin,
    validate_uscc,
    validate_vin,
)

MAX_CODES = 1000
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _blank(label) -> list[tuple[str, str]]:
    return [("", label)]


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def _too_many(codes: list[str]) -> forms.ValidationError | None:
    if len(codes) > MAX_CODES:
        return forms.ValidationError(
            _("一次最多%(max)s个编码，实际为%(n)s个；更多请使用文件导入。"),
            params={"max": MAX_CODES, "n": len(codes)},
        )
    return None


def add_item_errors(form: forms.Form, errors: list[ItemError]) -> None:
    """Show a service's per-item errors next to the field they concern (others on top)."""
    for error in errors:
        form.add_error(error.field if error.field in form.fields else None, str(error.message))


# --- Registering packs ------------------------------------------------------------------------


class PackRegisterForm(forms.Form):
    codes = forms.CharField(
        label=_("电池编码"),
        help_text=_("每行一个，最多1000个；24位（梯次利用产品19位）。"),
        widget=forms.Textarea(attrs={"rows": 6, "class": "mono", "spellcheck": "false"}),
    )
    parent_code = forms.CharField(
        label=_("上级编码（可选）"),
        help_text=_("登记模块或单体时填写所属电池包或模块的编码。"),
        required=False,
        max_length=40,
    )
    mass_kg = forms.IntegerField(label=_("质量（千克）"), required=False, min_value=1)
    capacity_wh = forms.IntegerField(label=_("额定能量（瓦时）"), required=False, min_value=1)

    def clean_codes(self) -> list[str]:
        codes = _lines(self.cleaned_data["codes"])
        if not codes:
            raise forms.ValidationError(_("请至少填写一个电池编码。"))
        if error := _too_many(codes):
            raise error
        return codes

    def clean(self):
        cleaned = super().clean()
        several = len(cleaned.get("codes") or []) > 1
        for name in ("mass_kg", "capacity_wh"):
            if several and cleaned.get(name):
                self.add_error(name, _("质量和额定能量只能在登记单个编码时填写。"))
        return cleaned

    def items(self) -> list[PackInput]:
        data = self.cleaned_data
        return [
            PackInput(
                code=code,
                parent_code=data.get("parent_code") or "",
                mass_kg=data.get("mass_kg"),
                capacity_wh=data.get("capacity_wh"),
            )
            for code in data["codes"]
        ]

    def add_item_errors(self, errors: list[ItemError]) -> None:
        """Show registration errors, naming the line of the code each one concerns."""
        codes = self.cleaned_data.get("codes") or []
        for error in errors:
            if error.field == "parent_code":
                self.add_error("parent_code", str(error.message))
                continue
            message = str(error.message)
            if len(codes) > 1 and error.index < len(codes):
                message = _("第%(line)s行 %(code)s：%(message)s") % {
                    "line": error.index + 1,
                    "code": codes[error.index],
                    "message": message,
                }
            self.add_error("codes", message)


# --- Reporting an event -----------------------------------------------------------------------

VOID = selectors.VOID_KIND


def event_fields(kind: str) -> dict[str, bool]:
    """Return the fields (name → required) an event of this kind needs, from rules.py."""
    if kind == VOID:
        return {"reason": True}
    rule = rules.TRANSITIONS.get(kind)
    if rule is None:
        return {}
    fields = {"occurred_at": True}
    if rule.needs_counterparty:
        fields["counterparty_uscc"] = True
    if kind == EventKind.RECEIPT_CONFIRM:
        # Needed only when no handover awaits confirmation (a receipt reported first).
        fields["counterparty_uscc"] = False
    if rule.needs_vehicle or rule.needs_bound_vehicle:
        fields["vin"] = True
    elif kind in rules.BOUND_VIN_PROOF_KINDS:  # proof for a pack the reporter cannot read
        fields["vin"] = False
    if kind in rules.HOLDER_NAMED_PROOF_KINDS:  # the holder that brought the pack
        fields["counterparty_uscc"] = False
    if kind == EventKind.INSTALL:
        fields["swap_model"] = False
    if rule.needs_outlet:
        fields["outlet"] = True
    fields["document_ref"] = rule.needs_document
    if kind == EventKind.RECEIPT_DISPUTE:
        fields["reason"] = True
    if kind == EventKind.REPURPOSE:
        fields |= {"new_code": True, "declared_use": True}
    return fields


def kind_label(kind: str) -> str:
    return str(EventKind(kind).label)


class EventForm(forms.Form):
    """One event on one pack; the fields shown follow the chosen kind (swapped by htmx)."""

    code = forms.CharField(
        label=_("电池编码"), max_length=40, widget=forms.TextInput(attrs={"class": "mono"})
    )
    kind = forms.ChoiceField(
        label=_("事件类型"),
        error_messages={"invalid_choice": _("该电池当前不能由本企业上报此类事件。")},
    )

    OPTIONAL_FIELDS = {
        "occurred_at": lambda: forms.DateTimeField(
            label=_("发生时间（北京时间）"),
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        ),
        "counterparty_uscc": lambda: forms.CharField(
            label=_("对方企业统一社会信用代码"),
            max_length=30,
            widget=forms.TextInput(attrs={"class": "mono", "autocomplete": "off"}),
        ),
        "vin": lambda: forms.CharField(
            label=_("车辆识别代号（VIN）"),
            max_length=30,
            widget=forms.TextInput(attrs={"class": "mono", "autocomplete": "off"}),
        ),
        "swap_model": lambda: forms.BooleanField(label=_("换电车型"), required=False),
        "outlet": lambda: forms.ModelChoiceField(
            label=_("回收服务网点"), queryset=None, empty_label=_("请选择本企业的网点")
        ),
        "document_ref": lambda: forms.CharField(label=_("单据编号"), max_length=64),
        "reason": lambda: forms.CharField(
            label=_("原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
        ),
        "new_code": lambda: forms.CharField(
            label=_("重新编码后的新编码（19位）"),
            max_length=40,
            widget=forms.TextInput(attrs={"class": "mono"}),
        ),
        "declared_use": lambda: forms.CharField(
            label=_("申报用途"),
            max_length=100,
            help_text=_("例如：储能电站、通信基站备用电源。不得用于电动自行车等禁止领域。"),
        ),
    }

    def __init__(self, data=None, *, kinds: list[str], outlets=None, kind: str = "", **kwargs):
        super().__init__(data, **kwargs)
        self.fields["kind"].choices = _blank(_("请选择")) + [(k, kind_label(k)) for k in kinds]
        self.selected_kind = (data.get("kind") if data is not None else kind) or ""
        for name, required in event_fields(self.selected_kind).items():
            field = self.OPTIONAL_FIELDS[name]()
            field.required = required
            self.fields[name] = field
        if "outlet" in self.fields:
            self.fields["outlet"].queryset = outlets
        if "document_ref" in self.fields and self.selected_kind == EventKind.SCRAP_VEHICLE:
            self.fields["document_ref"].label = _("《报废机动车回收证明》编号")
            self.fields["vin"].help_text = _("电池当前所绑定车辆的识别代号。")
        if self.selected_kind in rules.BOUND_VIN_PROOF_KINDS - {EventKind.SCRAP_VEHICLE}:
            self.fields["vin"].help_text = _(
                "电池当前所绑定车辆的识别代号；本企业无权查看该电池时必填，作为与该电池关系的证明。"
            )
        if self.selected_kind in rules.HOLDER_NAMED_PROOF_KINDS:
            self.fields["counterparty_uscc"].label = _("送交企业统一社会信用代码")
            self.fields["counterparty_uscc"].help_text = _(
                "将电池送交网点的企业（电池当前持有企业）；本企业无权查看该电池时必填。"
            )
        if self.selected_kind == EventKind.RECEIPT_CONFIRM:
            self.fields["counterparty_uscc"].label = _("移交方统一社会信用代码")
            self.fields["counterparty_uscc"].help_text = _(
                "移交方尚未上报移交、待确认列表中没有该电池时填写：接收将先行记录，"
                "待移交方上报后核对。"
            )
        if "reason" in self.fields and self.selected_kind == VOID:
            self.fields["reason"].label = _("更正原因")
        if "occurred_at" in self.fields and data is None:
            self.initial.setdefault("occurred_at", timezone.localtime().replace(second=0))

    def clean_code(self) -> str:
        return normalize_identifier(self.cleaned_data["code"])

    def clean_counterparty_uscc(self) -> str:
        uscc = normalize_uscc(self.cleaned_data["counterparty_uscc"])
        if not uscc and not self.fields["counterparty_uscc"].required:
            return ""
        if errors := validate_uscc(uscc):
            raise forms.ValidationError([str(e) for e in errors])
        return uscc

    def clean_vin(self) -> str:
        vin = normalize_vin(self.cleaned_data["vin"])
        if not vin and not self.fields["vin"].required:  # a proof a reader may leave out
            return ""
        if errors := validate_vin(vin):
            raise forms.ValidationError([str(e) for e in errors])
        return vin

    def clean_new_code(self) -> str:
        report = selectors.code_reports(
            codes=[self.cleaned_data["new_code"]], today=timezone.localdate()
        )[0]
        if report.errors:
            raise forms.ValidationError([str(e) for e in report.errors])
        if not report.result.parsed.is_repurposed:
            raise forms.ValidationError(
                _("梯次利用产品的新编码应为19位：去掉7位追溯信息代码，以“R”加产品类型结尾。")
            )
        if report.code_registered:
            raise forms.ValidationError(_("该编码已登记，不能作为新编码。"))
        return report.result.code

    def event_input(self) -> EventInput:
        """Return the service input for a valid form (any kind but "void")."""
        data = self.cleaned_data
        details = {}
        if data.get("reason"):
            details["reason"] = data["reason"].strip()
        if data.get("swap_model"):
            details["swap_model"] = True
        if data.get("new_code"):
            details |= {"new_code": data["new_code"], "declared_use": data["declared_use"]}
        outlet = data.get("outlet")
        return EventInput(
            code=data["code"],
            kind=data["kind"],
            occurred_at=data["occurred_at"],
            counterparty_uscc=data.get("counterparty_uscc", ""),
            vin=data.get("vin", ""),
            outlet_id=outlet.pk if outlet else None,
            document_ref=data.get("document_ref", "").strip(),
            details=details,
        )


class DisputeForm(forms.Form):
    reason = forms.CharField(label=_("异议原因"), max_length=500)


# --- Code check and public lookup -------------------------------------------------------------


class CodeCheckForm(forms.Form):
    codes = forms.CharField(
        label=_("电池编码"),
        help_text=_("每行一个，最多1000个。"),
        widget=forms.Textarea(attrs={"rows": 8, "class": "mono", "spellcheck": "false"}),
    )

    def clean_codes(self) -> list[str]:
        codes = _lines(self.cleaned_data["codes"])
        if not codes:
            raise forms.ValidationError(_("请至少填写一个电池编码。"))
        if error := _too_many(codes):
            raise error
        return codes


class LookupForm(forms.Form):
    code = forms.CharField(
        label=_("电池编码"),
        max_length=40,
        widget=forms.TextInput(attrs={"class": "mono", "autofocus": True}),
    )

    def clean_code(self) -> str:
        return normalize_identifier(self.cleaned_data["code"])


# --- Reporting a scrapped vehicle -------------------------------------------------------------

_CODE_SEPARATORS = re.compile(r"[;；,，、\s]+")


class ScrapForm(forms.Form):
    """One scrapped vehicle. Fields are only parsed here: the service checks everything, so
    every problem of the vehicle is shown at once."""

    vin = forms.CharField(
        label=_("车辆识别代号（VIN）"),
        max_length=40,
        widget=forms.TextInput(attrs={"class": "mono", "autocomplete": "off"}),
    )
    certificate_no = forms.CharField(label=_("《报废机动车回收证明》编号"), max_length=200)
    scrapped_at = forms.DateTimeField(
        label=_("报废回收时间（北京时间）"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    arrived_codes = forms.CharField(
        label=_("随车到场的电池编码"),
        required=False,
        help_text=_(
            "按电池标签填写，每行一个（也可用分号、逗号、顿号或空格分隔）；"
            "留空表示该车辆绑定的电池全部随车到场。"
        ),
        widget=forms.Textarea(attrs={"rows": 4, "class": "mono", "spellcheck": "false"}),
    )
    pack_missing = forms.BooleanField(label=_("电池缺失"), required=False)
    swap_pool = forms.BooleanField(label=_("换电车型，电池在换电体系内"), required=False)
    note = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("scrapped_at", timezone.localtime().replace(second=0))

    def scrap_input(self) -> ScrapInput:
        """Return the service input from what parsed (a field in error counts as empty)."""
        data = self.cleaned_data
        codes = [c for c in _CODE_SEPARATORS.split(data.get("arrived_codes") or "") if c]
        return ScrapInput(
            vin=normalize_vin(data.get("vin") or ""),
            certificate_no=(data.get("certificate_no") or "").strip(),
            scrapped_at=data.get("scrapped_at"),
            arrived_codes=codes or None,
            pack_missing=bool(data.get("pack_missing")),
            swap_pool=bool(data.get("swap_pool")),
            note=(data.get("note") or "").strip(),
        )

    def add_service_errors(self, errors: list[ItemError]) -> None:
        """Show the service's errors next to their fields, unless a field already has one."""
        parsed_badly = set(self.errors)
        for error in errors:
            name = error.field if error.field in self.fields else None
            if name is not None and name in parsed_badly:
                continue
            self.add_error(name, str(error.message))
