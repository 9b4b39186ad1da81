"""Register coded battery units: the first event of every digital identity."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from batteries.models import Battery, EventKind, LifecycleEvent, State
from batteries.services.access import access_grant
from batteries.services.bulk import batteries_copy, events_copy, fast_instance
from batteries.services.chain import event_content
from batteries.services.events import ItemError, reporter_refusal
from batteries.services.rejections import (
    Rejection,
    code_rejections_log,
    parse_refusals,
    refusal_message,
)
from common.battery_code import CHEMISTRIES, parse_battery_code
from common.hashing import event_hash
from enterprises.models import Enterprise, ManufacturerCode

REGISTERING_ROLES = {"battery_producer", "battery_importer"}
LEVEL = {"P": 3, "M": 2, "C": 1}


@dataclass
class PackInput:
    code: str
    parent_code: str = ""
    mass_kg: int | None = None
    capacity_wh: int | None = None


@dataclass
class RegisterResult:
    created: list[Battery] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    errors: list[ItemError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def register_event(
    battery: Battery, *, reporter: Enterprise, user, channel: str, import_batch, now: datetime
) -> LifecycleEvent:
    """Build (not save) the first event of a pack's chain."""
    event = fast_instance(
        LifecycleEvent,
        battery=battery,
        seq=1,
        kind=EventKind.REGISTER,
        occurred_at=now,
        reported_at=now,
        reporter=reporter,
        reported_by=user if getattr(user, "pk", None) else None,
        counterparty=None,
        vehicle=None,
        outlet_id=None,
        document_ref="",
        channel=channel,
        import_batch=import_batch,
        voids=None,
        details={},
        state_after=State.REGISTERED,
        holder_after=reporter,
        prev_hash="",
        hash="",
    )
    event.hash = event_hash(
        event_content(
            event,
            code=battery.code,
            reporter_uscc=reporter.uscc,
            counterparty_uscc="",
            vin="",
            voids_seq=None,
            holder_uscc=reporter.uscc,
        ),
        "",
    )
    return event


def battery_from_code(parsed, *, reporter: Enterprise, now: datetime, **extra) -> Battery:
    """Build (not save) a Battery from a parsed code."""
    columns = {"parent": None, "original": None, "mass_kg": None, "capacity_wh": None} | extra
    return fast_instance(
        Battery,
        code=parsed.code,
        product_type=parsed.product_type,
        battery_type=parsed.battery_type,
        chemistry=CHEMISTRIES[parsed.battery_type],
        spec_code=parsed.spec_code,
        trace_code=parsed.trace_code or "",
        production_date=parsed.production_date,
        serial=parsed.serial,
        manufacturer_code=parsed.manufacturer_code,
        manufacturer=reporter,
        holder=reporter,
        state=State.REGISTERED,
        vehicle=None,
        last_seq=0,
        last_hash="",
        registered_at=now,
        updated_at=now,
        last_occurred_at=None,
        **columns,
    )


def packs_register(
    *,
    items: list[PackInput],
    reporter: Enterprise,
    user=None,
    channel: str,
    import_batch=None,
    all_or_nothing: bool = True,
    duplicates_are_errors: bool = True,
    now: datetime | None = None,
) -> RegisterResult:
    """Register battery codes for the reporting producer; return created, duplicates, errors.

    A code already registered by the same producer is a duplicate: an error for forms and
    the API, skipped silently (and counted) when `duplicates_are_errors` is False (re-import).
    The codes refused for themselves are logged against the reporter even when nothing is
    registered (`code_rejections_log`).
    """
    now = now or timezone.now()
    result = RegisterResult()
    refusal = reporter_refusal(reporter)
    if refusal:
        result.errors.append(ItemError(0, "code", *refusal))
        return result
    if not set(reporter.roles) & REGISTERING_ROLES:
        result.errors.append(
            ItemError(
                0, "code", "code.reporter_role", _("只有电池生产企业或进口商可以登记电池编码。")
            )
        )
        return result
    with transaction.atomic():
        checker = _RegistrationCheck(items, reporter, now)
        batteries = []
        for index, item in enumerate(items):
            battery = checker.check(index, item, result, duplicates_are_errors)
            if battery is not None:
                batteries.append(battery)
        refused = bool(result.errors) and all_or_nothing
        if not refused:
            _save(
                batteries,
                reporter=reporter,
                user=user,
                channel=channel,
                import_batch=import_batch,
                now=now,
            )
            result.created = batteries
        # After the packs, as the import writes them: the same order of locks.
        code_rejections_log(
            enterprise=reporter,
            rejections=checker.rejections,
            channel=channel,
            import_batch=import_batch,
            now=now,
        )
    return RegisterResult(errors=result.errors) if refused else result


