"""Everything a batch of events refers to, loaded with one query per model."""

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from batteries import rules
from batteries.models import (
    Battery,
    BatteryAccess,
    Handover,
    LifecycleEvent,
    Vehicle,
    VehicleBinding,
)
from batteries.services.bulk import (
    bindings_copy,
    fast_factory,
    fast_instance,
    handovers_copy,
    rows_update,
    vehicles_copy,
)
from batteries.services.certificates import ScrapLinks
from batteries.sql import epoch_micros, from_epoch_micros
from common.identifiers import normalize_uscc, normalize_vin, validate_vin
from enterprises.models import Enterprise, Outlet

# The kinds of event that read a pack's open handover, or open or close its binding.
RESOLVING_KINDS = rules.RECEIPT_KINDS
BINDING_KINDS = frozenset(k for k, rule in rules.TRANSITIONS.items() if rule.binds or rule.unbinds)
# Whether a party may receive depends on its outlets: the counterparty of a handover, the
# reporter of a receipt.
QUALIFYING_KINDS = RESOLVING_KINDS | {"handover"}


def _outlet_owners(active, enterprises) -> set[int]:
    """The enterprises among the counterparties that own or run an active outlet."""
    ids = [e.pk for e in enterprises]
    owners = set(active.filter(owner_id__in=ids).values_list("owner_id", flat=True))
    return owners | set(active.filter(operator_id__in=ids).values_list("operator_id", flat=True))


