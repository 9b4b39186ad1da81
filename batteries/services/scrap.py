"""Record scrapped vehicles: one path for the web form, the file import and the API.

A dismantler reports each scrapped vehicle by VIN with its 《报废机动车回收证明》 number and
says which of the packs bound to the VIN arrived with it (车电一体报废), that the pack was
missing, or that a swap-model vehicle left its pack in the swap pool. The record is a fact
of its own; the scrap events of the packs that arrived follow from it through
`events_record`, in the same transaction. A batch costs a constant number of statements.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from batteries import rules
from batteries.models import (
    Battery,
    EventKind,
    LifecycleEvent,
    ScrappedVehicle,
    ScrappedVehiclePack,
    Vehicle,
)
from batteries.services.bulk import fast_instance, scrap_packs_copy, scrap_records_copy
from batteries.services.certificates import certificate_taken
from batteries.services.events import (
    CLOCK_SKEW,
    EventInput,
    ItemError,
    ItemWarning,
    events_record,
    reporter_refusal,
)
from batteries.services.plausibility import moment_problem, text_problem
from common.battery_code import normalize_battery_code
from common.identifiers import normalize_vin, validate_vin
from enterprises.models import Enterprise

MAX_CERTIFICATE = 64  # ScrappedVehicle.certificate_no, LifecycleEvent.document_ref
MAX_NOTE = 500
SCRAPPING_ROLE = "dismantler"


@dataclass
class ScrapInput:
    vin: str
    certificate_no: str
    scrapped_at: datetime
    arrived_codes: list[str] | None = None  # None: every pack bound to the VIN arrived
    pack_missing: bool = False  # True: none arrived
    swap_pool: bool = False
    note: str = ""


@dataclass
class ScrapResult:
    records: list[ScrappedVehicle]
    events: list[LifecycleEvent]
    errors: list[ItemError]
    warnings: list[ItemWarning] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def scrap_reporter_refusal(reporter: Enterprise) -> tuple[str, str] | None:
    """Return (code, message) if this enterprise may not report scrapped vehicles."""
    refusal = reporter_refusal(reporter)
    if refusal:
        return refusal
    if SCRAPPING_ROLE not in (reporter.roles or []):
        return "scrap.role", _("只有报废机动车回收拆解企业可以上报报废车辆。")
    return None


@dataclass
class _Plan:
    """One valid item, resolved: its record's facts and the packs that did (not) arrive."""

    index: int
    item: ScrapInput
    vin: str
    certificate_no: str
    vehicle: Vehicle | None
    arrived: list[str]  # codes
    missing: list[int]  # pack ids
    status: str


def vehicles_scrap_record(
    *,
    items: list[ScrapInput],
    reporter: Enterprise,
    user=None,
    channel: str,
    import_batch=None,
    all_or_nothing: bool = True,
    now: datetime | None = None,
) -> ScrapResult:
    """Record scrapped vehicles and the scrap events of the packs that came with them.

    With all_or_nothing, one bad item means nothing is written; otherwise the valid items
    are written (an item whose packs' scrap events are refused is written not at all) and
    the bad ones reported.
    """
    now = now or timezone.now()
    refusal = scrap_reporter_refusal(reporter)
    if refusal:
        return ScrapResult([], [], [ItemError(0, "", *refusal)])
    plans, errors = _plans(items, now=now)
    if errors and all_or_nothing:
        return ScrapResult([], [], errors)
    writer = _Writer(reporter=reporter, user=user, channel=channel, batch=import_batch, now=now)
    with transaction.atomic():
        while plans:
            try:
                with transaction.atomic():
                    written = writer.write(plans)
                break
            except _Refused as refused:  # some packs' events: retry without their items
                errors += refused.errors
                if all_or_nothing:
                    return ScrapResult([], [], sorted(errors, key=_order))
                failed = {error.index for error in refused.errors}
                plans = [plan for plan in plans if plan.index not in failed]
        else:
            written = ScrapResult([], [], [])
    warnings = sorted(written.warnings + _warnings(plans), key=_order) if plans else []
    return ScrapResult(written.records, written.events, sorted(errors, key=_order), warnings)


def _order(problem) -> tuple:
    return (problem.index if problem.index is not None else -1,)


# --- Checking the items ------------------------------------------------------------------


def _plans(items: list[ScrapInput], *, now: datetime) -> tuple[list[_Plan], list[ItemError]]:
    """Check every item (all its problems at once) with three queries for the batch."""
    known = _Known.load(items)
    plans, errors = [], []
    for index, item in enumerate(items):
        vin, number = normalize_vin(item.vin), item.certificate_no.strip()
        vehicle = known.vehicles.get(vin)
        packs = known.bound.get(vehicle.pk, {}) if vehicle else {}
        arrived = _arrived(item, packs)
        problems = [
            *_item_problems(item, vin=vin, number=number, now=now),
            *known.repeats(vin, number),
            *(
                (
                    "arrived_codes",
                    "scrap.pack_not_bound",
                    _("电池编码 %(code)s 未绑定在该车辆上。") % {"code": code},
                )
                for code in arrived
                if code not in packs
            ),
        ]
        if problems:
            errors += [ItemError(index, f, c, m) for f, c, m in problems]
        else:
            plans.append(_plan(index, item, vin, number, vehicle, packs, arrived))
    return plans, errors


