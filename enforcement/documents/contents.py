"""What each kind of document says: the snapshot frozen into `Document.content`.

Built from the case, its findings, the penalty schedule and the procedural rows in force
on the day of issue; the PDF templates only lay it out. Texts follow the usual wording
of 《行政处罚法》 documents; dates in Arabic numerals (GB/T 9704-2012).
"""

import datetime as dt

from django.utils import timezone

from enforcement import display
from enforcement.documents.render import date_cn
from enforcement.models import Case, DeadlineRule, Finding, PenaltyRule, ProcedureRule
from enforcement.sanctions.periods import procedure_rules

APL = "《中华人民共和国行政处罚法》"
EVIDENCE_COLUMNS = ["序号", "对象", "起算日期", "期限", "纠正情况"]
DEMO_NOTE = "注：本文书所引处罚标准为演示数值，尚未经主管部门确认，仅供演示。"


def evidence_rows(case: Case) -> list[list]:
    """Return one row per finding of the case (subject, start, deadline, cure), key order."""
    rows = (
        Finding.objects.filter(case=case)
        .order_by("pk")
        .values_list("rule", "subject", "anchor_date", "deadline", "cured_at")
    )
    out = []
    for n, (rule, subject, anchor, deadline, cured) in enumerate(rows, start=1):
        label = display.area_label(subject) if rule == "outlet_coverage_gap" else subject
        out.append(
            [
                n,
                label,
                anchor.isoformat() if anchor else "",
                deadline.isoformat() if deadline else "",
                f"已于{date_cn(timezone.localdate(cured))}纠正" if cured else "未纠正",
            ]
        )
    return out


def default_facts(case: Case, *, count: int) -> str:
    """Return the standard statement of facts, for the official to edit before issuing."""
    enterprise = case.enterprise
    return (
        f"经查，你单位（统一社会信用代码：{enterprise.uscc}）存在“{case.get_rule_display()}”"
        f"的违法行为，经全国新能源汽车动力电池溯源信息平台数据核查确认，共涉及 {count} 条"
        f"违法线索（案件编号 {case.number}，明细见附件证据清单）。"
    )


def _basis(case: Case, penalty: PenaltyRule) -> list[str]:
    used = Finding.objects.filter(case=case, deadline_rule__isnull=False).values("deadline_rule_id")
    lines = [f"{penalty.legal_document}{penalty.legal_article}"]
    for row in DeadlineRule.objects.filter(pk__in=used).order_by("valid_from", "pk"):
        line = f"{row.legal_document}{row.legal_article}".strip()
        if line not in lines:
            lines.append(line)
    return lines


def _period(rows: dict[str, ProcedureRule], key: str) -> int:
    return rows[key].value


def _rights(rows: dict[str, ProcedureRule], what: str) -> str:
    return (
        f"你单位如不服本{what}，可以自收到本{what}之日起{_period(rows, 'reconsideration')}日内"
        f"依法申请行政复议，或者自收到本{what}之日起{_period(rows, 'litigation')}个月内"
        "依法向人民法院提起行政诉讼。"
    )


def _common(case: Case, *, authority, issued_on: dt.date, penalty: PenaltyRule, facts: str):
    enterprise = case.enterprise
    rows = evidence_rows(case)
    return {
        "authority": authority.name,
        "addressee": {
            "name": enterprise.name,
            "uscc": enterprise.uscc,
            "address": enterprise.address,
        },
        "case_number": case.number,
        "rule": str(case.get_rule_display()),
        "issued_on": issued_on.isoformat(),
        "issued_on_cn": date_cn(issued_on),
        "facts": facts or default_facts(case, count=len(rows)),
        "basis": _basis(case, penalty),
        "demo_note": DEMO_NOTE if penalty.demo_values else "",
        "evidence": {"columns": EVIDENCE_COLUMNS, "rows": rows, "count": len(rows)},
    }


def correction_order(
    case: Case, *, authority, issued_on, penalty, facts: str, days: int, due: dt.date
) -> dict:
    rows = procedure_rules(on=issued_on)
    return _common(case, authority=authority, issued_on=issued_on, penalty=penalty, facts=facts) | {
        "title": "责令限期改正通知书",
        "days": days,
        "due": due.isoformat(),
        "requirement": (
            f"依据{penalty.legal_document}{penalty.legal_article}的规定，现责令你单位自收到本通知书"
            f"之日起{days}个工作日内（即{date_cn(due)}前）改正上述违法行为，并通过平台提交整改"
            "情况说明及证明材料。逾期不改正的，本机关将依法给予警告、罚款等行政处罚。"
        ),
        "rights": _rights(rows, "通知"),
    }


