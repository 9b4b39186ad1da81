"""The lifecycle state machine of a pack (DOMAIN.md section 4) as pure decisions.

Facts in, decision out: no ORM, no clock. Legal basis: Order No. 73 (2026) on the digital
identity chain production → installation → sale → swap/repair → scrapping → handover →
comprehensive utilization; receivers must be comprehensive-utilization enterprises or
producers' recycling outlets.

The registry records facts; enforcement judges them. A refusal says an event is impossible
or unauthorised (wrong state, role or pack); something that really happened but is itself a
suspected violation, or arrives out of order, is recorded with a notice (`notices_for`) that
tells the reporter it will be examined.
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
    # The pack must be named through the VIN it is bound to (a dismantler scraps vehicles,
    # not codes: naming a code alone must not take a pack over).
    needs_bound_vehicle: bool = False
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
        needs_bound_vehicle=True,
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


RECEIPT_KINDS = frozenset({"receipt_confirm", "receipt_dispute"})
# A receipt reported before its handover: the pack must be where a handover starts from.
RECEIPT_FIRST_SOURCES = TRANSITIONS["handover"].sources


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str
    field: str = ""


@dataclass(frozen=True)
class Notice:
    """A recorded event that enforcement will examine, said to the reporter beside success."""

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
    reporter_owns_outlet: bool = False
    counterparty_is_holder: bool = False
    # The VIN named is the one the pack is bound to now (the service always says).
    vin_is_bound: bool = True
    # A receipt reported first awaits this reporter's handover: does the counterparty named
    # now match its receiver? None: no receipt awaits the reporter's handover of this pack.
    receipt_first_receiver_is_counterparty: bool | None = None
    extra: dict = field(default_factory=dict)


def receiver_is_qualified(roles: frozenset[str], owns_outlet: bool) -> bool:
    """Return True if a handover may go to this enterprise (Order No. 73: utilizer or outlet)."""
    return bool(roles & QUALIFIED_RECEIVER_ROLES) or owns_outlet


def refusal_for(kind: str, facts: PackFacts) -> Refusal | None:
    """Return why this event may not be recorded now, or None if it may."""
    rule = TRANSITIONS.get(kind)
    if rule is None:
        return Refusal("event.kind", _("未知的事件类型。"), "kind")
    if kind in RECEIPT_KINDS:
        return _receipt_refusal(kind, rule, facts)
    if kind == "handover" and facts.receipt_first_receiver_is_counterparty is not None:
        return _reconciling_handover_refusal(rule, facts)
    if facts.state not in rule.sources:
        return _state_refusal()
    if rule.roles and not (facts.reporter_roles & rule.roles):
        return _role_refusal()
    if rule.reporter_must_hold and not facts.reporter_is_holder:
        return Refusal("event.not_holder", _("只有电池当前持有企业可以上报该事件。"), "code")
    return _requirement_refusal(rule, facts) or _counterparty_refusal(kind, facts)


# What a reporter must show to report on a pack it cannot read (decision 0012): the VIN the
# pack is bound to for the kinds that take a pack out of or off a vehicle; for an outlet's
# intake, the pack's holder named as the enterprise that brought it. Receipts prove
# themselves (the open handover's receiver, or the holder named as giver).
BOUND_VIN_PROOF_KINDS = frozenset({"sell", "swap_in", "remove_for_repair", "scrap_vehicle"})
HOLDER_NAMED_PROOF_KINDS = frozenset({"outlet_intake"})


def proof_refusal(kind: str, facts: PackFacts) -> Refusal | None:
    """Return why a reporter has not shown it knows a pack it cannot read, or None.

    Only the holder may report most kinds, and a reporter that cannot read a pack never
    holds it: those are refused outright. The kinds a non-holder may report must carry
    proof of a real relation to the pack: `sell`, `swap_in`, `remove_for_repair` and
    `scrap_vehicle` name the VIN the pack is bound to; `outlet_intake` names the pack's
    holder (who brought it) as counterparty; a receipt names the open handover's receiver
    (the reporter), or, reported first, the pack's holder as the giver while the pack is
    where a handover starts. The service answers a failed proof exactly as it answers an
    unknown code, so the registry is no oracle.
    """
    rule = TRANSITIONS.get(kind)
    if rule is None:
        return Refusal("event.kind", _("未知的事件类型。"), "kind")
    if kind in RECEIPT_KINDS:
        return _receipt_refusal(kind, rule, facts)
    if rule.reporter_must_hold:
        return Refusal("event.not_holder", _("只有电池当前持有企业可以上报该事件。"), "code")
    if kind in HOLDER_NAMED_PROOF_KINDS and not facts.counterparty_is_holder:
        return Refusal(
            "event.giver_not_holder",
            _("所填送交企业不是该电池的当前持有企业：请核对对方企业统一社会信用代码。"),
            "counterparty_uscc",
        )
    if kind in BOUND_VIN_PROOF_KINDS:
        return _vehicle_refusal(facts)
    return None


def _state_refusal() -> Refusal:
    return Refusal("event.state", _("电池当前状态不允许该事件。"), "kind")


def _role_refusal() -> Refusal:
    return Refusal("event.role", _("上报企业不具备该事件所需的企业类型。"), "kind")


def _vehicle_refusal(facts: PackFacts) -> Refusal | None:
    if not facts.has_vehicle:
        return Refusal("event.vehicle_required", _("必须填写车辆识别代号（VIN）。"), "vin")
    if not facts.vin_is_bound:
        return Refusal(
            "event.vehicle_mismatch",
            _("该电池当前未绑定在所填车辆上：只能通过电池所绑定车辆的识别代号（VIN）上报报废。"),
            "vin",
        )
    return None


def _requirement_refusal(rule: Transition, facts: PackFacts) -> Refusal | None:
    if rule.needs_counterparty and facts.counterparty_roles is None:
        return Refusal(
            "event.counterparty_required",
            _("必须填写对方企业统一社会信用代码。"),
            "counterparty_uscc",
        )
    if rule.needs_vehicle and not facts.has_vehicle:
        return Refusal("event.vehicle_required", _("必须填写车辆识别代号（VIN）。"), "vin")
    if rule.needs_bound_vehicle and (refusal := _vehicle_refusal(facts)):
        return refusal
    if rule.needs_outlet and not facts.has_outlet:
        return Refusal("event.outlet_required", _("必须选择回收服务网点。"), "outlet")
    if rule.needs_document and not facts.has_document:
        return Refusal(
            "event.document_required", _("必须填写《报废机动车回收证明》编号。"), "document_ref"
        )
    return None


def _counterparty_refusal(kind: str, facts: PackFacts) -> Refusal | None:
    # A handover to an unqualified receiver is no longer refused: it happened, it is
    # recorded, and `notices_for` says it will be examined.
    if kind == "deliver" and not (facts.counterparty_roles or frozenset()) & VEHICLE_MAKERS:
        return Refusal(
            "event.counterparty_role",
            _("交付对象必须是汽车生产企业或进口商。"),
            "counterparty_uscc",
        )
    return None


def _receipt_refusal(kind: str, rule: Transition, facts: PackFacts) -> Refusal | None:
    if facts.open_handover_receiver_is_reporter is not None:
        if facts.state not in rule.sources:
            return _state_refusal()
        if not facts.open_handover_receiver_is_reporter:
            return Refusal("event.not_receiver", _("只有移交的接收方可以确认或提出异议。"), "code")
        return None  # the named receiver, whatever its roles: it really got the pack
    return _receipt_first_refusal(kind, rule, facts)


def _receipt_first_refusal(kind: str, rule: Transition, facts: PackFacts) -> Refusal | None:
    """A receipt reported before the giver's handover (the pair is closed when it comes)."""
    if kind != "receipt_confirm":
        return _no_open_handover()
    if not facts.reporter_roles & rule.roles:
        return _role_refusal()
    if facts.counterparty_roles is None:
        return Refusal(
            "event.counterparty_required",
            _("没有待确认的移交记录：先行确认接收时，必须填写移交方（对方企业）统一社会信用代码。"),
            "counterparty_uscc",
        )
    if facts.state not in RECEIPT_FIRST_SOURCES:  # nothing a giver could have handed over
        return _no_open_handover()
    if facts.reporter_is_holder:
        return Refusal("event.already_holder", _("本企业已是该电池的当前持有企业。"), "code")
    if not facts.counterparty_is_holder:
        return Refusal(
            "event.giver_not_holder",
            _("所填移交方不是该电池的当前持有企业：请核对移交方统一社会信用代码。"),
            "counterparty_uscc",
        )
    return None