@dataclass
class _Known:
    """What the registry already holds about a batch's VINs and certificates."""

    taken: set[str]
    vehicles: dict[str, Vehicle]
    bound: dict[int, dict[str, int]]  # vehicle id → code → pack id of its bound packs
    seen_numbers: set[str] = field(default_factory=set)
    seen_vins: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, items: list[ScrapInput]) -> "_Known":
        # A value with control characters is refused per item and never looked up.
        vins = {v for v in (normalize_vin(i.vin) for i in items) if v and not text_problem(v)}
        numbers = {n for n in (i.certificate_no.strip() for i in items) if not text_problem(n)}
        numbers -= {""}
        taken = ScrappedVehicle.objects.filter(certificate_no__any=list(numbers))
        vehicles = {v.vin: v for v in Vehicle.objects.filter(vin__any=list(vins))}
        bound: dict[int, dict[str, int]] = {v.pk: {} for v in vehicles.values()}
        packs = Battery.objects.filter(vehicle_id__any=list(bound))
        for pk, code, vehicle_id in packs.values_list("id", "code", "vehicle_id"):
            bound[vehicle_id][code] = pk
        return cls(set(taken.values_list("certificate_no", flat=True)), vehicles, bound)

    def repeats(self, vin: str, number: str) -> list[tuple[str, str, str]]:
        """Return the problems of a certificate already used, or a VIN twice in the batch."""
        problems = []
        if number and (number in self.taken or number in self.seen_numbers):
            problems.append(("certificate_no", *certificate_taken(number)))
        if vin and vin in self.seen_vins:
            repeated = _("同一车辆识别代号在本批中重复出现：%(vin)s") % {"vin": vin}
            problems.append(("vin", "scrap.vin_repeated", repeated))
        self.seen_numbers.add(number)
        self.seen_vins.add(vin)
        return problems


def _item_problems(item: ScrapInput, *, vin: str, number: str, now) -> list[tuple]:
    problems = [("vin", e.code, e.message) for e in validate_vin(vin)]
    if not number:
        problems.append(
            (
                "certificate_no",
                "scrap.certificate_required",
                _("必须填写《报废机动车回收证明》编号。"),
            )
        )
    elif len(number) > MAX_CERTIFICATE:
        problems.append(
            (
                "certificate_no",
                "scrap.too_long",
                _("长度不能超过%(max)s个字符。") % {"max": MAX_CERTIFICATE},
            )
        )
    problems += _time_problems(item.scrapped_at, now)
    if item.pack_missing and item.swap_pool:
        problems.append(
            (
                "pack_missing",
                "scrap.declarations_conflict",
                _("“电池缺失”和“换电车型，电池在换电体系内”只能选择一项。"),
            )
        )
    if item.pack_missing and item.arrived_codes:
        problems.append(
            (
                "arrived_codes",
                "scrap.arrived_but_missing",
                _("已声明电池缺失，就不应填写到场电池编码：请二选一。"),
            )
        )
    for name, value, multiline in (
        ("vin", item.vin, False),
        ("certificate_no", item.certificate_no, False),
        ("note", item.note, True),
        *(("arrived_codes", code, False) for code in item.arrived_codes or []),
    ):
        if problem := text_problem(value, multiline=multiline):
            problems.append((name, *problem))
    moment = item.scrapped_at  # a naive or missing one is refused below
    if (
        moment is not None
        and moment.utcoffset() is not None
        and (problem := moment_problem(moment))
    ):
        problems.append(("scrapped_at", *problem))
    if len(item.note) > MAX_NOTE:
        problems.append(
            ("note", "scrap.too_long", _("长度不能超过%(max)s个字符。") % {"max": MAX_NOTE})
        )
    return problems


def _time_problems(moment: datetime | None, now: datetime) -> list[tuple]:
    if moment is None:
        return [("scrapped_at", "scrap.time_required", _("必须填写报废回收时间。"))]
    if timezone.is_naive(moment):
        return [("scrapped_at", "scrap.time_naive", _("报废回收时间必须带时区。"))]
    if moment > now + CLOCK_SKEW:
        return [("scrapped_at", "scrap.time_future", _("报废回收时间不能晚于当前时间。"))]
    return []


