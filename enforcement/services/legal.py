"""Writes of the legal parameters: deadline rows and the penalty schedule, with history.

A row is never deleted: a regulator ends it by setting its valid_to and adds the row that
follows. Each save records who, when and why (django-simple-history). The database keeps
rows of one key from overlapping (`deadline_no_overlap`, `penalty_no_overlap`); the checks
here say so in words before the database has to, and a per-table advisory lock makes two
regulators saving at once take turns, so the second one gets the same message instead of
an IntegrityError.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.models import DeadlineRule, PenaltyRule

LegalRow = DeadlineRule | PenaltyRule

# The named constraints whose violation the checks below explain in words.
EXPLAINED_CONSTRAINTS = frozenset(
    {
        "deadline_no_overlap",
        "deadline_valid_range",
        "deadline_days_positive",
        "penalty_no_overlap",
        "penalty_valid_range",
        "penalty_fine_range",
    }
)
REASON_MAX_LENGTH = 100  # simple-history's history_change_reason column
BASELINE_REASON = "首次修改前的原始数值（由数据初始化写入，补记）"


def history_baseline_ensure(model: type[Model], pk: int | None) -> None:
    """Record a stored row's values as its first history entry if it has none yet.

    The seeded rows were written in bulk (by the migrations), which records no history:
    without this entry the first edit of such a row would show no old value.
    """
    history = model.history.model
    if pk is None or history.objects.filter(id=pk).exists():
        return
    stored = model.objects.filter(pk=pk).first()
    if stored is None:
        return
    history.objects.create(
        history_date=timezone.now(),
        history_type="+",
        history_user=None,
        history_change_reason=BASELINE_REASON,
        **{field.attname: getattr(stored, field.attname) for field in model._meta.concrete_fields},
    )


def legal_rows_lock(model: type[LegalRow]) -> None:
    """Make edits of this table's rows take turns until the transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"legal:{model._meta.db_table}"]
        )


def legal_row_overlaps(row: LegalRow) -> QuerySet:
    """Return the other rows of the same key whose validity overlaps the row's."""
    model = type(row)
    if model is DeadlineRule:
        same_key = Q(event_kind=row.event_kind, reporter_role=row.reporter_role, anchor=row.anchor)
    else:
        same_key = Q(rule=row.rule)
    overlapping = Q(valid_to__isnull=True) | Q(valid_to__gte=row.valid_from)
    if row.valid_to is not None:
        overlapping &= Q(valid_from__lte=row.valid_to)
    queryset = model.objects.filter(same_key & overlapping)
    if row.pk is not None:
        queryset = queryset.exclude(pk=row.pk)
    return queryset.order_by("valid_from")


def _validity(row: LegalRow) -> str:
    end = row.valid_to.isoformat() if row.valid_to else str(_("长期"))
    return f"{row.valid_from.isoformat()} – {end}"


def legal_row_errors(row: LegalRow) -> dict[str, list[str]]:
    """Return what is wrong with a row's values, in words, keyed by form field.

    Covers the named constraints of the two tables; field formats and required values
    are the model fields' own validation.
    """
    errors: dict[str, list[str]] = {}
    if row.valid_from and row.valid_to and row.valid_to < row.valid_from:
        errors.setdefault("valid_to", []).append(
            str(_("失效日期（%(to)s）早于生效日期（%(from)s）。"))
            % {"to": row.valid_to.isoformat(), "from": row.valid_from.isoformat()}
        )
    if isinstance(row, DeadlineRule) and row.days is not None and row.days < 1:
        errors.setdefault("days", []).append(str(_("期限至少为 1 天。")))
    if (
        isinstance(row, PenaltyRule)
        and row.fine_min_yuan is not None
        and row.fine_max_yuan is not None
        and row.fine_max_yuan < row.fine_min_yuan
    ):
        errors.setdefault("fine_max_yuan", []).append(
            str(_("罚款上限（%(max)s 元）低于罚款下限（%(min)s 元）。"))
            % {"max": row.fine_max_yuan, "min": row.fine_min_yuan}
        )
    if row.valid_from and not errors.get("valid_to"):
        others = list(legal_row_overlaps(row)[:3])
        if others:
            errors.setdefault(NON_FIELD_ERRORS, []).append(_overlap_message(row, others))
    return errors


def _overlap_message(row: LegalRow, others: list[LegalRow]) -> str:
    listed = "；".join(f"“{other}”（{_validity(other)}）" for other in others)
    if isinstance(row, DeadlineRule):
        key = _("同一事件类型、上报企业类型和起算时点")
    else:
        key = _("同一违法情形")
    return str(
        _(
            "有效期 %(mine)s 与已有的 %(others)s 重叠：%(key)s在任一日期只能有一行有效。"
            "请先为原有行设置失效日期（早于本行的生效日期），或调整本行的有效期。"
        )
    ) % {"mine": _validity(row), "others": listed, "key": key}


@transaction.atomic
def legal_row_save(*, row: LegalRow, user, reason: str = "", request=None) -> LegalRow:
    """Check and save a deadline or penalty row, recording who changed it and why.

    The change also goes to the security audit log (who, when, from where, which row).
    """
    legal_rows_lock(type(row))
    errors = legal_row_errors(row)
    if errors:
        raise ValidationError(errors)
    row.full_clean(validate_constraints=False)
    history_baseline_ensure(type(row), row.pk)
    row._history_user = user
    row._change_reason = reason.strip()[:REASON_MAX_LENGTH] or None
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as exc:  # only if someone wrote without taking the lock
        name = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", "")
        if name not in EXPLAINED_CONSTRAINTS:
            raise
        raise ValidationError(
            legal_row_errors(row) or {NON_FIELD_ERRORS: [str(_("与已有行冲突。"))]}
        ) from None
    from enterprises.services.audit import AuditAction, audit_record

    audit_record(
        actor=user,
        action=AuditAction.LEGAL_PARAMETER_CHANGE,
        request=request,
        target=f"{row._meta.label_lower}#{row.pk}",
        details={"row": str(row)[:200], "reason": reason.strip()[:REASON_MAX_LENGTH]},
    )
    return row
