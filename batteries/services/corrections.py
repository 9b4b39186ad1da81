"""Corrections: a new event that voids the pack's latest event, never an edit."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from batteries import rules
from batteries.models import (
    Battery,
    EventKind,
    Handover,
    LifecycleEvent,
    ScrappedVehiclePack,
    VehicleBinding,
)
from batteries.services.chain import event_content
from batteries.services.plausibility import text_problem
from common.hashing import event_hash


class CorrectionRefused(Exception):
    def __init__(self, code: str, message):
        super().__init__(str(message))
        self.code, self.message = code, message


@transaction.atomic
def event_void(
    *, event: LifecycleEvent, reporter, user=None, reason: str, channel: str, now=None
) -> LifecycleEvent:
    """Void the pack's latest event by appending a correction; restore the previous state."""
    now = now or timezone.now()
    battery = Battery.objects.select_for_update().select_related("holder").get(pk=event.battery_id)
    _check(event, battery, reporter, reason)
    previous = battery.events.select_related("holder_after").get(seq=event.seq - 1)
    correction = LifecycleEvent(
        battery=battery,
        seq=battery.last_seq + 1,
        kind=EventKind.VOID,
        occurred_at=now,
        reported_at=now,
        reporter=reporter,
        reported_by=user if getattr(user, "pk", None) else None,
        channel=channel,
        voids=event,
        details={"reason": reason.strip()},
        state_after=previous.state_after,
        holder_after=previous.holder_after,
        prev_hash=battery.last_hash,
    )
    correction.hash = event_hash(
        event_content(
            correction,
            code=battery.code,
            reporter_uscc=reporter.uscc,
            counterparty_uscc="",
            vin="",
            voids_seq=event.seq,
            holder_uscc=previous.holder_after.uscc,
        ),
        battery.last_hash,
    )
    correction.save()
    _undo_relations(event, correction, battery, now)
    battery.state, battery.holder = correction.state_after, correction.holder_after
    battery.last_seq, battery.last_hash, battery.updated_at = correction.seq, correction.hash, now
    battery.save(
        update_fields=["state", "holder", "vehicle", "last_seq", "last_hash", "updated_at"]
    )
    return correction


def _check(event, battery, reporter, reason) -> None:
    from batteries.services.events import reporter_refusal

    refusal = reporter_refusal(reporter)
    if refusal:
        raise CorrectionRefused(*refusal)
    if not reason.strip():
        raise CorrectionRefused("void.reason", _("更正必须说明原因。"))
    if problem := text_problem(reason, multiline=True):
        raise CorrectionRefused("void.reason", problem[1])
    if event.seq != battery.last_seq:
        raise CorrectionRefused("void.not_latest", _("只能更正该电池的最新事件。"))
    if event.kind in {EventKind.VOID, EventKind.REGISTER}:
        raise CorrectionRefused("void.kind", _("赋码登记和更正事件不能被作废。"))
    if event.reporter_id != reporter.pk:
        raise CorrectionRefused("void.not_reporter", _("只有原上报企业可以更正该事件。"))


def _undo_relations(event, correction, battery, now) -> None:
    """Undo the binding or handover the voided event made."""
    opened = VehicleBinding.objects.filter(bound_by=event, unbound_at__isnull=True).first()
    if opened:
        opened.unbound_at, opened.unbound_by = now, correction
        opened.save(update_fields=["unbound_at", "unbound_by"])
        battery.vehicle = None
    closed = VehicleBinding.objects.filter(unbound_by=event).first()
    if closed:
        VehicleBinding.objects.create(
            battery=battery, vehicle=closed.vehicle, bound_at=now, bound_by=correction
        )
        battery.vehicle = closed.vehicle
    _undo_handovers(event, now)
    _undo_scrap(event)


def _undo_scrap(event) -> None:
    """A voided scrap event: its pack no longer counts as arrived with the vehicle."""
    row = ScrappedVehiclePack.objects.filter(event=event).select_related("record__vehicle").first()
    if row is None:
        return
    row.arrived, row.event = False, None
    row.save(update_fields=["arrived", "event"])
    record = row.record
    packs = list(record.packs.values_list("arrived", flat=True))
    record.pack_status = rules.scrap_pack_status(
        vehicle_known=record.vehicle is not None,
        bound=len(packs),
        arrived=sum(packs),
        swap=bool(record.vehicle and record.vehicle.is_swap_model),
        missing_declared=True,
    )
    record.save(update_fields=["pack_status"])


def _undo_handovers(event, now) -> None:
    """Undo what the voided event did to a handover pair.

    A handover that closed a receipt reported first reopens that receipt's wait for the
    giver; any other handover is voided with its pair. A receipt reported first voids its
    waiting pair; a receipt or dispute of an open handover reopens it.
    """
    reconciled = (
        Handover.objects.filter(handover_event=event, resolution_event__seq__lt=event.seq)
        .select_related("resolution_event")
        .first()
    )
    if reconciled is not None:
        reconciled.status = Handover.Status.AWAITING_GIVER
        reconciled.handover_event = None
        reconciled.handed_over_at = reconciled.resolution_event.occurred_at
        reconciled.save(update_fields=["status", "handover_event", "handed_over_at"])
    else:
        Handover.objects.filter(handover_event=event).update(
            status=Handover.Status.VOIDED, resolved_at=now
        )
    Handover.objects.filter(resolution_event=event, status=Handover.Status.AWAITING_GIVER).update(
        status=Handover.Status.VOIDED
    )
    Handover.objects.filter(resolution_event=event).exclude(status=Handover.Status.VOIDED).update(
        status=Handover.Status.OPEN, resolution_event=None, resolved_at=None
    )
