"""Reads for a user: every queryset here starts from `scoped_for(user)`."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from common.identifiers import MAINLAND_PROVINCES, PROVINCES
from enterprises import rules
from enterprises.models import (
    Enterprise,
    EnterpriseApiKey,
    ManufacturerCode,
    Outlet,
    User,
    WhitelistEntry,
)


def enterprise_is_active(user) -> bool:
    """Return True if the user (or API key) acts for an approved enterprise and may do business."""
    enterprise = getattr(user, "enterprise", None)
    return bool(
        enterprise is not None
        and getattr(user, "is_active", False)
        and enterprise.status == Enterprise.Status.APPROVED
    )


def whitelist_presence() -> Exists:
    """Return an expression: the enterprise has a whitelist entry not revoked (listed or
    under rectification)."""
    return Exists(
        WhitelistEntry.objects.filter(enterprise=OuterRef("pk")).exclude(
            status=WhitelistEntry.Status.REVOKED
        )
    )


def enterprise_list(*, user) -> QuerySet[Enterprise]:
    """Return the enterprises the user may read, with what lists and the API show."""
    return (
        Enterprise.objects.scoped_for(user)
        .annotate(whitelisted=whitelist_presence())
        .prefetch_related(
            Prefetch("manufacturer_codes", queryset=ManufacturerCode.objects.order_by("code"))
        )
    )


def enterprise_get(*, user, pk: int) -> Enterprise:
    """Return one enterprise the user may read, or raise Http404."""
    return get_object_or_404(enterprise_list(user=user), pk=pk)


def enterprise_whitelist(*, enterprise: Enterprise) -> QuerySet[WhitelistEntry]:
    """Return the whitelist entries of an enterprise the caller already may read."""
    return enterprise.whitelist_entries.order_by("-announced_on")


def enterprise_outlets(*, enterprise: Enterprise) -> QuerySet[Outlet]:
    """Return the outlets an enterprise (already read through a scoped selector) set up."""
    return enterprise.outlets.order_by("province", "name")


def enterprise_users(*, user) -> QuerySet[User]:
    """Return the accounts of the user's own enterprise."""
    return User.objects.scoped_for(user).filter(enterprise__isnull=False).order_by("username")


# --- History ------------------------------------------------------------------------------


@dataclass
class HistoryEntry:
    when: object
    who: str
    kind: str
    reason: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)


def _display(model_field, value) -> str:
    if value in (None, ""):
        return "—"
    # An ArrayField (roles) carries its choices on the base field.
    choices = dict(getattr(model_field, "base_field", model_field).flatchoices)
    if isinstance(value, list):
        return "、".join(str(choices.get(item, item)) for item in value)
    return str(choices.get(value, value))


def enterprise_history(*, enterprise: Enterprise, limit: int = 100) -> list[HistoryEntry]:
    """Return the enterprise's changes, newest first: who, when, why, field old → new."""
    records = list(
        enterprise.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    entries = []
    for record, previous in zip(records, records[1:] + [None], strict=False):
        if len(entries) == limit:
            break
        entry = HistoryEntry(
            when=record.history_date,
            who=str(record.history_user or "—"),
            kind=record.get_history_type_display(),
            reason=record.history_change_reason or "",
        )
        if previous is not None:
            for change in record.diff_against(previous).changes:
                model_field = Enterprise._meta.get_field(change.field)
                entry.changes.append(
                    (
                        str(model_field.verbose_name),
                        _display(model_field, change.old),
                        _display(model_field, change.new),
                    )
                )
        entries.append(entry)
    return entries


# --- Outlets and coverage -----------------------------------------------------------------


def outlet_list(*, user) -> QuerySet[Outlet]:
    """Return the outlets the user may read."""
    return Outlet.objects.scoped_for(user).select_related("owner", "operator")


def outlet_owned(*, user) -> QuerySet[Outlet]:
    """Return the outlets the user's own enterprise set up (the ones it may change)."""
    return outlet_list(user=user).filter(owner_id=getattr(user, "enterprise_id", None))


@dataclass
class CoverageSection:
    level: str
    rows: list[tuple[str, str, rules.CoverageRow]]  # (area code, area name, row)

    @property
    def uncovered(self) -> int:
        return sum(1 for *_, row in self.rows if not row.covered)


def _area_name(area: str) -> str:
    province = PROVINCES.get(area[:2], area[:2])
    return province if len(area) == 2 else f"{province} {area}00"


def enterprise_coverage(*, enterprise: Enterprise) -> list[CoverageSection]:
    """Return outlet coverage per level for an enterprise the caller already may read.

    Sales by region are not reported yet, so battery producers are measured against the 31
    provinces where the duty applies (not Taiwan, Hong Kong, Macao) and vehicle producers
    against the prefectures where they have outlets plus that of their registered address.
    """
    outlets = enterprise.outlets.values("province", "prefecture", "status")
    sections = []
    for level in rules.coverage_levels(enterprise.roles):
        key = "province" if level == rules.PROVINCE else "prefecture"
        active = Counter(o[key] for o in outlets if o["status"] == Outlet.Status.ACTIVE)
        if level == rules.PROVINCE:
            required = set(MAINLAND_PROVINCES)
        else:
            required = {o[key] for o in outlets} | {enterprise.prefecture}
        rows = rules.outlet_coverage(required_areas=required, active_outlets=active)
        sections.append(CoverageSection(level, [(r.area, _area_name(r.area), r) for r in rows]))
    return sections


# --- API keys -----------------------------------------------------------------------------


def api_key_list(*, user) -> QuerySet[EnterpriseApiKey]:
    """Return the API keys of the user's own enterprise, newest first."""
    return (
        EnterpriseApiKey.objects.scoped_for(user)
        .filter(enterprise_id=getattr(user, "enterprise_id", None))
        .select_related("created_by")
        .order_by("-created")
    )


# --- Review queue -------------------------------------------------------------------------


def review_queue_counts(*, user) -> dict[str, int]:
    """Return the number of enterprises per status the user may review (small table)."""
    rows = Enterprise.objects.scoped_for(user).values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def audit_list(
    *,
    user,
    actor: str = "",
    action: str = "",
    ip_address: str = "",
    since=None,
    until=None,
):
    """Return the audit records a regulator may search, newest first.

    A national regulator sees every record; a provincial one, those of actors in its
    province (its own staff and its enterprises' users and keys).
    """
    import datetime as dt

    from django.utils import timezone

    from enterprises.models import AuditEvent

    if not getattr(user, "is_regulator", False):
        return AuditEvent.objects.none()
    rows = AuditEvent.objects.all()
    if not user.is_superuser and user.kind == User.Kind.PROVINCIAL_REGULATOR:
        rows = rows.filter(province=user.province)
    if actor:
        rows = rows.filter(actor_name__startswith=actor)
    if action:
        rows = rows.filter(action=action)
    if ip_address:
        rows = rows.filter(ip_address=ip_address)
    zone = timezone.get_current_timezone()
    if since:
        rows = rows.filter(occurred_at__gte=dt.datetime.combine(since, dt.time(), zone))
    if until:
        end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), zone)
        rows = rows.filter(occurred_at__lt=end)
    return rows.order_by("-occurred_at", "-id")
