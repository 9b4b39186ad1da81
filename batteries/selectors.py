"""Reads of the digital identity, always scoped to the caller."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from batteries import rules
from batteries.models import (
    Battery,
    EventKind,
    Handover,
    LifecycleEvent,
    ScrappedVehicle,
    ScrappedVehiclePack,
    State,
    Vehicle,
    VehicleBinding,
)
from common.battery_code import CodeParseResult, parse_battery_code
from common.identifiers import (
    IdentifierError,
    identifier_error,
    normalize_identifier,
    normalize_uscc,
)
from enterprises.models import Enterprise, ManufacturerCode, Outlet, Role
from enterprises.scoping import scope_of


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
    return (
        Battery.objects.filter(code=code.strip().upper())
        .only("code", "product_type", "chemistry", "production_date", "state")
        .first()
    )


# --- Portal pages (batteries.web) ---------------------------------------------------------


def pack_timeline(*, battery: Battery) -> QuerySet[LifecycleEvent]:
    """Return a pack's events with what the timeline shows: voiding event, import batch."""
    return pack_events(battery=battery).select_related("voided_by", "import_batch")


def pack_latest_event(*, battery: Battery) -> LifecycleEvent | None:
    """Return the pack's latest event (the only one a correction may void)."""
    return battery.events.select_related("reporter").filter(seq=battery.last_seq).first()


def pack_bindings(*, battery: Battery) -> QuerySet[VehicleBinding]:
    """Return the pack's vehicle bindings, newest first."""
    return battery.bindings.select_related("vehicle", "vehicle__producer").order_by("-bound_at")


def pack_handovers(*, battery: Battery) -> QuerySet[Handover]:
    """Return the pack's handovers, newest first."""
    return battery.handovers.select_related("giver", "receiver").order_by("-handed_over_at")


def pack_children(*, battery: Battery, limit: int = 100) -> list[Battery]:
    """Return up to `limit` + 1 modules or cells of a pack (the extra one says "more")."""
    return list(
        battery.children.order_by("code").only("code", "product_type", "state")[: limit + 1]
    )


def pack_recoded(*, battery: Battery) -> list[Battery]:
    """Return the codes this unit was re-coded as when repurposed."""
    return list(battery.recoded_as.order_by("code").only("code"))


# Counterparty roles that satisfy every counterparty rule: used to ask "which kinds could
# this enterprise report now?" before the user has typed a counterparty.
_ANY_COUNTERPARTY = frozenset(rules.VEHICLE_MAKERS | rules.QUALIFIED_RECEIVER_ROLES)
VOID_KIND = EventKind.VOID.value
_NOT_VOIDABLE = {EventKind.VOID, EventKind.REGISTER}


def pack_event_kinds(*, battery: Battery | None, enterprise: Enterprise) -> list[str]:
    """Return the event kinds the enterprise may report on the pack now, "void" included.

    For a pack the enterprise may not see (`battery` None), return the kinds its roles
    allow a non-holder to report, so the form reveals nothing about that pack.
    """
    roles = frozenset(enterprise.roles)
    if battery is None:
        return [
            kind
            for kind, rule in rules.TRANSITIONS.items()
            if not rule.reporter_must_hold and (not rule.roles or roles & rule.roles)
        ]
    pending = {
        h.status: h
        for h in battery.handovers.filter(
            status__in=[Handover.Status.OPEN, Handover.Status.AWAITING_GIVER]
        )
    }
    handover = pending.get(Handover.Status.OPEN)
    awaiting = pending.get(Handover.Status.AWAITING_GIVER)
    facts = rules.PackFacts(
        state=battery.state,
        reporter_roles=roles,
        reporter_is_holder=battery.holder_id == enterprise.pk,
        counterparty_roles=_ANY_COUNTERPARTY,
        counterparty_owns_outlet=True,
        has_vehicle=True,
        has_outlet=True,
        has_document=True,
        open_handover_receiver_is_reporter=(
            None if handover is None else handover.receiver_id == enterprise.pk
        ),
        # As if the user names the right parties: the holder as giver of a receipt reported
        # first, the receiver that already reported the receipt of the giver's handover.
        counterparty_is_holder=True,
        receipt_first_receiver_is_counterparty=(
            True if awaiting is not None and awaiting.giver_id == enterprise.pk else None
        ),
    )
    kinds = [kind for kind in rules.TRANSITIONS if rules.refusal_for(kind, facts) is None]
    latest = pack_latest_event(battery=battery)
    if latest and latest.kind not in _NOT_VOIDABLE and latest.reporter_id == enterprise.pk:
        kinds.append(VOID_KIND)
    return kinds


