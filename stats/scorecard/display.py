"""How the scorecard's reasons and figures read on a page, in the reader's language."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from enforcement.sanctions.steps import yuan

REASON_TEXTS = {
    "on_time_rate": _("按期上报率 %(rate)s%%（低于 %(target)s%%，共 %(reports)s 条上报）"),
    "open_findings": _("%(count)s 条违法线索未纠正、未结案"),
    "past_findings": _("%(count)s 条既往违法线索"),
    "disputes": _("%(count)s 起移交异议未解决"),
    "overdue_fine": _("罚款 %(yuan)s 元逾期未缴"),
    "over_capacity": _("库存超出年处理能力 %(percent)s%%（能力 %(capacity_tonnes)s 吨/年）"),
    "balance_mismatch": _("物料平衡与登记持有数相差 %(difference)s 个电池包"),
}


def reason_text(reason: dict) -> str:
    """Return one reason as a sentence with its points: "3 条违法线索…：+15"."""
    figures = dict(reason)
    if "yuan" in figures:
        figures["yuan"] = yuan(round(figures["yuan"] * 100))
    template = REASON_TEXTS.get(reason["code"])
    text = str(template) % figures if template else reason["code"]
    return f"{text}{pgettext('label separator', '：')}+{reason['points']}"


def reasons_text(reasons: list[dict]) -> list[str]:
    return [reason_text(r) for r in reasons]


def rate_text(figures: dict) -> str:
    reports = figures.get("reports", 0)
    if not reports:
        return "—"
    return f"{100 * figures.get('on_time', 0) / reports:.1f}%"
