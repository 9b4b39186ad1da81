"""Cases: findings grouped per enterprise × rule, and the review transitions."""

from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement import rules
from enforcement.models import Case, CaseStep
from enterprises.scoping import scope_of

OPEN = list(Case.OPEN_STATUSES)


def cases_group(*, rules: Iterable[str]) -> int:
    """Put every ungrouped finding of these rules into its enterprise's open case.

    Set-based: one INSERT opens the missing cases (the named partial unique constraint
    keeps it to one open case per enterprise × rule, also against a concurrent run), one
    UPDATE files the findings, one INSERT logs the step on each case. Return how many
    findings were filed. Repeats while a case closed under its feet left findings out.
    """
    keys, filed = list(rules), 0
    for _attempt in range(3):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO enforcement_case
                    (enterprise_id, rule, status, province, opened_at, updated_at,
                     decision_reason)
                SELECT DISTINCT f.enterprise_id, f.rule, 'detected', e.province, now(), now(), ''
                FROM enforcement_finding f JOIN enterprises_enterprise e ON e.id = f.enterprise_id
                WHERE f.case_id IS NULL AND f.rule = ANY(%s)
                ON CONFLICT (enterprise_id, rule) WHERE status IN ('detected', 'under_review')
                DO NOTHING
                RETURNING id
                """,
                [keys],
            )
            opened = [row[0] for row in cursor.fetchall()]
            cursor.execute(
                """
                WITH filed AS (
                    UPDATE enforcement_finding f SET case_id = c.id
                    FROM enforcement_case c
                    WHERE f.case_id IS NULL AND f.rule = ANY(%s)
                      AND c.enterprise_id = f.enterprise_id AND c.rule = f.rule
                      AND c.status IN ('detected', 'under_review')
                    RETURNING c.id AS case_id
                )
                SELECT case_id, count(*) FROM filed GROUP BY case_id
                """,
                [keys],
            )
            counts = cursor.fetchall()
            _log_filing(cursor, counts, set(opened))
            filed += sum(n for _, n in counts)
            cursor.execute(
                "SELECT EXISTS (SELECT 1 FROM enforcement_finding "
                "WHERE case_id IS NULL AND rule = ANY(%s))",
                [keys],
            )
            if not cursor.fetchone()[0]:
                break
    return filed


def _log_filing(cursor, counts: list[tuple[int, int]], opened: set[int]) -> None:
    if not counts:
        return
    ids = [case_id for case_id, _ in counts]
    cursor.execute(
        """
        INSERT INTO enforcement_casestep
            (case_id, action, status_before, status_after, actor_id, at, reason)
        SELECT c.id, CASE WHEN c.id = ANY(%s) THEN 'detect' ELSE 'add_findings' END,
               c.status, c.status, NULL, clock_timestamp(), n.n::text
        FROM unnest(%s::bigint[], %s::bigint[]) AS n(case_id, n)
        JOIN enforcement_case c ON c.id = n.case_id
        """,
        [list(opened), ids, [n for _, n in counts]],
    )
    cursor.execute(
        "UPDATE enforcement_case SET updated_at = clock_timestamp() WHERE id = ANY(%s)", [ids]
    )


class CaseRefused(Exception):
    def __init__(self, code: str, message):
        super().__init__(str(message))
        self.code, self.message = code, message


def _check_actor(actor, case: Case) -> None:
    scope = scope_of(actor)
    if not getattr(actor, "is_regulator", False) or scope.empty:
        raise CaseRefused("case.not_regulator", _("只有监管人员可以办理案件。"))
    if not rules.may_act_on_case(
        national=scope.national, actor_province=scope.province, case_province=case.province
    ):
        raise CaseRefused("case.out_of_scope", _("只能办理本省企业的案件。"))


def _assignee_ok(assignee, case: Case) -> bool:
    scope = scope_of(assignee)
    return getattr(assignee, "is_regulator", False) and rules.may_act_on_case(
        national=scope.national, actor_province=scope.province, case_province=case.province
    )


@transaction.atomic
def case_act(*, case: Case, actor, action: str, reason: str = "", assignee=None) -> Case:
    """Apply one review action (assign, confirm, dismiss) to a case, logged with its reason.

    Assigning with no assignee assigns the actor (self-assignment); confirming or
    dismissing an unassigned case makes the actor its official.
    """
    case = Case.objects.select_for_update().get(pk=case.pk)
    _check_actor(actor, case)
    status = rules.case_next_status(status=case.status, action=action)
    if status is None:
        raise CaseRefused(
            "case.transition",
            _("案件当前状态为“%(status)s”，不能执行该操作。")
            % {"status": case.get_status_display()},
        )
    reason = (reason or "").strip()
    if action in rules.CASE_REASON_REQUIRED and not reason:
        raise CaseRefused("case.reason_required", _("驳回必须填写理由。"))
    if action == rules.ASSIGN:
        assignee = assignee or actor
        if not _assignee_ok(assignee, case):
            raise CaseRefused("case.assignee", _("承办人必须是有权办理该案件的监管人员。"))
        case.assigned_to = assignee
    elif case.assigned_to_id is None:
        case.assigned_to = actor
    now = timezone.now()
    before = case.status
    case.status, case.updated_at = status, now
    if action in {rules.CONFIRM, rules.DISMISS}:
        case.decided_at, case.decision_reason = now, reason
    case._change_reason = reason
    case.save()
    CaseStep.objects.create(
        case=case,
        action=action,
        status_before=before,
        status_after=status,
        actor=actor,
        at=now,
        reason=reason if action != rules.ASSIGN else (reason or str(assignee)),
    )
    return case


def cases_act(*, cases: Iterable[Case], actor, action: str, reason: str = "") -> tuple[list, list]:
    """Apply one action to many cases; return (done, [(case, refusal)]) — each on its own."""
    done, refused = [], []
    for case in cases:
        try:
            done.append(case_act(case=case, actor=actor, action=action, reason=reason))
        except CaseRefused as refusal:
            refused.append((case, refusal))
    return done, refused