def event_outlets(*, user) -> QuerySet[Outlet]:
    """Return the active outlets the user's enterprise set up or operates."""
    return (
        Outlet.objects.scoped_for(user)
        .filter(status=Outlet.Status.ACTIVE)
        .filter(Q(owner_id=user.enterprise_id) | Q(operator_id=user.enterprise_id))
        .order_by("province", "name")
    )


@dataclass(frozen=True)
class Counterparty:
    """What a reporter may know about a counterparty it names by USCC."""

    enterprise: Enterprise
    role_labels: list[str]
    receiver_qualified: bool
    vehicle_maker: bool


def counterparty_lookup(*, uscc: str) -> Counterparty | None:
    """Return an approved enterprise by USCC and whether it may receive used packs."""
    enterprise = Enterprise.objects.approved().filter(uscc=normalize_uscc(uscc)).first()
    if enterprise is None:
        return None
    roles = frozenset(enterprise.roles)
    owns_outlet = Outlet.objects.filter(
        Q(owner=enterprise) | Q(operator=enterprise), status=Outlet.Status.ACTIVE
    ).exists()
    labels = dict(Role.choices)
    return Counterparty(
        enterprise=enterprise,
        role_labels=[str(labels.get(role, role)) for role in enterprise.roles],
        receiver_qualified=rules.receiver_is_qualified(roles, owns_outlet),
        vehicle_maker=bool(roles & rules.VEHICLE_MAKERS),
    )


def handover_inbox(*, user) -> QuerySet[Handover]:
    """Return the open handovers the user's enterprise must confirm or dispute, oldest first."""
    return (
        Handover.objects.filter(
            receiver_id=getattr(user, "enterprise_id", None) or 0, status=Handover.Status.OPEN
        )
        .select_related("battery", "giver", "handover_event")
        .order_by("handed_over_at", "pk")
    )


def handover_open_for(*, user, pk: int) -> Handover:
    """Return one open handover addressed to the user's enterprise, or raise DoesNotExist."""
    return handover_inbox(user=user).get(pk=pk)


def handover_list(*, user) -> QuerySet[Handover]:
    """Return the handovers of visible packs, plus those the enterprise gave or receives."""
    scope = scope_of(user)
    if scope.national:
        return Handover.objects.all()
    visible = Q(battery__in=Battery.objects.for_scope(scope).values("pk"))
    if scope.province:
        parties = Q(giver__province=scope.province) | Q(receiver__province=scope.province)
    elif scope.enterprise_id:
        parties = Q(giver_id=scope.enterprise_id) | Q(receiver_id=scope.enterprise_id)
    else:
        return Handover.objects.none()
    return Handover.objects.filter(visible | parties)


def vehicle_list(*, user) -> QuerySet[Vehicle]:
    """Return the vehicles the user may read: made in scope or carrying a visible pack."""
    scope = scope_of(user)
    if scope.national:
        return Vehicle.objects.all()
    if scope.empty:
        return Vehicle.objects.none()
    bound = VehicleBinding.objects.filter(
        battery__in=Battery.objects.for_scope(scope).values("pk")
    ).values("vehicle_id")
    made = (
        Q(producer__province=scope.province)
        if scope.province
        else Q(producer_id=scope.enterprise_id)
    )
    return Vehicle.objects.filter(made | Q(pk__in=bound))