@dataclass
class BatchContext:
    reporter: Enterprise
    batteries: dict[str, Battery]
    enterprises: dict[str, Enterprise]
    outlet_owners: set[int]
    outlets: dict[int, Outlet]
    vehicles: dict[str, Vehicle]
    open_handovers: dict[int, Handover]
    open_bindings: dict[int, VehicleBinding]
    # Receipts reported before their handover, by pack; each with `floor`, the time of the
    # pack's event before the receipt (the earliest the giver's handover may be dated).
    awaiting_giver: dict[int, Handover] = field(default_factory=dict)
    readable: set[int] = field(default_factory=set)
    scrap: ScrapLinks | None = None
    new_vehicles: dict[str, Vehicle] = field(default_factory=dict)
    new_bindings: list[VehicleBinding] = field(default_factory=list)
    new_handovers: list[Handover] = field(default_factory=list)
    dirty_bindings: list[VehicleBinding] = field(default_factory=list)
    dirty_handovers: list[Handover] = field(default_factory=list)
    reconciled_handovers: list[Handover] = field(default_factory=list)
    taken_codes: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, *, items, reporter: Enterprise) -> "BatchContext":
        codes = {item.code for item in items}
        batteries = _locked_batteries(codes)
        usccs = {normalize_uscc(i.counterparty_uscc) for i in items if i.counterparty_uscc}
        enterprises = {e.uscc: e for e in Enterprise.objects.approved().filter(uscc__any=usccs)}
        kinds = {item.kind for item in items}
        active = Outlet.objects.filter(status=Outlet.Status.ACTIVE)
        # Only what the batch's kinds of event consult is loaded: a batch of deliveries
        # needs no outlets, handovers or bindings (four queries fewer for a single event).
        owners = (
            _outlet_owners(active, [*enterprises.values(), reporter])
            if kinds & QUALIFYING_KINDS
            else set()
        )
        outlet_ids = {i.outlet_id for i in items if i.outlet_id}
        vins = {normalize_vin(i.vin) for i in items if i.vin}
        pks = [b.pk for b in batteries.values()]
        new_codes = {
            str(i.details.get("new_code", "")).strip().upper()
            for i in items
            if i.kind == "repurpose" and i.details.get("new_code")
        }
        return cls(
            taken_codes=set(
                Battery.objects.filter(code__any=new_codes).values_list("code", flat=True)
            ),
            reporter=reporter,
            batteries=batteries,
            enterprises=enterprises,
            outlet_owners=owners,
            outlets=active.in_bulk(outlet_ids),
            vehicles={v.vin: v for v in _vehicles(vin__any=vins)},
            open_handovers={
                h.battery_id: h
                for h in Handover.objects.select_related("giver").filter(
                    battery_id__any=pks if kinds & RESOLVING_KINDS else [],
                    status=Handover.Status.OPEN,
                )
            },
            open_bindings={
                b.battery_id: b
                for b in VehicleBinding.objects.filter(
                    battery_id__any=pks if kinds & BINDING_KINDS else [], unbound_at__isnull=True
                )
            },
            awaiting_giver=_awaiting_giver(pks if "handover" in kinds else []),
            readable=_readable(batteries.values(), reporter),
            scrap=ScrapLinks.load(items) if "scrap_vehicle" in kinds else None,
        )

    # --- reading ------------------------------------------------------------------------

    @property
    def reporter_roles(self) -> frozenset[str]:
        if not hasattr(self, "_reporter_roles"):
            self._reporter_roles = frozenset(self.reporter.roles)
        return self._reporter_roles

    def counterparty(self, item) -> Enterprise | None:
        if not item.counterparty_uscc:
            return None
        return self.enterprises.get(normalize_uscc(item.counterparty_uscc))

    def can_read(self, battery: Battery) -> bool:
        """Return True if the reporter was ever party to the pack (or is in this batch)."""
        return battery.pk in self.readable or battery.holder_id == self.reporter.pk

    def awaiting_reporter(self, battery: Battery, item) -> Handover | None:
        """Return the receipt reported first that awaits this handover item's reporter."""
        if item.kind != "handover":
            return None
        handover = self.awaiting_giver.get(battery.pk)
        return handover if handover is not None and handover.giver_id == self.reporter.pk else None

    def reconciled_by(self, battery: Battery, item) -> Handover | None:
        """Return the receipt-first row that this handover item closes, if it is one."""
        handover = self.awaiting_reporter(battery, item)
        counterparty = self.counterparty(item)
        if handover is None or counterparty is None:
            return None
        return handover if handover.receiver_id == counterparty.pk else None

    def lookup_errors(self, item) -> list[tuple[str, str, str]]:
        """Return (field, code, message) for references that do not resolve."""
        errors = []
        if item.counterparty_uscc and self.counterparty(item) is None:
            errors.append(
                (
                    "counterparty_uscc",
                    "event.counterparty_unknown",
                    _("对方企业未在平台登记或未获批准。"),
                )
            )
        if item.outlet_id:
            outlet = self.outlets.get(item.outlet_id)
            if outlet is None or self.reporter.pk not in {outlet.owner_id, outlet.operator_id}:
                errors.append(
                    (
                        "outlet",
                        "event.outlet_unknown",
                        _("回收服务网点不存在、已关闭或不属于本企业。"),
                    )
                )
        if item.vin:
            vin = normalize_vin(item.vin)
            errors += [("vin", e.code, e.message) for e in validate_vin(vin)]
            # A scrap names the VIN the pack is bound to: the binding check decides.
            known = vin in self.vehicles or item.kind == "scrap_vehicle"
            if not errors and not known and not self._may_create_vehicle(item):
                errors.append(
                    ("vin", "event.vehicle_unknown", _("车辆未登记：%(vin)s") % {"vin": vin})
                )
        return errors

    def _may_create_vehicle(self, item) -> bool:
        # A vehicle maker installing a pack registers the vehicle by doing so.
        return item.kind == "install" and bool(set(self.reporter.roles) & rules.VEHICLE_MAKERS)

    def facts(self, battery: Battery, item) -> rules.PackFacts:
        counterparty = self.counterparty(item)
        handover = self.open_handovers.get(battery.pk)
        awaiting = self.awaiting_reporter(battery, item)
        vin = normalize_vin(item.vin) if item.vin else ""
        return rules.PackFacts(
            state=battery.state,
            reporter_roles=self.reporter_roles,
            reporter_is_holder=battery.holder_id == self.reporter.pk,
            counterparty_roles=frozenset(counterparty.roles) if counterparty else None,
            counterparty_owns_outlet=bool(counterparty and counterparty.pk in self.outlet_owners),
            has_vehicle=bool(item.vin),
            has_outlet=bool(item.outlet_id),
            has_document=bool(item.document_ref.strip()),
            open_handover_receiver_is_reporter=(
                None if handover is None else handover.receiver_id == self.reporter.pk
            ),
            reporter_owns_outlet=self.reporter.pk in self.outlet_owners,
            counterparty_is_holder=bool(counterparty and counterparty.pk == battery.holder_id),
            vin_is_bound=bool(vin and battery.vehicle is not None and battery.vehicle.vin == vin),
            receipt_first_receiver_is_counterparty=(
                None
                if awaiting is None
                else bool(counterparty and awaiting.receiver_id == counterparty.pk)
            ),
        )

    def vehicle_for(self, item, reporter: Enterprise) -> Vehicle:
        vin = normalize_vin(item.vin)
        vehicle = self.vehicles.get(vin) or self.new_vehicles.get(vin)
        if vehicle is None:
            vehicle = fast_instance(
                Vehicle,
                vin=vin,
                producer=reporter,
                model_name="",
                is_swap_model=bool(item.details.get("swap_model")),
                created_at=timezone.now(),
            )
            self.new_vehicles[vin] = vehicle
        return vehicle

    # --- changing -----------------------------------------------------------------------

    def binding_close(self, battery, event, now) -> None:
        binding = self.open_bindings.pop(battery.pk, None)
        if binding is None:
            return
        binding.unbound_at, binding.unbound_by = event.occurred_at, event
        if binding.pk:
            self.dirty_bindings.append(binding)

    def binding_open(self, battery, vehicle, event) -> None:
        binding = fast_instance(
            VehicleBinding,
            battery=battery,
            vehicle=vehicle,
            bound_at=event.occurred_at,
            unbound_at=None,
            bound_by=event,
            unbound_by=None,
        )
        self.open_bindings[battery.pk] = binding
        self.new_bindings.append(binding)

    def handover_open(self, battery, event, state_before) -> None:
        handover = fast_instance(
            Handover,
            battery=battery,
            giver=event.reporter,
            receiver=event.counterparty,
            handover_event=event,
            resolution_event=None,
            state_before=state_before,
            status=Handover.Status.OPEN,
            handed_over_at=event.occurred_at,
            resolved_at=None,
        )
        self.open_handovers[battery.pk] = handover
        self.new_handovers.append(handover)

    def handover_receipt_first(self, battery, event, state_before) -> None:
        """Open the pair from the receiver's side: it awaits the giver's handover report."""
        handover = fast_instance(
            Handover,
            battery=battery,
            giver=event.counterparty,
            receiver=event.reporter,
            handover_event=None,
            resolution_event=event,
            state_before=state_before,
            status=Handover.Status.AWAITING_GIVER,
            handed_over_at=event.occurred_at,  # provisionally, until the giver reports
            resolved_at=event.occurred_at,
        )
        handover.floor = None
        self.awaiting_giver[battery.pk] = handover
        self.new_handovers.append(handover)

    def handover_reconcile(self, battery, event) -> None:
        """Close a receipt-first pair with the giver's handover report."""
        handover = self.awaiting_giver.pop(battery.pk)
        handover.status = Handover.Status.CONFIRMED
        handover.handover_event, handover.handed_over_at = event, event.occurred_at
        if handover.pk:
            self.reconciled_handovers.append(handover)

    def handover_resolve(self, battery, event, now) -> None:
        handover = self.open_handovers.pop(battery.pk)
        confirmed = event.kind == "receipt_confirm"
        handover.status = Handover.Status.CONFIRMED if confirmed else Handover.Status.DISPUTED
        handover.resolution_event, handover.resolved_at = event, event.occurred_at
        if handover.pk:
            self.dirty_handovers.append(handover)

    def flush_vehicles(self) -> None:
        """Write the vehicles first registered by this batch (events refer to them)."""
        vehicles_copy(list(self.new_vehicles.values()))

    def flush_relations(self) -> None:
        """Write bindings and handovers once the events have their keys.

        Existing rows are closed before new ones open, so the one-open-per-pack
        constraints hold at every statement.
        """
        rows_update(
            "batteries_vehiclebinding",
            {"unbound_at": "timestamptz", "unbound_by_id": "bigint"},
            [(b.pk, b.unbound_at, b.unbound_by.pk) for b in self.dirty_bindings],
        )
        bindings_copy(self.new_bindings)
        rows_update(
            "batteries_handover",
            {"status": "varchar", "resolution_event_id": "bigint", "resolved_at": "timestamptz"},
            [(h.pk, h.status, h.resolution_event.pk, h.resolved_at) for h in self.dirty_handovers],
        )
        rows_update(
            "batteries_handover",
            {"status": "varchar", "handover_event_id": "bigint", "handed_over_at": "timestamptz"},
            [
                (h.pk, h.status, h.handover_event.pk, h.handed_over_at)
                for h in self.reconciled_handovers
            ],
        )
        handovers_copy(self.new_handovers)


