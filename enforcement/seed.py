"""The legal parameters a fresh portal starts with (DOMAIN.md sections 5 and 6).

Two regimes of deadlines: the 2018 traceability provisions (MIIT 公告2018年第35号), in
force until 2026-03-31, and Order No. 73, in force from 2026-04-01. Where Order No. 73
publishes no figure, the 2018 figure is carried forward and the row is marked
unconfirmed, so every page that uses it says so. The penalty schedule holds demo values,
labelled as such: no public source gives the fines of Order No. 73.

National regulators edit all of this in the back office (with history); these rows are
only written into an empty table.
"""

import datetime as dt

REGIME_2018 = "《新能源汽车动力蓄电池回收利用溯源管理暂行规定》（工业和信息化部公告2018年第35号）"
ORDER_73 = "《新能源汽车废旧动力电池回收和综合利用管理暂行办法》（六部门令第73号）"
FROM_2018, UNTIL_2026, FROM_73 = dt.date(2018, 8, 1), dt.date(2026, 3, 31), dt.date(2026, 4, 1)
CARRIED = "令第73号未公布该期限的具体数值，暂沿用2018年规定的数值，待确认。"

# (event kind, reporter role or "" for any, anchor kind or "" for the event itself,
#  2018: (days, unit, article, unconfirmed), Order 73: (days, unit, article, unconfirmed, note))
DEADLINES = [
    # Vehicle certificate of conformity issued: the pack code is bound to the VIN.
    ("install", "vehicle_producer", "", (15, "working", "第八条", False),
     (20, "calendar", "", True, "二手资料称20日，计算方式未明，待确认。")),
    ("install", "vehicle_importer", "", (15, "working", "第八条", False),
     (20, "calendar", "", True, "二手资料称20日，计算方式未明，待确认。")),
    ("sell", "vehicle_producer", "", (30, "working", "第九条（推断）", True),
     (30, "working", "", True, CARRIED)),
    # Importers carry the duties of producers (DOMAIN.md section 2; unconfirmed).
    ("sell", "vehicle_importer", "", (30, "working", "第九条（推断）", True),
     (30, "working", "", True, CARRIED)),
    ("remove_for_repair", "", "", (30, "working", "第十条", False),
     (30, "working", "", True, CARRIED)),
    ("reinstall", "", "", (30, "working", "第十条", False),
     (30, "working", "", True, CARRIED)),
    ("outlet_intake", "", "", (30, "working", "第十一条", False),
     (30, "working", "", True, CARRIED)),
    ("handover", "outlet_operator", "", (30, "working", "第十一条", False),
     (30, "working", "", True, CARRIED)),
    ("handover", "battery_producer", "", (30, "working", "第十一条", False),
     (30, "working", "", True, CARRIED)),
    ("handover", "vehicle_producer", "", (30, "working", "第十一条", False),
     (30, "working", "", True, CARRIED)),
    ("handover", "battery_importer", "", (30, "working", "第十一条", True),
     (30, "working", "", True, CARRIED)),
    ("handover", "vehicle_importer", "", (30, "working", "第十一条", True),
     (30, "working", "", True, CARRIED)),
    ("scrap_vehicle", "dismantler", "", (15, "working", "第十三条", False),
     (15, "working", "", True, CARRIED)),
    ("handover", "dismantler", "", (15, "working", "第十三条", False),
     (15, "working", "", True, CARRIED)),
    ("receipt_confirm", "utilizer", "", (30, "working", "第十五条", False),
     (30, "calendar", "第二十四条", True, "二手资料称30日（第二十四条），待确认。")),
    ("recycle", "utilizer", "", (30, "working", "第十五条", False),
     (30, "calendar", "第二十四条", True, "二手资料称30日（第二十四条），待确认。")),
    ("repurpose", "utilizer", "", (30, "working", "第十五条", False),
     (30, "calendar", "第二十四条", True, "二手资料称30日（第二十四条），待确认。")),
    # Action deadlines, counted from an earlier event.
    # The headline rule: a scrapped vehicle's pack handed over to a qualified receiver.
    ("handover", "dismantler", "scrap_vehicle",
     (15, "working", "第十三条", True), (15, "working", "", True,
      "以拆解企业移交上报期限作为自车辆报废回收之日起的移交期限（本平台的理解），待确认。")),
    # The receiver confirms or disputes a handover.
    ("receipt_confirm", "", "handover", (30, "working", "第十五条", True),
     (30, "calendar", "第二十四条", True, "以接收入库上报期限作为确认移交的期限，待确认。")),
    # The giver settles a dispute (hands the pack over again, to the same or another receiver).
    ("handover", "", "receipt_dispute", (30, "working", "", True),
     (30, "calendar", "", True, "本平台的办理期限：异议发生后移交方应重新移交，待确认。")),
]  # fmt: skip