def scrap_list(*, user) -> QuerySet[ScrappedVehicle]:
    """Return the scrapped-vehicle records the user may see, newest first.

    A dismantler sees the records it reported; a provincial regulator those of the
    dismantlers of its province; a national regulator all.
    """
    return (
        ScrappedVehicle.objects.scoped_for(user)
        .select_related("dismantler", "vehicle")
        .order_by("-pk")
    )


def scrap_get(*, user, certificate_no: str) -> ScrappedVehicle:
    """Return one visible record by certificate; raise ScrappedVehicle.DoesNotExist otherwise."""
    return scrap_list(user=user).get(certificate_no=certificate_no.strip())


def scrap_packs(*, record: ScrappedVehicle) -> QuerySet[ScrappedVehiclePack]:
    """Return a record's packs (arrived first) with their scrap events."""
    return record.packs.select_related("battery", "event").order_by("-arrived", "battery__code")


def scrap_visible_packs(*, user, records) -> set[int]:
    """Return which packs of these records the user may read, in one query.

    A record names every pack bound to its VIN; the dismantler may read those that came
    with the vehicle (it holds them), not the codes of the ones that did not: a VIN alone
    must not reveal which packs it carries.
    """
    return packs_visible(
        user=user, ids=[row.battery_id for record in records for row in record.packs.all()]
    )


def packs_visible(*, user, ids: list[int]) -> set[int]:
    """Return which of these packs the user may read, in one query."""
    if not ids:
        return set()
    return set(Battery.objects.scoped_for(user).filter(pk__any=ids).values_list("pk", flat=True))


# The public tier (EU battery passport style): a broad status, never holders or events.
PUBLIC_IN_USE, PUBLIC_END_OF_LIFE = _("在用"), _("已退役，回收处理中")
PUBLIC_STATUS = {
    **{
        state: PUBLIC_IN_USE
        for state in (
            State.REGISTERED,
            State.PRODUCED,
            State.DELIVERED,
            State.INSTALLED,
            State.SOLD,
            State.IN_SWAP_POOL,
            State.REMOVED,
        )
    },
    **{
        state: PUBLIC_END_OF_LIFE
        for state in (
            State.AT_OUTLET,
            State.VEHICLE_SCRAPPED,
            State.DISMANTLED,
            State.HANDED_OVER,
            State.RECEIVED,
        )
    },
    State.RECYCLED: _("已再生利用"),
    State.REPURPOSED: _("已梯次利用（重新编码）"),
}


def pack_public_status(*, battery: Battery) -> str:
    """Return the broad public status of a pack."""
    return PUBLIC_STATUS.get(battery.state, PUBLIC_IN_USE)


# --- REST API reads (batteries/api) ---------------------------------------------------------
# Added for the API channel. Packs, timelines and vehicles reuse the reads above.


def event_list(*, user) -> QuerySet[LifecycleEvent]:
    """Return the events of every pack the user may see (whole histories), newest first."""
    return (
        LifecycleEvent.objects.scoped_for(user)
        .select_related(
            "battery", "reporter", "counterparty", "vehicle", "holder_after", "voided_by"
        )
        .order_by("-pk")
    )


def event_get(*, user, pk: int) -> LifecycleEvent:
    """Return one visible event; raise LifecycleEvent.DoesNotExist if hidden or unknown."""
    return event_list(user=user).get(pk=pk)


def vehicle_get(*, user, vin: str) -> Vehicle:
    """Return one visible vehicle by VIN; raise Vehicle.DoesNotExist if hidden or unknown."""
    return vehicle_list(user=user).select_related("producer").get(vin=normalize_identifier(vin))


def vehicle_bindings(*, vehicle: Vehicle) -> QuerySet[VehicleBinding]:
    """Return every pack binding of a vehicle, newest first (the caller may see the vehicle).

    Callers show only the bindings of packs the user may read (`packs_visible`).
    """
    return vehicle.bindings.select_related("battery", "bound_by", "unbound_by").order_by(
        "-bound_at", "-pk"
    )


