"""The ladder's steps: each locks the case, checks who acts and whether the step is
allowed (enforcement/rules.py), writes its records and document, and logs a CaseStep."""

from enforcement.sanctions.correction import (
    case_close,
    order_issue,
    rectification_review,
    rectification_submit,
    warning_issue,
)
from enforcement.sanctions.penalty import (
    defence_submit,
    fine_decide,
    hearing_record,
    notice_issue,
    payment_record,
)
from enforcement.sanctions.reissue import REISSUABLE, document_reissue
from enforcement.sanctions.steps import case_fine_balance, yuan

__all__ = [
    "REISSUABLE",
    "case_close",
    "case_fine_balance",
    "defence_submit",
    "document_reissue",
    "fine_decide",
    "hearing_record",
    "notice_issue",
    "order_issue",
    "payment_record",
    "rectification_review",
    "rectification_submit",
    "warning_issue",
    "yuan",
]
