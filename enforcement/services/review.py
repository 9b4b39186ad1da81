"""The review desk's actions on top of `case_act`: who may hand a case to someone else."""

from django.utils.translation import gettext_lazy as _

from enforcement import rules
from enforcement.models import Case
from enforcement.services.cases import CaseRefused, case_act
from enterprises.scoping import scope_of


def case_review(*, case: Case, actor, action: str, reason: str = "", assignee=None) -> Case:
    """Apply one action from the case page; only MIIT officials assign a case to others.

    A provincial official takes cases of its province (self-assignment); MIIT dispatches
    work to any official who may act on the case, provincial or national.
    """
    if (
        action == rules.ASSIGN
        and assignee is not None
        and assignee.pk != actor.pk
        and not scope_of(actor).national
    ):
        raise CaseRefused(
            "case.assign_others", _("只有工业和信息化部监管人员可以将案件分配给他人。")
        )
    return case_act(case=case, actor=actor, action=action, reason=reason, assignee=assignee)