def vehicle_scrap_records(*, vehicle: Vehicle) -> QuerySet[ScrappedVehicle]:
    """Return the scrap records reported for the vehicle's VIN, newest first.

    Whoever may see the vehicle learns that, when and by whom it was scrapped and whether
    its packs arrived: the facts the packs' own timelines already show their parties.
    """
    return (
        ScrappedVehicle.objects.filter(vin=vehicle.vin)
        .select_related("dismantler")
        .prefetch_related("packs")
        .order_by("-scrapped_at", "-pk")
    )


def vehicles_visible(*, user, ids: list[int]) -> set[int]:
    """Return which of these vehicles the user may open, in one query."""
    if not ids:
        return set()
    return set(vehicle_list(user=user).filter(pk__in=ids).values_list("pk", flat=True))


def vehicle_packs(*, user, vehicle: Vehicle) -> list[str]:
    """Return the codes of the visible packs now installed in the vehicle."""
    return list(
        Battery.objects.scoped_for(user)
        .filter(vehicle=vehicle)
        .order_by("code")
        .values_list("code", flat=True)
    )


def manufacturer_code_owners(*, prefixes: set[str]) -> dict[str, str]:
    """Return manufacturer code → name of the enterprise it is registered to, in one query."""
    return dict(
        ManufacturerCode.objects.filter(code__in=prefixes).values_list("code", "enterprise__name")
    )


def codes_registered(*, codes: set[str]) -> set[str]:
    """Return which of the codes are registered anywhere in the registry, in one query.

    Deliberately unscoped: a producer must learn that a code is taken before it prints a
    label. Only the fact is returned, never the pack, its holder or its history.
    """
    return set(Battery.objects.filter(code__in=codes).values_list("code", flat=True))


@dataclass(frozen=True)
class CodeReport:
    """One submitted code: its parse, its registry facts, and every problem found."""

    input: str
    result: CodeParseResult
    errors: list[IdentifierError]
    manufacturer_registered: bool | None  # None: positions 1-3 are not a manufacturer code
    manufacturer_name: str | None
    code_registered: bool

    @property
    def is_valid(self) -> bool:
        return not self.errors


def _manufacturer_prefix(code: str) -> str | None:
    prefix = code[:3]
    return prefix if len(prefix) == 3 and prefix.isascii() and prefix.isalnum() else None


def code_reports(*, codes: list[str], today: date) -> list[CodeReport]:
    """Parse codes and check them against the registry: two queries for the whole list.

    A code is valid when it is well formed (GB/T 34014) and its manufacturer code is
    registered; already being registered is reported, not an error.
    """
    results = [parse_battery_code(code, today=today) for code in codes]
    prefixes = {p for r in results if (p := _manufacturer_prefix(r.code))}
    owners = manufacturer_code_owners(prefixes=prefixes) if prefixes else {}
    valid_codes = {r.code for r in results if r.is_valid}
    registered = codes_registered(codes=valid_codes) if valid_codes else set()
    reports = []
    for raw, result in zip(codes, results, strict=True):
        prefix = _manufacturer_prefix(result.code)
        errors = list(result.errors)
        if prefix and prefix not in owners:
            errors.insert(0, _unregistered_manufacturer(prefix))
        reports.append(
            CodeReport(
                input=raw,
                result=result,
                errors=errors,
                manufacturer_registered=None if prefix is None else prefix in owners,
                manufacturer_name=owners.get(prefix) if prefix else None,
                code_registered=result.code in registered,
            )
        )
    return reports


def _unregistered_manufacturer(prefix: str) -> IdentifierError:
    return identifier_error(
        "code.manufacturer_unregistered",
        _("第%(position)s–3位厂商代码“%(prefix)s”未在平台备案。"),
        1,
        prefix=prefix,
    )