def _arrived(item: ScrapInput, packs: dict[str, int]) -> list[str]:
    """Return the codes of the packs that came with the vehicle, as the item declares."""
    if item.pack_missing:
        return []
    if item.arrived_codes is None:
        return [] if item.swap_pool else sorted(packs)
    codes = (normalize_battery_code(code) for code in item.arrived_codes)
    return list(dict.fromkeys(code for code in codes if code))


def _plan(index, item, vin, number, vehicle, packs, arrived) -> _Plan:
    came = set(arrived)
    status = rules.scrap_pack_status(
        vehicle_known=vehicle is not None,
        bound=len(packs),
        arrived=len(came),
        swap=item.swap_pool or bool(vehicle and vehicle.is_swap_model),
        missing_declared=item.pack_missing or item.arrived_codes == [],
    )
    missing = [pk for code, pk in sorted(packs.items()) if code not in came]
    return _Plan(index, item, vin, number, vehicle, arrived, missing, status)


def _warnings(plans: list[_Plan]) -> list[ItemWarning]:
    warnings = []
    for plan in plans:
        if plan.vehicle is None:
            warnings.append(
                ItemWarning(
                    plan.index,
                    "vin",
                    "scrap.vehicle_unknown",
                    _(
                        "平台未登记车辆 %(vin)s，无法核对其绑定的电池：报废记录已保存，"
                        "将由监管部门审查。"
                    )
                    % {"vin": plan.vin},
                )
            )
        if plan.status in {rules.SCRAP_PARTIAL, rules.SCRAP_MISSING}:
            warnings.append(ItemWarning(plan.index, "arrived_codes", *_missing_notice(plan)))
    return warnings


def _missing_notice(plan: _Plan) -> tuple[str, str]:
    if plan.status == rules.SCRAP_PARTIAL:
        message = _(
            "该车辆绑定的电池有 %(n)s 个未随车到场：报废记录已保存，"
            "将由监管部门审查（车电一体报废）。"
        ) % {"n": len(plan.missing)}
    else:
        message = _(
            "车辆报废时电池缺失：报废记录已保存，将由监管部门审查（车电一体报废，换电车型除外）。"
        )
    return "scrap.pack_missing", message


# --- Writing -----------------------------------------------------------------------------


class _Refused(Exception):
    """Some arrived packs' scrap events were refused: leave the savepoint, report them."""

    def __init__(self, errors: list[ItemError]):
        super().__init__(f"{len(errors)} refused")
        self.errors = errors


class _Writer:
    def __init__(self, *, reporter, user, channel, batch, now):
        self.reporter, self.user, self.channel = reporter, user, channel
        self.batch, self.now = batch, now

    def write(self, plans: list[_Plan]) -> ScrapResult:
        """Write the records, the missing packs' rows, then the arrived packs' events.

        The records exist before the events are recorded, so `events_record` attaches each
        arrived pack (and its event) to its record by certificate, as for any scrap event.
        """
        records = [self._record(plan) for plan in plans]
        scrap_records_copy(records)
        scrap_packs_copy(
            [
                fast_instance(
                    ScrappedVehiclePack, record=record, battery_id=pk, arrived=False, event=None
                )
                for plan, record in zip(plans, records, strict=True)
                for pk in plan.missing
            ]
        )
        items, owners = [], []
        for plan in plans:
            for code in plan.arrived:
                items.append(
                    EventInput(
                        code=code,
                        kind=EventKind.SCRAP_VEHICLE,
                        occurred_at=plan.item.scrapped_at,
                        vin=plan.vin,
                        document_ref=plan.certificate_no,
                    )
                )
                owners.append((plan.index, code))
        result = events_record(
            items=items,
            reporter=self.reporter,
            user=self.user,
            channel=self.channel,
            import_batch=self.batch,
            all_or_nothing=False,
            now=self.now,
        )
        if result.errors:
            raise _Refused([_pack_error(error, owners) for error in result.errors])
        warnings = [
            ItemWarning(owners[w.index][0], "arrived_codes", w.code, w.message)
            for w in result.warnings
        ]
        return ScrapResult(records, result.events, [], warnings)

    def _record(self, plan: _Plan) -> ScrappedVehicle:
        return fast_instance(
            ScrappedVehicle,
            certificate_no=plan.certificate_no,
            vin=plan.vin,
            vehicle=plan.vehicle,
            dismantler=self.reporter,
            scrapped_at=plan.item.scrapped_at,
            pack_status=plan.status,
            note=plan.item.note.strip(),
            channel=self.channel,
            import_batch=self.batch,
            reported_at=self.now,
            reported_by=self.user if getattr(self.user, "pk", None) else None,
        )


def _pack_error(error: ItemError, owners: list[tuple[int, str]]) -> ItemError:
    index, code = owners[error.index]
    message = _("电池 %(code)s：%(message)s") % {"code": code, "message": error.message}
    return ItemError(index, "arrived_codes", error.code, message)
