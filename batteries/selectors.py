"""Reads of the digital identity, always scoped to the caller."""

from django.db.models import QuerySet

from batteries.models import Battery, LifecycleEvent


def pack_list(*, user) -> QuerySet[Battery]:
    """Return the packs the user may see, newest first."""
    return (
        Battery.objects.scoped_for(user)
        .select_related("holder", "manufacturer", "vehicle")
        .order_by("-pk")
    )


def pack_get(*, user, code: str) -> Battery:
    """Return one visible pack by code; raise Battery.DoesNotExist if hidden or unknown."""
    return pack_list(user=user).get(code=code.strip().upper())


def pack_events(*, battery: Battery) -> QuerySet[LifecycleEvent]:
    """Return a pack's whole timeline (callers have already been allowed to see the pack)."""
    return battery.events.select_related(
        "reporter", "counterparty", "vehicle", "outlet", "voids", "holder_after", "reported_by"
    ).order_by("seq")


def pack_public(*, code: str) -> Battery | None:
    """Return the pack for the public lookup; callers may show public-tier fields only."""
    return Battery.objects.filter(code=code.strip().upper()).only(
        "code", "product_type", "chemistry", "production_date", "state"
    ).first()
