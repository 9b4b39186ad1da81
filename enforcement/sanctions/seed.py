"""The procedural periods and rates a fresh portal starts with (DOMAIN.md section 9).

From the Administrative Penalty Law (《中华人民共和国行政处罚法》, 2021 revision, in force
2021-07-15) and the laws on contesting a decision. The law fixes no number of days for
the statement and defence (陈述、申辩); the portal gives the hearing request's 5 days and
says so (unconfirmed). Which fines are large enough for a hearing (较大数额) is set by
the departments' own rules: a demo figure, unconfirmed. Written only into an empty table.
"""

import datetime as dt

APL = "《中华人民共和国行政处罚法》（2021年修订）"
RECONSIDERATION_LAW = "《中华人民共和国行政复议法》（2023年修订）"
LITIGATION_LAW = "《中华人民共和国行政诉讼法》"
APL_FROM = dt.date(2021, 7, 15)

# key → (value, unit, document, article, unconfirmed, note)
PROCEDURE = {
    "hearing_request": (5, "calendar", APL, "第六十四条第（一）项", False,
                        "当事人要求听证的，应当在行政机关告知后五日内提出。"),
    "defence": (5, "calendar", APL, "第四十四条、第四十五条", True,
                "法律未规定陈述、申辩的具体期限，本平台与听证申请期限一致，待确认。"),
    "hearing_threshold": (50_000, "yuan", APL, "第六十三条第一款第（一）项", True,
                          "“较大数额罚款”由部门规章规定，此为演示数值，正式使用前须确认。"),
    "payment": (15, "calendar", APL, "第六十七条第三款", False,
                "当事人应当自收到行政处罚决定书之日起十五日内缴纳罚款。"),
    "surcharge": (300, "basis_point", APL, "第七十二条第一款第（一）项", False,
                  "到期不缴纳罚款的，每日按罚款数额的百分之三加处罚款，加处罚款的数额不得超出罚款的数额。"),
    "reconsideration": (60, "calendar", RECONSIDERATION_LAW, "第二十条", False,
                        "自知道或者应当知道该行政行为之日起六十日内提出行政复议申请。"),
    "litigation": (6, "month", LITIGATION_LAW, "第四十六条", False,
                   "自知道或者应当知道作出行政行为之日起六个月内提出。"),
}  # fmt: skip


def procedure_rows() -> list[dict]:
    """Return the seeded procedural rows as field dictionaries."""
    return [
        {
            "key": key,
            "value": value,
            "unit": unit,
            "legal_document": document,
            "legal_article": article,
            "valid_from": APL_FROM,
            "valid_to": None,
            "unconfirmed": unconfirmed,
            "note": note,
        }
        for key, (value, unit, document, article, unconfirmed, note) in PROCEDURE.items()
    ]


def procedure_seed(procedure_model) -> None:
    """Write the seeded rows of keys the table has no row for (models passed in)."""
    present = set(procedure_model.objects.values_list("key", flat=True))
    procedure_model.objects.bulk_create(
        procedure_model(**row) for row in procedure_rows() if row["key"] not in present
    )
