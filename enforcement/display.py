"""How the desk writes out a deadline: start + N days = last day, and the days off between.

For example "报废 2026-04-28 + 15 个工作日 = 2026-05-21（期间休息日：5月1日–5日 劳动节，
5月10日 周日，5月16日–17日 周末；调休上班：5月9日 周六）", or for calendar days
"发生 2026-06-04 + 30 日 = 2026-07-04，遇休息日顺延至 2026-07-06".
"""

from collections.abc import Iterable

from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from batteries.models import Channel, EventKind
from common.calendar import DayInfo
from common.identifiers import PROVINCES
from enforcement.models import Finding, Rule
from enforcement.rules import WORKING, DeadlineExplanation
from enterprises.models import Role

# What the start of a deadline is, by the deadline row's anchor ("" = the event itself).
ANCHOR_LABELS = {
    "": _("发生"),
    "scrap_vehicle": _("报废"),
    "handover": _("移交"),
    "receipt_dispute": _("异议"),
}
# The calendar names holidays in Chinese (common.calendar.HOLIDAY_NAMES): shown translated.
HOLIDAY_LABELS = {
    "元旦": _("元旦"),
    "春节": _("春节"),
    "清明节": _("清明节"),
    "劳动节": _("劳动节"),
    "端午节": _("端午节"),
    "国庆节": _("国庆节"),
    "中秋节": _("中秋节"),
    "中国人民抗日战争胜利70周年纪念日": _("中国人民抗日战争胜利70周年纪念日"),
}
MAKE_UP_SUFFIX = "调休上班"
WEEKDAYS = (_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日"))


def _runs(days: Iterable[DayInfo]) -> list[list[DayInfo]]:
    """Group consecutive days that carry the same name (a holiday, or none)."""
    runs: list[list[DayInfo]] = []
    for info in days:
        last = runs[-1][-1] if runs else None
        if last and (info.day - last.day).days == 1 and info.name == last.name:
            runs[-1].append(info)
        else:
            runs.append([info])
    return runs


def _span(first: DayInfo, last: DayInfo) -> str:
    start = gettext("%(m)s月%(d)s日") % {"m": first.day.month, "d": first.day.day}
    if first.day == last.day:
        return start
    if first.day.month == last.day.month:
        return f"{start}–" + pgettext("end day of a span of dates", "%(d)s日") % {"d": last.day.day}
    return f"{start}–" + gettext("%(m)s月%(d)s日") % {"m": last.day.month, "d": last.day.day}


def holiday_label(name: str) -> str:
    """Return a calendar day's name in the current language (overrides' reasons as typed)."""
    if name.endswith(MAKE_UP_SUFFIX) and name != MAKE_UP_SUFFIX:
        holiday = holiday_label(name[: -len(MAKE_UP_SUFFIX)])
        return gettext("%(holiday)s调休上班") % {"holiday": holiday}
    return str(HOLIDAY_LABELS.get(name, name))


def _run_label(run: list[DayInfo]) -> str:
    if run[0].name:
        return holiday_label(run[0].name)
    if len(run) == 1:
        return str(WEEKDAYS[run[0].day.weekday()])
    if all(info.day.weekday() >= 5 for info in run):
        return gettext("周末")
    return gettext("休息日")


def days_off_text(days: Iterable[DayInfo]) -> str:
    """Return "5月1日–5日 劳动节，5月10日 周日" for the non-working days of a span."""
    return gettext("，").join(f"{_span(run[0], run[-1])} {_run_label(run)}" for run in _runs(days))


def make_up_text(days: Iterable[DayInfo]) -> str:
    """Return "5月9日 周六" for the make-up working days (调休) of a span."""
    return gettext("，").join(f"{_span(d, d)} {WEEKDAYS[d.day.weekday()]}" for d in days)


def deadline_text(
    explanation: DeadlineExplanation, *, anchor: str, make_up_days: Iterable[DayInfo] = ()
) -> str:
    """Return how a deadline was computed, in one sentence."""
    e = explanation
    start = f"{ANCHOR_LABELS.get(anchor, ANCHOR_LABELS[''])} {e.start.isoformat()}"
    if e.unit == WORKING:
        text = gettext("%(start)s + %(n)s 个工作日 = %(due)s") % {
            "start": start,
            "n": e.days,
            "due": e.due.isoformat(),
        }
        notes = []
        if e.days_off:
            notes.append(gettext("期间休息日：%(days)s") % {"days": days_off_text(e.days_off)})
        make_up = list(make_up_days)
        if make_up:
            notes.append(gettext("调休上班：%(days)s") % {"days": make_up_text(make_up)})
        return text + (
            gettext("（%(notes)s）") % {"notes": gettext("；").join(notes)} if notes else ""
        )
    plain = e.extended_from or e.due
    text = gettext("%(start)s + %(n)s 日 = %(plain)s") % {
        "start": start,
        "n": e.days,
        "plain": plain.isoformat(),
    }
    if e.extended_from:
        text += gettext("，遇休息日顺延至 %(due)s") % {"due": e.due.isoformat()}
    return text


def unofficial_notice(years: Iterable[int]) -> str:
    """Return the notice for years whose official holiday schedule is not loaded ("" if none)."""
    years = sorted(set(years))
    if not years:
        return ""
    return gettext("%(years)s 年官方放假安排尚未录入，按周一至周五计算") % {
        "years": gettext("、").join(str(y) for y in years)
    }


# --- What a finding is about, per rule ----------------------------------------------------------

SOURCES = {
    "portal": _("平台报废上报"),
    "record": _("平台报废车辆登记"),
    "register": _("商务部门报废机动车回收证明登记"),
}
PACK_STATUS = {"missing": _("电池缺失"), "partial": _("部分电池缺失")}
SIDES = {"giver": _("移交方"), "receiver": _("接收方")}
LEVELS = {"province": _("省级"), "prefecture": _("地级市")}


def area_label(area: str) -> str:
    """Return "江苏省" for a province code, "3205（江苏省）" for a prefecture code."""
    province = PROVINCES.get(area[:2], "")
    if len(area) == 2:
        return province or area
    return f"{area}（{province}）" if province else area


def subject_label(finding: Finding) -> str:
    """Return what the finding is about as shown: a pack code, a VIN, or an area's name."""
    if finding.rule == Rule.OUTLET_COVERAGE_GAP:
        return area_label(finding.subject)
    return finding.subject


def _label(choices, value) -> str:
    return str(dict(choices).get(value, value)) if value else ""


def _or(value, fallback) -> str:
    return str(value) if value not in (None, "") else str(fallback)


def _facts_scrapped(d: dict) -> list:
    return [
        (_("来源"), _or(SOURCES.get(d.get("source")), "—")),
        (_("移交至合格接收方"), _or(d.get("handed_over_on"), _("尚未移交"))),
    ]


def _facts_without_pack(d: dict) -> list:
    facts = [
        (_("来源"), _or(SOURCES.get(d.get("source")), "—")),
        (_("回收证明编号"), _or(d.get("certificate_no"), "—")),
    ]
    if d.get("pack_status"):
        facts.append((_("电池情况"), _or(PACK_STATUS.get(d["pack_status"]), d["pack_status"])))
    return facts


def _facts_unqualified(d: dict) -> list:
    roles = "、".join(_label(Role.choices, r) for r in d.get("receiver_roles") or []) or "—"
    receiver = d.get("receiver_name") or "—"
    if d.get("receiver_uscc"):
        receiver = f"{receiver}（{d['receiver_uscc']}）"
    return [(_("接收方"), receiver), (_("接收方企业类型"), roles)]


def _facts_not_confirmed(d: dict) -> list:
    if d.get("kind") == "dispute":
        return [
            (_("情形"), str(_("接收方提出异议后，移交方未按期重新移交"))),
            (_("责任方"), _or(SIDES.get(d.get("side")), "—")),
            (_("重新移交日期"), _or(d.get("settled_on"), _("尚未重新移交"))),
        ]
    return [
        (_("情形"), str(_("接收方未按期确认接收或提出异议"))),
        (_("确认或异议日期"), _or(d.get("resolved_on"), _("尚未处理"))),
    ]


def _facts_late(d: dict) -> list:
    return [
        (_("事件"), _or(_label(EventKind.choices, d.get("kind")), "—")),
        (_("上报日期"), _or(d.get("reported_on"), "—")),
    ]


def _facts_coding(d: dict) -> list:
    return [
        (_("错误代码"), _or(d.get("error_code"), "—")),
        (_("说明"), _or(d.get("message"), "—")),
        (_("尝试次数"), _or(d.get("attempts"), "—")),
        (_("上报渠道"), _or(_label(Channel.choices, d.get("channel")), "—")),
        (_("最近一次"), _or(d.get("last_on"), "—")),
    ]


def _facts_coverage(d: dict) -> list:
    return [
        (_("区域"), f"{area_label(d.get('area') or '')}（{_or(LEVELS.get(d.get('level')), '')}）"),
        (_("近12个月销售（件）"), _or(d.get("sales"), "—")),
    ]


def _facts_reuse(d: dict) -> list:
    facts = [(_("申报用途"), _or(d.get("declared_use"), "—"))]
    if d.get("new_code"):
        facts.append((_("新编码"), d["new_code"]))
    return facts


FACTS = {
    Rule.SCRAPPED_PACK_NOT_HANDED_OVER: _facts_scrapped,
    Rule.VEHICLE_SCRAPPED_WITHOUT_PACK: _facts_without_pack,
    Rule.HANDOVER_TO_UNQUALIFIED_RECEIVER: _facts_unqualified,
    Rule.HANDOVER_NOT_CONFIRMED: _facts_not_confirmed,
    Rule.LATE_REPORTING: _facts_late,
    Rule.CODING_VIOLATION: _facts_coding,
    Rule.OUTLET_COVERAGE_GAP: _facts_coverage,
    Rule.PROHIBITED_REUSE: _facts_reuse,
}


def finding_facts(finding: Finding) -> list[tuple[str, str]]:
    """Return the details of a finding that matter for its rule, as (label, value) pairs."""
    facts = FACTS.get(finding.rule)
    return [(str(label), value) for label, value in facts(finding.details or {})] if facts else []