class _RegistrationCheck:
    def __init__(self, items: list[PackInput], reporter: Enterprise, now: datetime):
        codes = {i.code.strip().upper() for i in items} | {
            i.parent_code.strip().upper() for i in items if i.parent_code
        }
        self.existing = {
            b.code: b
            for b in Battery.objects.filter(code__in=codes).only(
                "pk", "code", "manufacturer_id", "holder_id", "product_type"
            )
        }
        self.own_codes = set(
            ManufacturerCode.objects.filter(enterprise=reporter).values_list("code", flat=True)
        )
        self.registered_codes: set[str] | None = None
        self.reporter, self.now, self.seen = reporter, now, {}
        self.rejections: list[Rejection] = []  # the codes refused for themselves

    def check(self, index, item, result, duplicates_are_errors) -> Battery | None:
        parsed = parse_battery_code(item.code, today=timezone.localdate(self.now))
        if parsed.errors:
            result.errors += [ItemError(index, "code", e.code, e.message) for e in parsed.errors]
            self.rejections += parse_refusals(parsed.code, parsed.errors)
            return None
        code = parsed.code
        if code in self.existing or code in self.seen:
            if self._is_own_duplicate(code) and not duplicates_are_errors:
                result.duplicates.append(code)
            else:
                message = _("电池编码已登记：%(code)s")
                self._refuse(result, index, code, "code.duplicate", message, {"code": code})
            return None
        if parsed.parsed.manufacturer_code not in self.own_codes:
            prefix = parsed.parsed.manufacturer_code
            error_code, message = self._manufacturer_error(prefix)
            self._refuse(result, index, code, error_code, message, {"m": prefix})
            return None
        parent = self._parent(index, item, parsed.parsed.product_type, result)
        if parent is False:
            return None
        battery = battery_from_code(
            parsed.parsed,
            reporter=self.reporter,
            now=self.now,
            parent=parent,
            mass_kg=item.mass_kg,
            capacity_wh=item.capacity_wh,
        )
        self.seen[code] = battery
        return battery

    def _is_own_duplicate(self, code: str) -> bool:
        existing = self.existing.get(code) or self.seen.get(code)
        return existing.manufacturer_id == self.reporter.pk and code not in self.seen

    def _refuse(self, result, index: int, code: str, error_code: str, message, params) -> None:
        """Record an error of the code itself; log it unless the code is only repeated here."""
        message = refusal_message(message, params)
        result.errors.append(ItemError(index, "code", error_code, message))
        if error_code != "code.duplicate" or code in self.existing:
            self.rejections.append((code, error_code, message))

    def _manufacturer_error(self, prefix: str) -> tuple[str, str]:
        if self.registered_codes is None:
            self.registered_codes = set(ManufacturerCode.objects.values_list("code", flat=True))
        if prefix in self.registered_codes:
            return "code.manufacturer_not_own", _("厂商代码 %(m)s 不属于本企业。")
        return "code.manufacturer_unregistered", _("厂商代码 %(m)s 未在平台备案。")

    def _parent(self, index, item, product_type, result):
        if not item.parent_code:
            return None
        code = item.parent_code.strip().upper()
        parent = self.seen.get(code) or self.existing.get(code)
        if parent is None or parent.holder_id != self.reporter.pk:
            result.errors.append(
                ItemError(
                    index,
                    "parent_code",
                    "code.parent_unknown",
                    _("上级编码未登记或不属于本企业：%(c)s") % {"c": code},
                )
            )
            return False
        if LEVEL[parent.product_type] <= LEVEL[product_type]:
            result.errors.append(
                ItemError(
                    index,
                    "parent_code",
                    "code.parent_level",
                    _("上级编码的层级必须高于本编码（电池包 > 模块 > 单体）。"),
                )
            )
            return False
        return parent


def _save(batteries, *, reporter, user, channel, import_batch, now) -> None:
    events = []
    for battery in batteries:
        event = register_event(
            battery,
            reporter=reporter,
            user=user,
            channel=channel,
            import_batch=import_batch,
            now=now,
        )
        battery.last_seq, battery.last_hash = 1, event.hash
        events.append(event)
    batteries_copy(batteries)
    events_copy(events)
    access_grant((reporter.pk, battery.pk) for battery in batteries)