def warning(
    case: Case, *, authority, issued_on, penalty, facts: str, days: int, due: dt.date, order
) -> dict:
    rows = procedure_rules(on=issued_on)
    base = _common(case, authority=authority, issued_on=issued_on, penalty=penalty, facts=facts)
    if order is not None:
        base["facts"] += (
            f"本机关已于{date_cn(timezone.localdate(order.issued_at))}以{order.number}责令你单位限期改正，"
            "你单位逾期未改正。"
        )
    return base | {
        "title": "行政处罚决定书",
        "subtitle": "（警告）",
        "days": days,
        "due": due.isoformat(),
        "decision": (
            f"依据{penalty.legal_document}{penalty.legal_article}及{APL}第九条的规定，本机关决定"
            f"对你单位给予警告的行政处罚，并责令你单位自收到本决定书之日起{days}个工作日内"
            f"（即{date_cn(due)}前）改正。逾期仍不改正的，本机关将依法处以罚款。"
        ),
        "rights": _rights(rows, "决定"),
    }


def penalty_notice(
    case: Case,
    *,
    authority,
    issued_on,
    penalty,
    facts: str,
    amount_yuan: int,
    hearing_offered: bool,
    period_ends: dt.date,
) -> dict:
    rows = procedure_rules(on=issued_on)
    days = max(_period(rows, "defence"), _period(rows, "hearing_request"))
    rights = (
        f"根据{APL}第四十四条、第四十五条"
        + ("、第六十三条、第六十四条" if hearing_offered else "")
        + "的规定，你单位享有陈述、申辩"
        + ("和要求听证" if hearing_offered else "")
        + f"的权利。你单位可自收到本告知书之日起{days}日内（即{date_cn(period_ends)}前）通过平台"
        + "向本机关提出陈述、申辩"
        + ("意见或者听证申请" if hearing_offered else "意见")
        + "；逾期未提出的，视为放弃上述权利。本机关不因你单位陈述、申辩而给予更重的处罚。"
    )
    return _common(case, authority=authority, issued_on=issued_on, penalty=penalty, facts=facts) | {
        "title": "行政处罚事先告知书",
        "amount_yuan": amount_yuan,
        "intended": (
            f"依据{penalty.legal_document}{penalty.legal_article}的规定，本机关拟对你单位作出"
            f"罚款人民币{amount_yuan:,}元的行政处罚。"
        ),
        "hearing_offered": hearing_offered,
        "period_ends": period_ends.isoformat(),
        "rights": rights,
    }


def fine_decision(
    case: Case,
    *,
    authority,
    issued_on,
    penalty,
    facts: str,
    amount_yuan: int,
    due: dt.date,
    notice,
    assessment: str,
) -> dict:
    rows = procedure_rules(on=issued_on)
    rate = rows["surcharge"].value / 100  # basis points → percent, for the sentence only
    base = _common(case, authority=authority, issued_on=issued_on, penalty=penalty, facts=facts)
    return base | {
        "title": "行政处罚决定书",
        "subtitle": "（罚款）",
        "amount_yuan": amount_yuan,
        "notice": (
            f"本机关于{date_cn(timezone.localdate(notice.issued_at))}以{notice.number}向你单位告知了拟作出的"
            "行政处罚及你单位依法享有的权利。"
            if notice is not None
            else ""
        ),
        "assessment": assessment,
        "decision": (
            f"依据{penalty.legal_document}{penalty.legal_article}的规定，本机关决定对你单位处以"
            f"罚款人民币{amount_yuan:,}元。"
        ),
        "due": due.isoformat(),
        "payment": (
            f"你单位应当自收到本决定书之日起{_period(rows, 'payment')}日内（即{date_cn(due)}前）"
            "到指定银行或者通过电子支付系统缴纳罚款。到期不缴纳罚款的，每日按罚款数额的"
            f"{rate:g}%加处罚款，加处罚款的数额不得超出罚款的数额（{APL}第六十七条、第七十二条）。"
        ),
        "rights": _rights(rows, "决定"),
    }
