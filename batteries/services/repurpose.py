"""Repurposing (梯次利用): a received pack gets a new 19-character code linked to the old one."""

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from batteries import rules
from batteries.models import Battery, LifecycleEvent
from common.battery_code import parse_battery_code


def repurpose_problem(item, *, taken: set[str], now: datetime) -> tuple[str, str, str] | None:
    """Return (field, code, message) if the item's new code cannot be issued, else None."""
    new_code = str(item.details.get("new_code", "")).strip().upper()
    if not new_code:
        return "new_code", "repurpose.code_required", _("梯次利用必须填写新的电池编码。")
    parsed = parse_battery_code(new_code, today=timezone.localdate(now))
    if parsed.errors:
        return "new_code", parsed.errors[0].code, parsed.errors[0].message
    if not parsed.parsed.is_repurposed:
        return "new_code", "repurpose.code_form", _("新编码必须是以 R 结尾的 19 位梯次利用编码。")
    if new_code in taken:
        return "new_code", "code.duplicate", _("电池编码已登记：%(code)s") % {"code": new_code}
    if not str(item.details.get("declared_use", "")).strip():
        return "declared_use", "repurpose.use_required", _("必须申报梯次利用的用途。")
    return None


def repurpose_details(details: dict) -> dict:
    """Return the event details with the normalized new code and the prohibited-use flag."""
    new = {**details, "new_code": str(details["new_code"]).strip().upper()}
    if rules.use_is_prohibited(str(details.get("declared_use", ""))):
        new["prohibited_use"] = True
    return new


def repurposed_unit(
    original: Battery, event: LifecycleEvent, *, user, channel, import_batch, now: datetime
) -> tuple[Battery, LifecycleEvent]:
    """Build (not save) the re-coded unit and the first event of its own chain."""
    from batteries.services.packs import battery_from_code, register_event

    parsed = parse_battery_code(event.details["new_code"], today=timezone.localdate(now)).parsed
    unit = battery_from_code(
        parsed,
        reporter=event.reporter,
        now=now,
        original=original,
        mass_kg=original.mass_kg,
        capacity_wh=original.capacity_wh,
    )
    first = register_event(
        unit,
        reporter=event.reporter,
        user=user,
        channel=channel,
        import_batch=import_batch,
        now=now,
    )
    unit.last_seq, unit.last_hash = 1, first.hash
    return unit, first
