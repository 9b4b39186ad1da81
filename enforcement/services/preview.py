"""What an edit of a legal parameter would change, computed before it is saved.

A deadline preview dry-runs the scans that read the row, with the rows as they are and
then with the edited row saved inside a savepoint, and rolls everything back: no finding,
no scan run, no history row is written. A penalty preview counts the findings and cases of
the row's rule that its validity would cover, before and after the edit.
"""

import copy
import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from common.identifiers import PROVINCES
from enforcement.models import Case, DeadlineRule, PenaltyRule, Rule
from enforcement.services.legal import legal_row_errors

# The scans that read a deadline row, by its anchor (enforcement/scans/specs.py):
# reporting deadlines (no anchor) decide late reporting; the handover after a scrapping
# decides the headline rule; the receiver's confirmation after a handover, and the
# giver's new handover after a dispute, decide handover_not_confirmed.
RULES_BY_ANCHOR: dict[str, tuple[str, ...]] = {
    "": (Rule.LATE_REPORTING,),
    "scrap_vehicle": (Rule.SCRAPPED_PACK_NOT_HANDED_OVER,),
    "handover": (Rule.HANDOVER_NOT_CONFIRMED,),
    "receipt_dispute": (Rule.HANDOVER_NOT_CONFIRMED,),
}


class _RollBack(Exception):
    """Leave the preview's transaction without committing anything."""


@dataclass(frozen=True)
class PreviewLine:
    """Findings of one rule in one province: as the rows are now, and with the edit."""

    rule: str
    province: str
    now: int
    then: int

    @property
    def rule_label(self) -> str:
        return str(Rule(self.rule).label)

    @property
    def province_name(self) -> str:
        return PROVINCES.get(self.province, self.province)

    @property
    def difference(self) -> int:
        return self.then - self.now


@dataclass(frozen=True)
class Preview:
    as_of: dt.date
    rules: tuple[str, ...]
    lines: tuple[PreviewLine, ...]

    @property
    def changed(self) -> bool:
        return any(line.difference for line in self.lines)

    @property
    def rule_labels(self) -> list[str]:
        return [str(Rule(rule).label) for rule in self.rules]

    def total(self, attribute: str) -> int:
        return sum(getattr(line, attribute) for line in self.lines)

    @property
    def total_now(self) -> int:
        return self.total("now")

    @property
    def total_then(self) -> int:
        return self.total("then")

    @property
    def total_difference(self) -> int:
        return self.total_then - self.total_now


def deadline_rules_affected(row: DeadlineRule) -> tuple[str, ...]:
    """Return the scans that read this row, as edited and as stored (an anchor may change)."""
    anchors = {row.anchor}
    if row.pk is not None:
        anchors |= set(DeadlineRule.objects.filter(pk=row.pk).values_list("anchor", flat=True))
    rules = {rule for anchor in anchors for rule in RULES_BY_ANCHOR.get(anchor, ())}
    return tuple(sorted(rules))


def deadline_preview(*, row: DeadlineRule, as_of: dt.date) -> Preview:
    """Return what the scans would flag as of a day with the edited row, against now.

    `row` is an unsaved instance carrying the edited values (its pk set when editing).
    Raise ValidationError if the edited row cannot be saved (an overlapping validity).
    """
    errors = legal_row_errors(row)
    if errors:
        raise ValidationError(errors)
    rules = deadline_rules_affected(row)
    if not rules:
        return Preview(as_of=as_of, rules=(), lines=())
    counts: dict[str, Counter] = {}
    try:
        with transaction.atomic():
            counts["now"] = _findings_by_province(rules, as_of)
            edited = copy.copy(row)
            edited.skip_history_when_saving = True
            try:
                with transaction.atomic():
                    edited.save()
            except IntegrityError as exc:
                raise ValidationError(str(exc.__cause__ or exc)) from None
            counts["then"] = _findings_by_province(rules, as_of)
            raise _RollBack
    except _RollBack:
        pass
    now, then = counts["now"], counts["then"]
    lines = tuple(
        PreviewLine(
            rule=rule, province=province, now=now[rule, province], then=then[rule, province]
        )
        for rule, province in sorted(set(now) | set(then))
    )
    return Preview(as_of=as_of, rules=rules, lines=lines)


