"""The procedural rows in force on a day, and the penalty schedule row of a case."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enforcement.models import Case, PenaltyRule, ProcedureRule
from enforcement.services.cases import CaseRefused


def procedure_rule(key: str, *, on: dt.date) -> ProcedureRule:
    """Return the row of `key` in force on `on`; refuse the step if there is none."""
    row = (
        ProcedureRule.objects.filter(key=key, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .first()
    )
    if row is None:
        raise CaseRefused(
            "procedure.missing",
            _("%(day)s 没有有效的“%(key)s”规定，请先在管理后台补充。")
            % {"day": on.isoformat(), "key": ProcedureRule.Key(key).label},
        )
    return row


def procedure_rules(*, on: dt.date) -> dict[str, ProcedureRule]:
    """Return every procedural row in force on `on`, by key (one query)."""
    rows = ProcedureRule.objects.filter(valid_from__lte=on).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )
    return {row.key: row for row in rows}


def case_penalty(case: Case) -> PenaltyRule:
    """Return the penalty schedule row of the case: the one in force on its detection day."""
    day = case.opened_at.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
    row = (
        PenaltyRule.objects.filter(rule=case.rule, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .first()
    )
    if row is None:
        raise CaseRefused(
            "penalty.missing",
            _("%(day)s 没有有效的处罚标准（%(rule)s），不能进入处罚程序。")
            % {"day": day.isoformat(), "rule": case.get_rule_display()},
        )
    return row