def _readable(batteries, reporter: Enterprise) -> set[int]:
    """The batch's packs the reporter was ever party to, among those it does not hold.

    A pack the reporter holds is readable anyway; for the others, whether it may read them
    decides between a precise refusal and the unknown-code answer (rules.proof_refusal).
    A batch on the reporter's own packs asks nothing.
    """
    others = [b.pk for b in batteries if b.holder_id != reporter.pk]
    if not others:
        return set()
    return set(
        BatteryAccess.objects.filter(enterprise_id=reporter.pk, battery_id__any=others).values_list(
            "battery_id", flat=True
        )
    )


def _awaiting_giver(pks: list[int]) -> dict[int, Handover]:
    """Load the receipts reported first of these packs, with the time before each receipt."""
    before_receipt = LifecycleEvent.objects.filter(
        battery_id=OuterRef("battery_id"), seq=OuterRef("resolution_event__seq") - 1
    ).values("occurred_at")
    rows = Handover.objects.filter(
        battery_id__any=pks, status=Handover.Status.AWAITING_GIVER
    ).annotate(floor=Subquery(before_receipt))
    return {h.battery_id: h for h in rows}


_LOCK_PACKS = f"""
SELECT id, code, state, holder_id, vehicle_id, last_seq, last_hash,
       {epoch_micros("last_occurred_at")}, mass_kg, capacity_wh, production_date
FROM batteries_battery WHERE code = ANY(%s) ORDER BY id FOR UPDATE
"""


