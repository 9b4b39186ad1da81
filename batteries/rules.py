"""The lifecycle state machine of a pack (DOMAIN.md section 4) as pure decisions.

Facts in, decision out: no ORM, no clock. Legal basis: Order No. 73 (2026) on the digital
identity chain production → installation → sale → swap/repair → scrapping → handover →
comprehensive utilization; receivers must be comprehensive-utilization enterprises or
producers' recycling outlets.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

S_REGISTERED, S_PRODUCED, S_DELIVERED, S_INSTALLED, S_SOLD = (
    "registered",
    "produced",
    "delivered",
    "installed",
    "sold",
)
S_SWAP, S_REMOVED, S_OUTLET, S_SCRAPPED, S_DISMANTLED = (
    "in_swap_pool",
    "removed",
    "at_outlet",
    "vehicle_scrapped",
    "dismantled",
)
S_HANDED_OVER, S_RECEIVED, S_RECYCLED, S_REPURPOSED = (
    "handed_over",
    "received",
    "recycled",
    "repurposed",
)
TERMINAL = {S_RECYCLED, S_REPURPOSED}

PRODUCERS = {"battery_producer", "battery_importer"}
VEHICLE_MAKERS = {"vehicle_producer", "vehicle_importer"}
QUALIFIED_RECEIVER_ROLES = {"utilizer"}  # plus producers receiving at their own outlet


@dataclass(frozen=True)
class Transition:
    """What one event kind requires and does."""

    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    reporter_must_hold: bool = True
    new_holder: str = "same"  # "same", "reporter" or "counterparty"
    needs_counterparty: bool = False
    needs_vehicle: bool = False
    needs_outlet: bool = False
    needs_document: bool = False
    binds: bool = False
    unbinds: bool = False


def _t(sources, target, roles, **kw) -> Transition:
    return Transition(frozenset(sources), target, frozenset(roles), **kw)


_REPAIRERS = {"repair_shop", "swap_operator"} | PRODUCERS | VEHICLE_MAKERS

TRANSITIONS: dict[str, Transition] = {
    "produce": _t({S_REGISTERED}, S_PRODUCED, PRODUCERS),
    "deliver": _t(
        {S_PRODUCED}, S_DELIVERED, PRODUCERS, new_holder="counterparty", needs_counterparty=True
    ),
    "install": _t(
        {S_PRODUCED, S_DELIVERED},
        S_INSTALLED,
        VEHICLE_MAKERS | PRODUCERS,
        needs_vehicle=True,
        binds=True,
    ),
    "sell": _t({S_INSTALLED}, S_SOLD, VEHICLE_MAKERS | {"dealer"}, reporter_must_hold=False),
    "swap_in": _t(
        {S_SOLD},
        S_SWAP,
        {"swap_operator"},
        reporter_must_hold=False,
        new_holder="reporter",
        unbinds=True,
    ),
    "swap_out": _t({S_SWAP}, S_SOLD, {"swap_operator"}, needs_vehicle=True, binds=True),
    "remove_for_repair": _t(
        {S_SOLD, S_INSTALLED},
        S_REMOVED,
        _REPAIRERS,
        reporter_must_hold=False,
        new_holder="reporter",
        unbinds=True,
    ),
    "reinstall": _t({S_REMOVED}, S_SOLD, _REPAIRERS, needs_vehicle=True, binds=True),
    "outlet_intake": _t(
        {S_REMOVED, S_SWAP},
        S_OUTLET,
        {"outlet_operator"} | PRODUCERS | VEHICLE_MAKERS,
        reporter_must_hold=False,
        new_holder="reporter",
        needs_outlet=True,
    ),
    "scrap_vehicle": _t(
        {S_SOLD, S_INSTALLED},
        S_SCRAPPED,
        {"dismantler"},
        reporter_must_hold=False,
        new_holder="reporter",
        needs_document=True,
    ),
    "dismantle": _t({S_SCRAPPED}, S_DISMANTLED, {"dismantler"}, unbinds=True),
    "handover": _t(
        {S_REMOVED, S_OUTLET, S_DISMANTLED, S_SWAP}, S_HANDED_OVER, set(), needs_counterparty=True
    ),
    "receipt_confirm": _t(
        {S_HANDED_OVER},
        S_RECEIVED,
        QUALIFIED_RECEIVER_ROLES | PRODUCERS | VEHICLE_MAKERS | {"outlet_operator"},
        reporter_must_hold=False,
        new_holder="reporter",
    ),
    "receipt_dispute": _t(
        {S_HANDED_OVER},
        "",
        QUALIFIED_RECEIVER_ROLES | PRODUCERS | VEHICLE_MAKERS | {"outlet_operator"},
        reporter_must_hold=False,
    ),
    "recycle": _t({S_RECEIVED}, S_RECYCLED, {"utilizer"}),
    "repurpose": _t({S_RECEIVED}, S_REPURPOSED, {"utilizer"}),
}


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str
    field: str = ""


@dataclass(frozen=True)
class PackFacts:
    """What the rules need to know about the pack and the parties."""

    state: str
    reporter_roles: frozenset[str]
    reporter_is_holder: bool
    counterparty_roles: frozenset[str] | None = None
    counterparty_owns_outlet: bool = False
    has_vehicle: bool = False
    has_outlet: bool = False
    has_document: bool = False
    open_handover_receiver_is_reporter: bool | None = None  # None: no open handover
    extra: dict = field(default_factory=dict)


def receiver_is_qualified(roles: frozenset[str], owns_outlet: bool) -> bool:
    """Return True if a handover may go to this enterprise (Order No. 73: utilizer or outlet)."""
    return bool(roles & QUALIFIED_RECEIVER_ROLES) or owns_outlet


def refusal_for(kind: str, facts: PackFacts) -> Refusal | None:
    """Return why this event may not be recorded now, or None if it may."""
    rule = TRANSITIONS.get(kind)
    if rule is None:
        return Refusal("event.kind", _("未知的事件类型。"), "kind")
    if facts.state not in rule.sources:
        return Refusal("event.state", _("电池当前状态不允许该事件。"), "kind")
    if rule.roles and not (facts.reporter_roles & rule.roles):
        return Refusal("event.role", _("上报企业不具备该事件所需的企业类型。"), "kind")
    if rule.reporter_must_hold and not facts.reporter_is_holder:
        return Refusal("event.not_holder", _("只有电池当前持有企业可以上报该事件。"), "code")
    return _requirement_refusal(rule, facts) or _handover_refusal(kind, facts)


def _requirement_refusal(rule: Transition, facts: PackFacts) -> Refusal | None:
    if rule.needs_counterparty and facts.counterparty_roles is None:
        return Refusal(
            "event.counterparty_required",
            _("必须填写对方企业统一社会信用代码。"),
            "counterparty_uscc",
        )
    if rule.needs_vehicle and not facts.has_vehicle:
        return Refusal("event.vehicle_required", _("必须填写车辆识别代号（VIN）。"), "vin")
    if rule.needs_outlet and not facts.has_outlet:
        return Refusal("event.outlet_required", _("必须选择回收服务网点。"), "outlet")
    if rule.needs_document and not facts.has_document:
        return Refusal(
            "event.document_required", _("必须填写《报废机动车回收证明》编号。"), "document_ref"
        )
    return None


def _handover_refusal(kind: str, facts: PackFacts) -> Refusal | None:
    if kind == "handover" and not receiver_is_qualified(
        facts.counterparty_roles or frozenset(), facts.counterparty_owns_outlet
    ):
        return Refusal(
            "event.receiver_unqualified",
            _("接收方不是综合利用企业或生产企业的回收服务网点，不得移交。"),
            "counterparty_uscc",
        )
    if kind == "deliver" and not (facts.counterparty_roles or frozenset()) & VEHICLE_MAKERS:
        return Refusal(
            "event.counterparty_role",
            _("交付对象必须是汽车生产企业或进口商。"),
            "counterparty_uscc",
        )
    if kind in {"receipt_confirm", "receipt_dispute"}:
        if facts.open_handover_receiver_is_reporter is None:
            return Refusal("event.no_open_handover", _("没有待确认的移交记录。"), "code")
        if not facts.open_handover_receiver_is_reporter:
            return Refusal("event.not_receiver", _("只有移交的接收方可以确认或提出异议。"), "code")
    return None


# Order No. 73 bans reuse of used power batteries in prohibited fields such as e-bikes.
# A repurposing event that declares such a use is recorded (it is evidence) and flagged
# for enforcement. Keywords are matched case-insensitively in the declared use.
PROHIBITED_USE_KEYWORDS = (
    "电动自行车",
    "电动两轮",
    "电瓶车",
    "e-bike",
    "ebike",
    "electric bicycle",
)


def use_is_prohibited(declared_use: str) -> bool:
    """Return True if a declared second-life use falls in a prohibited field."""
    text = (declared_use or "").lower()
    return any(keyword.lower() in text for keyword in PROHIBITED_USE_KEYWORDS)