def _findings_by_province(rules: tuple[str, ...], as_of: dt.date) -> Counter:
    from enforcement.scans import scan_run

    outcomes = scan_run(as_of=as_of, rules=rules, dry_run=True, collect=True, started_by="preview")
    return Counter(
        (outcome.run.rule, finding["province"])
        for outcome in outcomes
        for finding in outcome.findings
    )


# --- Penalty rows -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PenaltyTerms:
    correction_days: int
    warning_step: bool
    fine_min_yuan: int
    fine_max_yuan: int
    valid_from: dt.date
    valid_to: dt.date | None

    @classmethod
    def of(cls, row: PenaltyRule) -> "PenaltyTerms":
        return cls(
            correction_days=row.correction_days,
            warning_step=row.warning_step,
            fine_min_yuan=row.fine_min_yuan,
            fine_max_yuan=row.fine_max_yuan,
            valid_from=row.valid_from,
            valid_to=row.valid_to,
        )


@dataclass(frozen=True)
class PenaltyLine:
    province: str
    cases_now: int
    cases_then: int
    findings_now: int
    findings_then: int

    @property
    def province_name(self) -> str:
        return PROVINCES.get(self.province, self.province)


@dataclass(frozen=True)
class PenaltyPreview:
    rule: str
    as_of: dt.date
    old: PenaltyTerms | None  # None: a new row
    new: PenaltyTerms
    lines: tuple[PenaltyLine, ...]

    @property
    def rule_label(self) -> str:
        return str(Rule(self.rule).label)

    @property
    def changed(self) -> bool:
        return self.old != self.new or any(
            line.cases_now != line.cases_then or line.findings_now != line.findings_then
            for line in self.lines
        )


# A penalty row applies to a violation by the day it was committed (Administrative
# Penalty Law art. 37: the rules in force when the act took place): the day after a
# missed deadline, else the day the facts happened (anchor), else the day it was found.
# Findings of dismissed cases are left out: nothing will be imposed on them.
PENALTY_COUNT_SQL = f"""
WITH f AS (
    SELECT f.id, f.case_id, e.province,
           COALESCE(f.deadline + 1, f.anchor_date, f.detected_as_of) AS committed_on
    FROM enforcement_finding f
    JOIN enterprises_enterprise e ON e.id = f.enterprise_id
    LEFT JOIN enforcement_case c ON c.id = f.case_id
    WHERE f.rule = %(rule)s AND f.detected_as_of <= %(as_of)s
      AND (c.id IS NULL OR c.status <> '{Case.Status.DISMISSED}')
), m AS (
    SELECT f.*,
           (%(old_from)s::date IS NOT NULL AND f.committed_on >= %(old_from)s::date
            AND (%(old_to)s::date IS NULL OR f.committed_on <= %(old_to)s::date)) AS now_,
           (f.committed_on >= %(new_from)s::date
            AND (%(new_to)s::date IS NULL OR f.committed_on <= %(new_to)s::date)) AS then_
    FROM f
)
SELECT province,
       count(DISTINCT case_id) FILTER (WHERE now_), count(DISTINCT case_id) FILTER (WHERE then_),
       count(*) FILTER (WHERE now_), count(*) FILTER (WHERE then_)
FROM m WHERE now_ OR then_
GROUP BY province ORDER BY province
"""


def penalty_preview(*, row: PenaltyRule, as_of: dt.date) -> PenaltyPreview:
    """Return the findings and cases per province the row covers, before and after the edit.

    `row` is an unsaved instance carrying the edited values (its pk set when editing).
    """
    errors = legal_row_errors(row)
    if errors:
        raise ValidationError(errors)
    stored = PenaltyRule.objects.filter(pk=row.pk).first() if row.pk is not None else None
    old = PenaltyTerms.of(stored) if stored is not None and stored.rule == row.rule else None
    new = PenaltyTerms.of(row)
    with connection.cursor() as cursor:
        cursor.execute(
            PENALTY_COUNT_SQL,
            {
                "rule": row.rule,
                "as_of": as_of,
                "old_from": old.valid_from if old else None,
                "old_to": old.valid_to if old else None,
                "new_from": new.valid_from,
                "new_to": new.valid_to,
            },
        )
        lines = tuple(PenaltyLine(*values) for values in cursor.fetchall())
    return PenaltyPreview(rule=row.rule, as_of=as_of, old=old, new=new, lines=lines)