# rule → (correction days, warning first, fine range in yuan); all demo values.
PENALTIES = {
    "scrapped_pack_not_handed_over": (20, True, 10_000, 100_000),
    "vehicle_scrapped_without_pack": (20, True, 10_000, 100_000),
    "handover_to_unqualified_receiver": (20, True, 10_000, 100_000),
    "handover_not_confirmed": (15, True, 5_000, 30_000),
    "late_reporting": (15, True, 5_000, 30_000),
    "coding_violation": (20, True, 10_000, 30_000),
    "outlet_coverage_gap": (60, True, 10_000, 50_000),
    "prohibited_reuse": (20, False, 30_000, 100_000),
}
PENALTY_NOTE = "演示数值：公开资料未见令第73号的罚款数额和条款号，正式使用前须由监管部门确认。"


def deadline_rows() -> list[dict]:
    """Return the seeded deadline rows, both regimes, as field dictionaries."""
    rows = []
    for kind, role, anchor, old, new in DEADLINES:
        days, unit, article, unconfirmed = old
        common = {"event_kind": kind, "reporter_role": role, "anchor": anchor}
        rows.append(
            common
            | {
                "days": days,
                "unit": unit,
                "legal_document": REGIME_2018,
                "legal_article": article,
                "valid_from": FROM_2018,
                "valid_to": UNTIL_2026,
                "unconfirmed": unconfirmed,
                "note": "",
            }
        )
        days, unit, article, unconfirmed, note = new
        rows.append(
            common
            | {
                "days": days,
                "unit": unit,
                "legal_document": ORDER_73,
                "legal_article": article,
                "valid_from": FROM_73,
                "valid_to": None,
                "unconfirmed": unconfirmed,
                "note": note,
            }
        )
    return rows


def penalty_rows() -> list[dict]:
    """Return the seeded penalty schedule, Order No. 73 only, demo values."""
    return [
        {
            "rule": rule,
            "correction_days": days,
            "warning_step": warning,
            "fine_min_yuan": low,
            "fine_max_yuan": high,
            "legal_document": ORDER_73,
            "legal_article": "（条款待确认）",
            "valid_from": FROM_73,
            "valid_to": None,
            "unconfirmed": True,
            "demo_values": True,
            "note": PENALTY_NOTE,
        }
        for rule, (days, warning, low, high) in PENALTIES.items()
    ]


def deadline_rows_missing(deadline_model) -> list[dict]:
    """Return the seeded rows of kinds, roles and anchors the table has no row for."""
    present = set(deadline_model.objects.values_list("event_kind", "reporter_role", "anchor"))
    return [
        row
        for row in deadline_rows()
        if (row["event_kind"], row["reporter_role"], row["anchor"]) not in present
    ]


def legal_parameters_seed(deadline_model, penalty_model) -> None:
    """Write the seeded rows into empty tables (models passed in: migrations use theirs)."""
    if not deadline_model.objects.exists():
        deadline_model.objects.bulk_create(deadline_model(**row) for row in deadline_rows())
    if not penalty_model.objects.exists():
        penalty_model.objects.bulk_create(penalty_model(**row) for row in penalty_rows())
