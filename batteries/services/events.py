"""Record lifecycle events: one set-based path for web forms, file imports and the API.

`events_record` takes a batch (a web form is a batch of one), locks the packs it touches,
checks every item against the state machine in rules.py, and writes all events, pack
states, bindings and handovers with a constant number of SQL statements per batch.

What is impossible or unauthorised is refused (an `ItemError`); what really happened but
is a suspected violation, or arrives out of order, is recorded and comes back as an
`ItemWarning` beside the success, for the reporter to know that it will be examined.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from batteries import rules
from batteries.models import Battery, Handover, LifecycleEvent
from batteries.services.access import access_grant, event_parties
from batteries.services.bulk import batteries_copy, events_copy, fast_factory, rows_update
from batteries.services.chain import event_payload
from batteries.services.lookups import BatchContext
from batteries.services.plausibility import (
    before_production,
    details_problem,
    moment_problem,
    text_problem,
)
from batteries.services.repurpose import repurpose_details, repurpose_problem, repurposed_unit
from common.battery_code import normalize_battery_code
from common.hashing import payload_hash
from enterprises.models import Enterprise

CLOCK_SKEW = timedelta(minutes=5)


@dataclass
class EventInput:
    code: str
    kind: str
    occurred_at: datetime
    counterparty_uscc: str = ""
    vin: str = ""
    outlet_id: int | None = None
    document_ref: str = ""
    details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ItemError:
    index: int
    field: str
    code: str
    message: str

    def as_dict(self) -> dict:
        return {
            "index": self.index,
            "field": self.field,
            "code": self.code,
            "message": str(self.message),
        }


@dataclass(frozen=True)
class ItemWarning:
    """Something recorded that enforcement will examine (same shape as ItemError)."""

    index: int | None
    field: str
    code: str
    message: str

    def as_dict(self) -> dict:
        return {
            "index": self.index,
            "field": self.field,
            "code": self.code,
            "message": str(self.message),
        }


@dataclass
class RecordResult:
    events: list[LifecycleEvent]
    errors: list[ItemError]
    warnings: list[ItemWarning] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def unknown_code(index: int | None, code: str) -> ItemError:
    """Return the answer for a code the registry does not know (or will not confirm)."""
    return ItemError(
        index, "code", "event.unknown_code", _("电池编码未登记：%(code)s") % {"code": code}
    )


def events_record(
    *,
    items: list[EventInput],
    reporter: Enterprise,
    user=None,
    channel: str,
    import_batch=None,
    all_or_nothing: bool = True,
    now: datetime | None = None,
) -> RecordResult:
    """Record a batch of events; return the events written and the per-item errors.

    With all_or_nothing, one bad item means nothing is written; otherwise the valid items
    are written and the bad ones reported.
    """
    now = now or timezone.now()
    refusal = reporter_refusal(reporter)
    if refusal:
        return RecordResult([], [ItemError(0, "code", *refusal)])
    refused = {}
    for index, item in enumerate(items):
        if problems := input_errors(index, item):
            refused[index] = problems
        else:
            item.code = normalize_battery_code(item.code)
    with transaction.atomic():
        clean = [item for index, item in enumerate(items) if index not in refused]
        ctx = BatchContext.load(items=clean, reporter=reporter)
        writer = _BatchWriter(
            ctx=ctx,
            reporter=reporter,
            user=user,
            channel=channel,
            import_batch=import_batch,
            now=now,
        )
        errors = [
            e
            for index, item in enumerate(items)
            for e in (refused[index] if index in refused else writer.add(index, item))
        ]
        if errors and all_or_nothing:
            return RecordResult([], errors)
        writer.flush()
    return RecordResult(writer.events, errors, writer.warnings)


# The single-line texts of an event; a NUL among them cannot even be looked up.
TEXT_FIELDS = ("code", "kind", "counterparty_uscc", "vin", "document_ref")


def input_errors(index: int, item: EventInput) -> list[ItemError]:
    """Return what makes an item implausible whatever the pack: control characters, a time
    before 2011 or with an offset no time zone has, an oversized or deep `details`."""
    errors = []
    for name in TEXT_FIELDS:
        value = getattr(item, name)
        if isinstance(value, str) and (problem := text_problem(value)):
            errors.append(ItemError(index, name, *problem))
    moment = item.occurred_at  # a naive one is refused later, as event.time_naive
    aware = isinstance(moment, datetime) and moment.utcoffset() is not None
    if aware and (problem := moment_problem(moment)):
        errors.append(ItemError(index, "occurred_at", *problem))
    if problem := details_problem(item.details or {}):
        errors.append(ItemError(index, "details", *problem))
    return errors


def reporter_refusal(reporter: Enterprise) -> tuple[str, str] | None:
    """Return (code, message) if this enterprise may not report at all, else None."""
    if reporter.status != Enterprise.Status.APPROVED:
        return "event.reporter_not_approved", _("企业未获批准或已暂停，不能上报数据。")
    return None


class _BatchWriter:
    """Apply items in order to in-memory pack state, then write everything at once."""

    def __init__(self, *, ctx: BatchContext, reporter, user, channel, import_batch, now):
        self.ctx, self.reporter, self.user = ctx, reporter, user
        self.channel, self.import_batch, self.now = channel, import_batch, now
        self.events: list[LifecycleEvent] = []
        self.warnings: list[ItemWarning] = []
        self.touched: dict[int, Battery] = {}
        self.recoded: list[tuple[Battery, LifecycleEvent]] = []
        # (enterprise, pack) pairs that already have an access row: the holder each pack had
        # before this batch got one when it became the holder. Events by that holder grant
        # nothing new; a holder made within the batch is not in here, so it gets its row.
        self.known_access: set[tuple[int, int]] = set()
        self._new_event = fast_factory(
            LifecycleEvent,
            reported_at=now,
            reporter=reporter,
            reported_by=user if getattr(user, "pk", None) else None,
            channel=channel,
            import_batch=import_batch,
            voids=None,
        )

    def add(self, index: int, item: EventInput) -> list[ItemError]:
        battery = self.ctx.batteries.get(item.code)
        if battery is None:
            return [unknown_code(index, item.code)]
        facts = self.ctx.facts(battery, item)
        # A pack the reporter cannot read: without proof of a real relation to it, the
        # answer is the unknown-code answer, before anything else could tell them apart.
        if not self.ctx.can_read(battery) and rules.proof_refusal(item.kind, facts):
            return [unknown_code(index, item.code)]
        reconciled = self.ctx.reconciled_by(battery, item)
        problem = self._time_problem(battery, item, self.ctx.awaiting_reporter(battery, item))
        if problem:
            return [ItemError(index, "occurred_at", *problem)]
        lookup_errors = self.ctx.lookup_errors(item)
        if lookup_errors:
            return [ItemError(index, f, c, m) for f, c, m in lookup_errors]
        refusal = rules.refusal_for(item.kind, facts)
        if refusal:
            return [ItemError(index, refusal.field, refusal.code, refusal.message)]
        if item.kind == "scrap_vehicle":
            problem = self.ctx.scrap.problem(item, self.reporter)
            if problem:
                return [ItemError(index, *problem)]
        if item.kind == "repurpose":
            problem = repurpose_problem(item, taken=self.ctx.taken_codes, now=self.now)
            if problem:
                return [ItemError(index, *problem)]
            item.details = repurpose_details(item.details)
            self.ctx.taken_codes.add(item.details["new_code"])
        self._apply(battery, item, reconciled)
        self.warnings += [
            ItemWarning(index, notice.field, notice.code, notice.message)
            for notice in rules.notices_for(item.kind, facts)
        ]
        return []

    def _time_problem(
        self, battery: Battery, item: EventInput, awaiting: Handover | None
    ) -> tuple[str, str] | None:
        if timezone.is_naive(item.occurred_at):
            return "event.time_naive", _("发生时间必须带时区。")
        if item.occurred_at > self.now + CLOCK_SKEW:
            return "event.time_future", _("发生时间不能晚于当前时间。")
        if before_production(item.occurred_at, battery.production_date):
            return "event.time_before_production", _(
                "发生时间早于该电池的生产日期（%(date)s，见编码）。"
            ) % {"date": battery.production_date.isoformat()}
        # The giver's handover for a receipt reported first may be dated before that
        # receipt, not before the pack's event that preceded it.
        floor = awaiting.floor if awaiting is not None else battery.last_occurred_at
        if floor and item.occurred_at < floor:
            if awaiting is not None:
                return "event.time_order", _(
                    "发生时间早于接收方先行确认接收之前该电池的上一事件的发生时间。"
                )
            return "event.time_order", _("发生时间早于该电池上一事件的发生时间。")
        return None

    def _apply(self, battery: Battery, item: EventInput, reconciled: Handover | None) -> None:
        rule = rules.TRANSITIONS[item.kind]
        counterparty = self.ctx.counterparty(item)
        vehicle = self.ctx.vehicle_for(item, self.reporter) if rule.needs_vehicle else None
        state_before = battery.state
        if reconciled is not None:  # the pack is already with the receiver: it stays there
            state_after, holder = battery.state, battery.holder
        else:
            state_after, holder = self._outcome(battery, item, rule, counterparty)
        # An event that unbinds names the vehicle the pack leaves; a scrap, the vehicle
        # scrapped (the one the pack is bound to).
        leaves = rule.unbinds or rule.needs_bound_vehicle
        named_vehicle = vehicle or (battery.vehicle if leaves else None)
        event = self._new_event(
            battery=battery,
            seq=battery.last_seq + 1,
            kind=item.kind,
            occurred_at=item.occurred_at,
            counterparty=counterparty,
            vehicle=named_vehicle,
            outlet_id=item.outlet_id,
            document_ref=item.document_ref,
            details=item.details,
            state_after=state_after,
            holder_after=holder,
            prev_hash=battery.last_hash,
            hash="",
        )
        event.hash = payload_hash(
            event_payload(
                event,
                code=battery.code,
                reporter_uscc=self.reporter.uscc,
                counterparty_uscc=counterparty.uscc if counterparty else "",
                vin=named_vehicle.vin if named_vehicle else "",
                voids_seq=None,
                holder_uscc=holder.uscc,
            ),
            battery.last_hash,
        )
        self._advance(battery, event)
        self._side_effects(battery, event, rule, state_before, vehicle, reconciled)

    def _outcome(self, battery, item, rule, counterparty) -> tuple[str, Enterprise]:
        holder = battery.holder
        if rule.new_holder == "reporter":
            holder = self.reporter
        elif rule.new_holder == "counterparty":
            holder = counterparty
        if item.kind == "receipt_dispute":
            handover = self.ctx.open_handovers[battery.pk]
            return handover.state_before, handover.giver
        return rule.target, holder

    def _advance(self, battery: Battery, event: LifecycleEvent) -> None:
        if battery.pk not in self.touched:  # its holder as stored, not one set by this batch
            self.known_access.add((battery.holder_id, battery.pk))
        battery.last_seq, battery.last_hash = event.seq, event.hash
        battery.last_occurred_at = max(
            battery.last_occurred_at or event.occurred_at, event.occurred_at
        )
        battery.state, battery.holder = event.state_after, event.holder_after
        battery.updated_at = self.now
        self.events.append(event)
        self.touched[battery.pk] = battery
        self.ctx.readable.add(battery.pk)  # the reporter is now party to the pack

    def _side_effects(self, battery, event, rule, state_before, vehicle, reconciled) -> None:
        if rule.unbinds:
            self.ctx.binding_close(battery, event, self.now)
            battery.vehicle = None
        if rule.binds:
            self.ctx.binding_open(battery, vehicle, event)
            battery.vehicle = vehicle
        if event.kind == "handover" and reconciled is not None:
            self.ctx.handover_reconcile(battery, event)
        elif event.kind == "handover":
            self.ctx.handover_open(battery, event, state_before)
        elif event.kind in rules.RECEIPT_KINDS and battery.pk in self.ctx.open_handovers:
            self.ctx.handover_resolve(battery, event, self.now)
        elif event.kind == "receipt_confirm":
            self.ctx.handover_receipt_first(battery, event, state_before)
        elif event.kind == "scrap_vehicle":
            self.ctx.scrap.attach(battery, event, now=self.now)
        elif event.kind == "repurpose":
            self.recoded.append(
                repurposed_unit(
                    battery,
                    event,
                    user=event.reported_by,
                    channel=self.channel,
                    import_batch=self.import_batch,
                    now=self.now,
                )
            )

    def flush(self) -> None:
        """Write events, then what refers to them, then the packs' new state."""
        self.ctx.flush_vehicles()
        events_copy(self.events)
        parties = event_parties(self.events) - self.known_access
        if self.recoded:
            batteries_copy([unit for unit, _ in self.recoded])
            events_copy([first for _, first in self.recoded])
            parties |= event_parties(first for _, first in self.recoded)
        access_grant(parties)
        self.ctx.flush_relations()
        if self.ctx.scrap is not None:
            self.ctx.scrap.flush()
        _batteries_update(list(self.touched.values()))


def _batteries_update(batteries: list[Battery]) -> None:
    """Write the packs' new state in one statement."""
    rows_update(
        "batteries_battery",
        {
            "state": "varchar",
            "holder_id": "bigint",
            "vehicle_id": "bigint",
            "last_seq": "integer",
            "last_hash": "varchar",
            "last_occurred_at": "timestamptz",
            "updated_at": "timestamptz",
        },
        [
            # New vehicles got their keys at flush, after the pack objects were changed.
            (b.pk, b.state, b.holder.pk, b.vehicle.pk if b.vehicle else None, b.last_seq,
             b.last_hash, b.last_occurred_at, b.updated_at)
            for b in batteries
        ],
    )  # fmt: skip
