"""Reads of the scorecards, scoped to the caller: snapshots, and an enterprise's short lists."""

from __future__ import annotations

import datetime as dt

from django.db.models import Max
from django.shortcuts import get_object_or_404

from batteries.models import Handover
from enforcement.models import Case
from enterprises.models import Enterprise
from enterprises.scoping import Scope
from stats.scorecard.models import ScorecardSnapshot

DISPUTES_LISTED = 50


def months(scope: Scope) -> list[dt.date]:
    """The months that have a snapshot the caller may read, newest first."""
    rows = ScorecardSnapshot.objects.for_scope(scope).values_list("month", flat=True)
    return sorted(set(rows.distinct()), reverse=True)


def provinces(scope: Scope, month: dt.date) -> list[str]:
    rows = ScorecardSnapshot.objects.for_scope(scope).filter(month=month)
    return sorted(set(rows.values_list("province", flat=True).distinct()))


def most_urgent_province(scope: Scope, month: dt.date) -> str:
    """The province of the month's highest score (a national regulator's first view)."""
    top = (
        ScorecardSnapshot.objects.for_scope(scope)
        .filter(month=month)
        .order_by("-score", "province")
        .values_list("province", flat=True)
        .first()
    )
    return top or ""


def priority_list(scope: Scope, *, province: str, month: dt.date) -> list[ScorecardSnapshot]:
    """The province's ranked snapshot rows of the month (a province never widens the scope)."""
    rows = ScorecardSnapshot.objects.for_scope(scope).filter(month=month, province=province)
    return list(rows.select_related("enterprise").order_by("rank"))


def snapshots_between(
    scope: Scope, *, month_from: dt.date, month_to: dt.date, province: str = "", role: str = ""
) -> list[ScorecardSnapshot]:
    """The priority lists of the months in the period, by province, month and rank (the
    filters narrow the caller's scope, never widen it)."""
    rows = ScorecardSnapshot.objects.for_scope(scope).filter(
        month__gte=month_from, month__lte=month_to
    )
    if province:
        rows = rows.filter(province=province)
    if role:
        rows = rows.filter(enterprise__roles__contains=[role])
    return list(rows.select_related("enterprise").order_by("province", "month", "rank"))


def built_at(scope: Scope, month: dt.date) -> dt.datetime | None:
    rows = ScorecardSnapshot.objects.for_scope(scope).filter(month=month)
    return rows.aggregate(at=Max("built_at"))["at"]


def enterprise_for(scope: Scope, pk: int) -> Enterprise:
    """The enterprise of a card, or 404 when the caller may not read it."""
    return get_object_or_404(Enterprise.objects.for_scope(scope), pk=pk)


def snapshots_of(enterprise: Enterprise, limit: int = 12) -> list[ScorecardSnapshot]:
    """The enterprise's latest snapshots, newest first (the caller was checked by
    `enterprise_for`)."""
    return list(ScorecardSnapshot.objects.filter(enterprise=enterprise).order_by("-month")[:limit])


def fines_of(enterprise: Enterprise) -> list[Case]:
    """The enterprise's cases with a fine decision, newest first, with their payments."""
    cases = Case.objects.filter(enterprise=enterprise, fine_fen__isnull=False)
    return list(cases.prefetch_related("payments").order_by("-opened_at", "-pk"))


def disputes_of(enterprise: Enterprise) -> list[Handover]:
    """Disputed handovers the enterprise gave or received, newest first (a short list)."""
    from django.db.models import Q

    rows = Handover.objects.filter(
        Q(giver=enterprise) | Q(receiver=enterprise), status=Handover.Status.DISPUTED
    )
    return list(
        rows.select_related("battery", "giver", "receiver").order_by("-resolved_at", "-pk")[
            :DISPUTES_LISTED
        ]
    )