def _locked_batteries(codes: set[str]) -> dict[str, Battery]:
    """Lock the batch's packs (in key order, so concurrent batches cannot deadlock).

    Holders and vehicles are loaded once each for the whole batch rather than joined per
    pack: a 10,000-pack batch usually has a handful of distinct holders. The packs come back
    as tuples and become instances without Model.__init__ (see `fast_factory`).
    `last_occurred_at` arrives as integer microseconds (`from_epoch_micros`); `updated_at`
    is not read: the batch overwrites it.
    """
    if not codes:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_PACKS, [list(codes)])
        rows = cursor.fetchall()
    holders = Enterprise.objects.in_bulk({row[3] for row in rows})
    vehicles = {v.pk: v for v in _vehicles(pk__any={row[4] for row in rows if row[4]})}
    batteries = {}
    build = fast_factory(Battery, saved=True)
    for pk, code, state, holder_id, vehicle_id, last_seq, last_hash, micros, *sizes in rows:
        batteries[code] = build(
            id=pk,
            code=code,
            state=state,
            holder=holders[holder_id],
            vehicle=vehicles.get(vehicle_id),
            last_seq=last_seq,
            last_hash=last_hash,
            last_occurred_at=from_epoch_micros(micros),
            mass_kg=sizes[0],
            capacity_wh=sizes[1],
            production_date=sizes[2],
        )
    return batteries


def _vehicles(**lookup) -> list[Vehicle]:
    """The batch's vehicles, as instances without Model.__init__ (a sale batch has 10,000)."""
    build = fast_factory(Vehicle, saved=True)
    fields = ("id", "vin", "producer_id", "model_name", "is_swap_model")
    return [
        build(**dict(zip(fields, row, strict=True)))
        for row in Vehicle.objects.filter(**lookup).values_list(*fields)
    ]
