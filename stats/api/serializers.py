"""Serializers of the statistics API: the query filters, and the rows as documented."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from enterprises.models import PROVINCE_CHOICES, Role
from stats.selectors import StatsFilter, month_start

MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
MAX_MONTHS = 120
PROVINCES = dict(PROVINCE_CHOICES)
ROLES = dict(Role.choices)


def _month(text: str) -> dt.date:
    return dt.date(int(text[:4]), int(text[5:7]), 1)


class StatsQuery(serializers.Serializer):
    """The filters every statistics call takes (query parameters)."""

    month_from = serializers.RegexField(
        MONTH,
        required=False,
        help_text="起始月份 YYYY-MM（含），默认截止月份前11个月 / first month, inclusive",
    )
    month_to = serializers.RegexField(
        MONTH, required=False, help_text="截止月份 YYYY-MM（含），默认本月 / last month, inclusive"
    )
    province = serializers.RegexField(
        r"^\d{2}$",
        required=False,
        help_text="省级行政区划代码（2位），只在可见范围内缩小 / province code, narrows only",
    )
    role = serializers.RegexField(
        r"^[a-z_]{1,32}$",
        required=False,
        help_text="企业类型：" + ", ".join(Role.values) + " / enterprise role",
    )
    enterprise_id = serializers.IntegerField(
        required=False, min_value=1, max_value=2**53, help_text="企业 ID / enterprise id"
    )

    def validate_month_from(self, value: str) -> dt.date:
        return self._valid_month(value)

    def validate_month_to(self, value: str) -> dt.date:
        return self._valid_month(value)

    def _valid_month(self, value: str) -> dt.date:
        # The year is checked before a date is built: "0000-01" matches the pattern, and
        # date(0, 1, 1) would raise (a 500 the fuzzer found).
        if not 2000 <= int(value[:4]) <= 2100:
            raise serializers.ValidationError(_("月份须在 2000-01 至 2100-12 之间。"))
        return _month(value)

    def validate_province(self, value: str) -> str:
        if value not in PROVINCES:
            raise serializers.ValidationError(
                _("未知的省级行政区划代码“%(code)s”。") % {"code": value}
            )
        return value

    def validate_role(self, value: str) -> str:
        if value not in ROLES:
            raise serializers.ValidationError(
                _("未知的企业类型“%(role)s”，可选：%(roles)s。")
                % {"role": value, "roles": ", ".join(Role.values)}
            )
        return value

    def validate(self, attrs: dict) -> dict:
        month_to = attrs.get("month_to") or month_start(timezone.localdate())
        month_from = attrs.get("month_from") or _months_before(month_to, 11)
        if month_from > month_to:
            raise serializers.ValidationError({"month_from": _("起始月份不能晚于截止月份。")})
        if (month_to.year - month_from.year) * 12 + month_to.month - month_from.month >= MAX_MONTHS:
            raise serializers.ValidationError(
                {"month_from": _("一次最多查询%(n)s个月。") % {"n": MAX_MONTHS}}
            )
        return attrs | {"month_from": month_from, "month_to": month_to}

    def stats_filter(self) -> StatsFilter:
        d = self.validated_data
        return StatsFilter(
            month_from=d["month_from"],
            month_to=d["month_to"],
            province=d.get("province", ""),
            role=d.get("role", ""),
            enterprise_id=d.get("enterprise_id"),
        )


def _months_before(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 - n
    return dt.date(index // 12, index % 12 + 1, 1)


class LimitQuery(StatsQuery):
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=100, help_text="最多返回行数 / rows, 1–100"
    )


class RecyclingQuery(StatsQuery):
    by = serializers.RegexField(
        r"^(month|province)$", required=False, help_text="month（默认）或 province / group by"
    )


class FilterEcho(serializers.Serializer):
    month_from = serializers.DateField()
    month_to = serializers.DateField()
    province = serializers.CharField(allow_blank=True)
    role = serializers.CharField(allow_blank=True)
    enterprise_id = serializers.IntegerField(allow_null=True)


def _int(**kw):
    return serializers.IntegerField(**kw)


def _rate():
    return serializers.FloatField(allow_null=True, help_text="0–1；分母为0时为 null")


class AsOfResult(serializers.Serializer):
    data_as_of = serializers.DateTimeField(allow_null=True)


class FlowRow(serializers.Serializer):
    month = serializers.DateField()
    produced = _int()
    installed = _int()
    retired_scrapped = _int()
    retired_repair = _int()
    handed_over = _int()
    received = _int()
    recycled = _int()
    repurposed = _int()


class ProvinceRow(serializers.Serializer):
    province = serializers.CharField()
    province_name = serializers.CharField(allow_blank=True)
    packs = _int()
    retired = _int()
    handed_over = _int()
    received = _int()
    recycled = _int()
    repurposed = _int()


class StateRow(serializers.Serializer):
    state = serializers.CharField()
    state_name = serializers.CharField()
    packs = _int()


class ChemistryRow(serializers.Serializer):
    chemistry = serializers.CharField()
    chemistry_name = serializers.CharField()
    packs = _int()


class ProducerRow(serializers.Serializer):
    enterprise_id = _int()
    name = serializers.CharField()
    uscc = serializers.CharField()
    packs = _int()


class RecyclingRow(serializers.Serializer):
    month = serializers.DateField(required=False, help_text="by=month")
    province = serializers.CharField(required=False, help_text="by=province")
    province_name = serializers.CharField(required=False, allow_blank=True)
    retired = _int()
    formal_on_time = _int()
    late = _int()
    not_arrived = _int()
    pending = _int(help_text="期限未到：尚未移交且移交期限未过，不计入规范回收率的分母")
    rate = _rate()


class OnTimeRow(serializers.Serializer):
    enterprise_id = _int()
    name = serializers.CharField()
    uscc = serializers.CharField()
    province = serializers.CharField()
    reports = _int()
    on_time = _int()
    late = _int()
    rate = _rate()


class FindingRow(serializers.Serializer):
    rule = serializers.CharField()
    rule_name = serializers.CharField()
    open = _int()
    cured = _int()
    total = _int()


class CaseRow(serializers.Serializer):
    rule = serializers.CharField()
    rule_name = serializers.CharField()
    province = serializers.CharField()
    province_name = serializers.CharField(allow_blank=True)
    status = serializers.CharField()
    status_name = serializers.CharField()
    cases = _int()


class TopEnterpriseRow(serializers.Serializer):
    enterprise_id = _int()
    name = serializers.CharField()
    uscc = serializers.CharField()
    province = serializers.CharField()
    open_findings = _int()


class FineRow(serializers.Serializer):
    month = serializers.DateField()
    fines = _int()
    issued_yuan = serializers.FloatField()
    paid_yuan = serializers.FloatField()
    outstanding_yuan = serializers.FloatField()
    issued_fen = _int()
    paid_fen = _int()
    outstanding_fen = _int()


class CoverageRow(serializers.Serializer):
    province = serializers.CharField()
    province_name = serializers.CharField(allow_blank=True)
    areas_with_sales = _int()
    areas_covered = _int()
    rate = _rate()