def _no_open_handover() -> Refusal:
    return Refusal("event.no_open_handover", _("没有待确认的移交记录。"), "code")


def _reconciling_handover_refusal(rule: Transition, facts: PackFacts) -> Refusal | None:
    """The giver's handover after its receiver already reported the receipt."""
    if facts.state in TERMINAL:
        return _state_refusal()
    if refusal := _requirement_refusal(rule, facts):
        return refusal
    if not facts.receipt_first_receiver_is_counterparty:
        return Refusal(
            "event.received_by_other",
            _(
                "该电池已由另一企业上报从本企业接收，移交对象应为该企业，不能移交给所填企业。"
                "请核对对方企业统一社会信用代码。"
            ),
            "counterparty_uscc",
        )
    return None


def notices_for(kind: str, facts: PackFacts) -> list[Notice]:
    """Return what enforcement will examine in an event that may be recorded."""
    notices = []
    if kind == "handover" and not receiver_is_qualified(
        facts.counterparty_roles or frozenset(), facts.counterparty_owns_outlet
    ):
        notices.append(
            Notice(
                "event.receiver_unqualified",
                _("接收方不是综合利用企业或生产企业的回收服务网点：移交已记录，将由监管部门审查。"),
                "counterparty_uscc",
            )
        )
    if kind in RECEIPT_KINDS and not receiver_is_qualified(
        facts.reporter_roles, facts.reporter_owns_outlet
    ):
        notices.append(
            Notice(
                "event.receiver_unqualified",
                _(
                    "本企业不是综合利用企业，也未运营回收服务网点，不具备接收资格："
                    "已记录，将由监管部门审查。"
                ),
            )
        )
    if kind == "receipt_confirm" and facts.open_handover_receiver_is_reporter is None:
        notices.append(
            Notice(
                "event.receipt_before_handover",
                _(
                    "移交方尚未上报该移交：接收已先行记录，移交方上报后自动核对；"
                    "移交方逾期未上报的，将由监管部门审查。"
                ),
                "counterparty_uscc",
            )
        )
    return notices


# 车电一体报废 (Order No. 73): a scrapped NEV handed in without its power battery is an
# incomplete vehicle; battery-swap models are exempt (their pack belongs to the swap pool).
SCRAP_ARRIVED, SCRAP_PARTIAL, SCRAP_MISSING, SCRAP_SWAP_POOL = (
    "arrived",
    "partial",
    "missing",
    "swap_pool",
)


def scrap_pack_status(
    *, vehicle_known: bool, bound: int, arrived: int, swap: bool, missing_declared: bool
) -> str:
    """Return how a scrapped vehicle's packs came with it: arrived, partial, missing, swap_pool.

    `swap` is a swap model (registered as one, or declared); for a VIN the registry does
    not know, the dismantler's declaration is all there is.
    """
    if not vehicle_known:
        if swap:
            return SCRAP_SWAP_POOL
        return SCRAP_MISSING if missing_declared else SCRAP_ARRIVED
    if arrived == 0:
        return SCRAP_SWAP_POOL if swap else SCRAP_MISSING
    return SCRAP_ARRIVED if arrived >= bound else SCRAP_PARTIAL


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
