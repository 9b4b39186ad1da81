"""The pack state machine and the receiver rule as pure decisions (no database).

Expected values are written out from DOMAIN.md section 4 and Order No. 73, not read from
`batteries.rules.TRANSITIONS`.
"""

import pytest
from django.utils import translation

from batteries import rules
from batteries.rules import PackFacts, receiver_is_qualified, refusal_for, use_is_prohibited

ALL_ROLES = frozenset(
    {
        "battery_producer",
        "battery_importer",
        "vehicle_producer",
        "vehicle_importer",
        "dealer",
        "repair_shop",
        "swap_operator",
        "dismantler",
        "utilizer",
        "outlet_operator",
    }
)
STATES = [
    "registered",
    "produced",
    "delivered",
    "installed",
    "sold",
    "in_swap_pool",
    "removed",
    "at_outlet",
    "vehicle_scrapped",
    "dismantled",
    "handed_over",
    "received",
    "recycled",
    "repurposed",
]

# DOMAIN.md section 4: the states each event may follow, and where it leads.
LIFECYCLE = {
    "produce": ({"registered"}, "produced"),
    "deliver": ({"produced"}, "delivered"),
    "install": ({"produced", "delivered"}, "installed"),
    "sell": ({"installed"}, "sold"),
    "swap_in": ({"sold"}, "in_swap_pool"),
    "swap_out": ({"in_swap_pool"}, "sold"),
    "remove_for_repair": ({"sold", "installed"}, "removed"),
    "reinstall": ({"removed"}, "sold"),
    "outlet_intake": ({"removed", "in_swap_pool"}, "at_outlet"),
    "scrap_vehicle": ({"sold", "installed"}, "vehicle_scrapped"),
    "dismantle": ({"vehicle_scrapped"}, "dismantled"),
    "handover": ({"removed", "at_outlet", "dismantled", "in_swap_pool"}, "handed_over"),
    "receipt_confirm": ({"handed_over"}, "received"),
    "receipt_dispute": ({"handed_over"}, ""),
    "recycle": ({"received"}, "recycled"),
    "repurpose": ({"received"}, "repurposed"),
}


def facts(state: str = "registered", **changes) -> PackFacts:
    """Facts that satisfy every rule but the state's; override one to see it refused."""
    values = {
        "state": state,
        "reporter_roles": ALL_ROLES,
        "reporter_is_holder": True,
        "counterparty_roles": frozenset({"utilizer", "vehicle_producer"}),
        "counterparty_owns_outlet": True,
        "has_vehicle": True,
        "has_outlet": True,
        "has_document": True,
        "open_handover_receiver_is_reporter": True,
    }
    return PackFacts(**(values | changes))


def refusal(kind: str, **changes) -> tuple[str, str] | None:
    found = refusal_for(kind, facts(**changes))
    return None if found is None else (found.code, found.field)


# --- The receiver rule (Order No. 73: a utilizer, or a producer's recycling outlet) ---------


@pytest.mark.parametrize(
    ("roles", "owns_outlet", "qualified"),
    [
        ({"utilizer"}, False, True),
        ({"utilizer", "dismantler"}, False, True),
        ({"battery_producer"}, True, True),
        ({"vehicle_producer"}, True, True),
        ({"outlet_operator"}, True, True),
        ({"battery_producer"}, False, False),
        ({"battery_importer"}, False, False),
        ({"vehicle_producer"}, False, False),
        ({"vehicle_importer"}, False, False),
        ({"battery_producer", "vehicle_producer"}, False, False),
        ({"repair_shop"}, False, False),
        ({"swap_operator"}, False, False),
        ({"dismantler"}, False, False),
        ({"dealer"}, False, False),
        ({"outlet_operator"}, False, False),
        (set(), False, False),
    ],
)
def test_only_a_utilizer_or_an_enterprise_with_an_operating_outlet_may_receive(
    roles, owns_outlet, qualified
):
    assert receiver_is_qualified(frozenset(roles), owns_outlet) is qualified


def test_a_handover_to_a_utilizer_or_to_a_producer_with_an_outlet_is_allowed():
    utilizer = {"counterparty_roles": frozenset({"utilizer"}), "counterparty_owns_outlet": False}
    producer = {"counterparty_roles": frozenset({"battery_producer"})}
    assert refusal("handover", state="dismantled", **utilizer) is None
    assert (
        refusal("handover", state="dismantled", counterparty_owns_outlet=True, **producer) is None
    )


# --- The state machine ----------------------------------------------------------------------


def test_the_state_machine_has_exactly_the_lifecycle_events_and_their_targets():
    assert {kind: (set(t.sources), t.target) for kind, t in rules.TRANSITIONS.items()} == LIFECYCLE


@pytest.mark.parametrize("kind", LIFECYCLE)
@pytest.mark.parametrize("state", STATES)
def test_an_event_is_allowed_in_exactly_the_states_the_lifecycle_names(kind, state):
    sources, _ = LIFECYCLE[kind]
    expected = None if state in sources else ("event.state", "kind")
    assert refusal(kind, state=state) == expected


def test_an_unknown_kind_is_refused_on_the_kind_field():
    assert refusal("fly", state="sold") == ("event.kind", "kind")


@pytest.mark.parametrize(
    ("kind", "state", "roles"),
    [
        ("produce", "registered", {"vehicle_producer", "utilizer", "dealer"}),
        ("deliver", "produced", {"vehicle_producer"}),
        ("install", "produced", {"dealer", "repair_shop"}),
        ("sell", "installed", {"battery_producer", "repair_shop"}),
        ("swap_in", "sold", {"repair_shop", "dealer"}),
        ("scrap_vehicle", "sold", {"utilizer", "repair_shop"}),
        ("dismantle", "vehicle_scrapped", {"utilizer"}),
        ("outlet_intake", "removed", {"dealer", "repair_shop"}),
        ("recycle", "received", {"battery_producer", "outlet_operator"}),
        ("repurpose", "received", {"vehicle_producer"}),
    ],
)
def test_a_reporter_without_a_role_the_event_needs_is_refused(kind, state, roles):
    assert refusal(kind, state=state, reporter_roles=frozenset(roles)) == ("event.role", "kind")


@pytest.mark.parametrize(
    ("kind", "state", "role"),
    [
        ("produce", "registered", "battery_importer"),
        ("install", "delivered", "vehicle_importer"),
        ("install", "produced", "battery_producer"),
        ("sell", "installed", "dealer"),
        ("swap_out", "in_swap_pool", "swap_operator"),
        ("remove_for_repair", "sold", "repair_shop"),
        ("outlet_intake", "in_swap_pool", "outlet_operator"),
        ("scrap_vehicle", "installed", "dismantler"),
        ("handover", "at_outlet", "outlet_operator"),
        ("handover", "in_swap_pool", "swap_operator"),
        ("receipt_confirm", "handed_over", "utilizer"),
        ("receipt_dispute", "handed_over", "vehicle_producer"),
        ("recycle", "received", "utilizer"),
    ],
)
def test_a_reporter_with_one_role_the_event_needs_is_enough(kind, state, role):
    assert refusal(kind, state=state, reporter_roles=frozenset({role})) is None


@pytest.mark.parametrize(
    ("kind", "state", "must_hold"),
    [
        ("produce", "registered", True),
        ("deliver", "produced", True),
        ("install", "delivered", True),
        ("dismantle", "vehicle_scrapped", True),
        ("handover", "dismantled", True),
        ("recycle", "received", True),
        ("sell", "installed", False),  # a dealer sells a vehicle it never held the pack of
        ("swap_in", "sold", False),
        ("remove_for_repair", "sold", False),
        ("outlet_intake", "removed", False),
        ("scrap_vehicle", "sold", False),
        ("receipt_confirm", "handed_over", False),
        ("receipt_dispute", "handed_over", False),
    ],
)
def test_only_some_events_must_come_from_the_current_holder(kind, state, must_hold):
    expected = ("event.not_holder", "code") if must_hold else None
    assert refusal(kind, state=state, reporter_is_holder=False) == expected


@pytest.mark.parametrize(
    ("kind", "state", "missing", "expected"),
    [
        ("deliver", "produced", {"counterparty_roles": None}, "counterparty_uscc"),
        ("handover", "dismantled", {"counterparty_roles": None}, "counterparty_uscc"),
        ("install", "produced", {"has_vehicle": False}, "vin"),
        ("swap_out", "in_swap_pool", {"has_vehicle": False}, "vin"),
        ("reinstall", "removed", {"has_vehicle": False}, "vin"),
        ("outlet_intake", "removed", {"has_outlet": False}, "outlet"),
        ("scrap_vehicle", "sold", {"has_document": False}, "document_ref"),
    ],
)
def test_an_event_missing_a_required_fact_is_refused_on_that_field(kind, state, missing, expected):
    code = {
        "counterparty_uscc": "event.counterparty_required",
        "vin": "event.vehicle_required",
        "outlet": "event.outlet_required",
        "document_ref": "event.document_required",
    }[expected]
    assert refusal(kind, state=state, **missing) == (code, expected)


@pytest.mark.parametrize(
    ("kind", "state"),
    [("produce", "registered"), ("sell", "installed"), ("dismantle", "vehicle_scrapped")],
)
def test_an_event_that_needs_nothing_more_is_allowed_without_it(kind, state):
    bare = {
        "counterparty_roles": None,
        "counterparty_owns_outlet": False,
        "has_vehicle": False,
        "has_outlet": False,
        "has_document": False,
        "open_handover_receiver_is_reporter": None,
    }
    assert refusal(kind, state=state, **bare) is None


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        ({"vehicle_producer"}, None),
        ({"vehicle_importer"}, None),
        ({"utilizer"}, ("event.counterparty_role", "counterparty_uscc")),
        ({"battery_producer", "dealer"}, ("event.counterparty_role", "counterparty_uscc")),
    ],
)
def test_a_pack_is_delivered_only_to_a_vehicle_producer_or_importer(roles, expected):
    assert refusal("deliver", state="produced", counterparty_roles=frozenset(roles)) == expected


@pytest.mark.parametrize("kind", ["receipt_confirm", "receipt_dispute"])
@pytest.mark.parametrize(
    ("receiver_is_reporter", "expected"),
    [
        (None, ("event.no_open_handover", "code")),
        (False, ("event.not_receiver", "code")),
        (True, None),
    ],
)
def test_only_the_receiver_of_an_open_handover_confirms_or_disputes_it(
    kind, receiver_is_reporter, expected
):
    outcome = refusal(
        kind, state="handed_over", open_handover_receiver_is_reporter=receiver_is_reporter
    )
    assert outcome == expected


def test_the_other_events_ignore_whether_a_handover_is_open():
    assert refusal("produce", open_handover_receiver_is_reporter=None) is None
    assert refusal("produce", open_handover_receiver_is_reporter=False) is None


def test_refusals_explain_themselves_in_words():
    found = refusal_for("sell", facts(state="registered"))
    assert found.code == "event.state" and "状态" in str(found.message)


# --- Prohibited second-life uses (Order No. 73: e.g. e-bikes) ---------------------------------


@pytest.mark.parametrize(
    "use",
    [
        "用于电动自行车",
        "电动两轮车换电",
        "电瓶车",
        "E-Bike packs",
        "EBIKE",
        "for an Electric Bicycle fleet",
    ],
)
def test_a_declared_e_bike_use_is_prohibited_whatever_its_case(use):
    assert use_is_prohibited(use) is True


@pytest.mark.parametrize("use", ["储能电站", "通信基站备用电源", "家庭储能", "", None])
def test_other_declared_uses_are_not_prohibited(use):
    assert use_is_prohibited(use) is False


# The words a reporter reads: the msgids the catalogs translate, so they are pinned here.
@pytest.mark.parametrize(
    ("kind", "changes", "message"),
    [
        ("fly", {}, "未知的事件类型。"),
        ("sell", {}, "电池当前状态不允许该事件。"),
        (
            "produce",
            {"reporter_roles": frozenset({"dealer"})},
            "上报企业不具备该事件所需的企业类型。",
        ),
        ("produce", {"reporter_is_holder": False}, "只有电池当前持有企业可以上报该事件。"),
        (
            "deliver",
            {"state": "produced", "counterparty_roles": None},
            "必须填写对方企业统一社会信用代码。",
        ),
        ("install", {"state": "produced", "has_vehicle": False}, "必须填写车辆识别代号（VIN）。"),
        ("outlet_intake", {"state": "removed", "has_outlet": False}, "必须选择回收服务网点。"),
        (
            "scrap_vehicle",
            {"state": "sold", "has_document": False},
            "必须填写《报废机动车回收证明》编号。",
        ),
        (
            "deliver",
            {"state": "produced", "counterparty_roles": frozenset({"utilizer"})},
            "交付对象必须是汽车生产企业或进口商。",
        ),
        (
            "receipt_dispute",
            {"state": "handed_over", "open_handover_receiver_is_reporter": None},
            "没有待确认的移交记录。",
        ),
        (
            "receipt_dispute",
            {"state": "handed_over", "open_handover_receiver_is_reporter": False},
            "只有移交的接收方可以确认或提出异议。",
        ),
    ],
)
def test_each_refusal_tells_the_reporter_what_is_wrong(kind, changes, message):
    with translation.override("zh-hans"):
        assert str(refusal_for(kind, facts(**changes)).message) == message


# --- What is recorded but examined: notices, receipts before handovers, scrap proofs --------


def notices(kind: str, **changes) -> list[tuple[str, str]]:
    return [(n.code, n.field) for n in rules.notices_for(kind, facts(**changes))]


@pytest.mark.parametrize(
    ("roles", "owns_outlet", "expected"),
    [
        ({"utilizer"}, False, []),
        ({"battery_producer"}, True, []),
        ({"battery_producer"}, False, [("event.receiver_unqualified", "counterparty_uscc")]),
        ({"vehicle_producer"}, False, [("event.receiver_unqualified", "counterparty_uscc")]),
        ({"repair_shop"}, False, [("event.receiver_unqualified", "counterparty_uscc")]),
    ],
)
def test_a_handover_to_an_unqualified_receiver_carries_a_notice(roles, owns_outlet, expected):
    changes = {"counterparty_roles": frozenset(roles), "counterparty_owns_outlet": owns_outlet}
    assert notices("handover", state="dismantled", **changes) == expected


def test_a_handover_without_a_counterparty_is_flagged_as_unqualified_too():
    assert notices("handover", counterparty_roles=None, counterparty_owns_outlet=False) == [
        ("event.receiver_unqualified", "counterparty_uscc")
    ]


@pytest.mark.parametrize("kind", ["receipt_confirm", "receipt_dispute"])
@pytest.mark.parametrize(
    ("roles", "owns_outlet", "flagged"),
    [
        ({"utilizer"}, False, False),
        ({"battery_producer"}, True, False),
        ({"battery_producer"}, False, True),
        ({"dismantler"}, False, True),
    ],
)
def test_a_receipt_by_an_unqualified_receiver_carries_a_notice(kind, roles, owns_outlet, flagged):
    found = notices(
        kind,
        state="handed_over",
        reporter_roles=frozenset(roles),
        reporter_owns_outlet=owns_outlet,
        open_handover_receiver_is_reporter=True,
    )
    assert found == ([("event.receiver_unqualified", "")] if flagged else [])


def test_a_receipt_reported_before_its_handover_says_it_awaits_the_giver():
    found = notices("receipt_confirm", state="dismantled", open_handover_receiver_is_reporter=None)
    assert found == [("event.receipt_before_handover", "counterparty_uscc")]
    assert notices("receipt_dispute", open_handover_receiver_is_reporter=None) == []
    assert notices("produce", open_handover_receiver_is_reporter=None) == []


def test_the_notices_say_the_event_was_recorded_and_will_be_examined():
    with translation.override("zh-hans"):
        handover = rules.notices_for(
            "handover", facts(counterparty_roles=frozenset(), counterparty_owns_outlet=False)
        )
        assert [str(n.message) for n in handover] == [
            "接收方不是综合利用企业或生产企业的回收服务网点：移交已记录，将由监管部门审查。"
        ]
        early = rules.notices_for(
            "receipt_confirm",
            facts(
                reporter_roles=frozenset({"dismantler"}), open_handover_receiver_is_reporter=None
            ),
        )
        assert [str(n.message) for n in early] == [
            "本企业不是综合利用企业，也未运营回收服务网点，不具备接收资格：已记录，将由监管部门审查。",
            "移交方尚未上报该移交：接收已先行记录，移交方上报后自动核对；"
            "移交方逾期未上报的，将由监管部门审查。",
        ]


def early_receipt(**changes) -> tuple[str, str] | None:
    """A receipt_confirm with no open handover, by a utilizer naming the holder as giver."""
    values = {
        "state": "dismantled",
        "reporter_roles": frozenset({"utilizer"}),
        "reporter_is_holder": False,
        "counterparty_is_holder": True,
        "open_handover_receiver_is_reporter": None,
    }
    return refusal("receipt_confirm", **(values | changes))


@pytest.mark.parametrize("state", ["removed", "at_outlet", "dismantled", "in_swap_pool"])
def test_a_receipt_may_be_reported_before_the_handover_from_where_handovers_start(state):
    assert early_receipt(state=state) is None


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"state": "sold"}, ("event.no_open_handover", "code")),
        ({"state": "received"}, ("event.no_open_handover", "code")),
        ({"reporter_roles": frozenset({"dealer"})}, ("event.role", "kind")),
        ({"counterparty_roles": None}, ("event.counterparty_required", "counterparty_uscc")),
        ({"reporter_is_holder": True}, ("event.already_holder", "code")),
        ({"counterparty_is_holder": False}, ("event.giver_not_holder", "counterparty_uscc")),
    ],
)
def test_a_receipt_before_its_handover_needs_a_receiver_role_and_the_holder_as_giver(
    changes, expected
):
    assert early_receipt(**changes) == expected


def test_a_dispute_needs_an_open_handover():
    assert refusal(
        "receipt_dispute", state="dismantled", open_handover_receiver_is_reporter=None
    ) == ("event.no_open_handover", "code")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"receipt_first_receiver_is_counterparty": True}, None),
        (
            {"receipt_first_receiver_is_counterparty": False},
            ("event.received_by_other", "counterparty_uscc"),
        ),
        (
            {"receipt_first_receiver_is_counterparty": True, "counterparty_roles": None},
            ("event.counterparty_required", "counterparty_uscc"),
        ),
        (
            {"receipt_first_receiver_is_counterparty": True, "state": "recycled"},
            ("event.state", "kind"),
        ),
    ],
)
def test_the_givers_handover_after_an_early_receipt_must_name_that_receiver(changes, expected):
    assert refusal("handover", **({"state": "received"} | changes)) == expected


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, None),
        ({"has_vehicle": False}, ("event.vehicle_required", "vin")),
        ({"vin_is_bound": False}, ("event.vehicle_mismatch", "vin")),
    ],
)
def test_a_scrap_names_the_vin_the_pack_is_bound_to(changes, expected):
    assert refusal("scrap_vehicle", state="sold", **changes) == expected
    proof = rules.proof_refusal("scrap_vehicle", facts(state="sold", **changes))
    assert (None if proof is None else (proof.code, proof.field)) == expected


def test_a_kind_only_the_holder_may_report_is_never_proven_by_a_stranger():
    assert rules.proof_refusal("produce", facts(has_vehicle=False)).code == "event.not_holder"
    assert rules.proof_refusal("handover", facts(has_vehicle=True)).code == "event.not_holder"
    assert rules.proof_refusal("no_such_kind", facts()).code == "event.kind"
    early = facts(
        state="dismantled",
        reporter_is_holder=False,
        counterparty_is_holder=True,
        open_handover_receiver_is_reporter=None,
    )
    assert rules.proof_refusal("receipt_confirm", early) is None
    assert rules.proof_refusal("receipt_dispute", early).code == "event.no_open_handover"


@pytest.mark.parametrize("kind", ["sell", "swap_in", "remove_for_repair", "scrap_vehicle"])
def test_the_kinds_that_concern_a_vehicle_are_proven_by_its_bound_vin(kind):
    assert rules.proof_refusal(kind, facts(has_vehicle=True, vin_is_bound=True)) is None
    assert rules.proof_refusal(kind, facts(has_vehicle=False)).code == "event.vehicle_required"
    unbound = facts(has_vehicle=True, vin_is_bound=False)
    assert rules.proof_refusal(kind, unbound).code == "event.vehicle_mismatch"


def test_an_outlet_intake_is_proven_by_naming_the_holder_that_brought_the_pack():
    assert rules.proof_refusal("outlet_intake", facts(counterparty_is_holder=True)) is None
    refused = rules.proof_refusal("outlet_intake", facts(counterparty_is_holder=False))
    assert (refused.code, refused.field) == ("event.giver_not_holder", "counterparty_uscc")


def _said(refused) -> tuple[str, str, str]:
    return (refused.code, str(refused.message), refused.field)


def test_a_failed_proof_says_what_and_where_in_the_reporters_words():
    # What the reporter reads (before the service turns a hidden pack into "unknown code").
    assert _said(rules.proof_refusal("handover", facts())) == (
        "event.not_holder",
        "只有电池当前持有企业可以上报该事件。",
        "code",
    )
    assert _said(rules.proof_refusal("no_such_kind", facts())) == (
        "event.kind",
        "未知的事件类型。",
        "kind",
    )
    assert _said(rules.proof_refusal("outlet_intake", facts(counterparty_is_holder=False))) == (
        "event.giver_not_holder",
        "所填送交企业不是该电池的当前持有企业：请核对对方企业统一社会信用代码。",
        "counterparty_uscc",
    )


@pytest.mark.parametrize(
    ("vehicle_known", "bound", "arrived", "swap", "missing_declared", "status"),
    [
        (True, 1, 1, False, False, "arrived"),
        (True, 2, 3, False, False, "arrived"),
        (True, 2, 1, False, False, "partial"),
        (True, 1, 0, False, False, "missing"),
        (True, 1, 0, True, False, "swap_pool"),  # swap models are exempt from 车电一体
        (True, 1, 1, True, False, "arrived"),
        (False, 0, 0, False, False, "arrived"),  # unknown VIN: the declaration is all
        (False, 0, 0, False, True, "missing"),
        (False, 0, 0, True, True, "swap_pool"),
    ],
)
def test_a_scrapped_vehicle_brought_its_packs_or_not(
    vehicle_known, bound, arrived, swap, missing_declared, status
):
    assert (
        rules.scrap_pack_status(
            vehicle_known=vehicle_known,
            bound=bound,
            arrived=arrived,
            swap=swap,
            missing_declared=missing_declared,
        )
        == status
    )


_EARLY = {
    "state": "dismantled",
    "reporter_roles": frozenset({"utilizer"}),
    "reporter_is_holder": False,
    "counterparty_is_holder": True,
    "open_handover_receiver_is_reporter": None,
}


@pytest.mark.parametrize(
    ("kind", "changes", "message"),
    [
        (
            "scrap_vehicle",
            {"state": "sold", "has_vehicle": False},
            "必须填写车辆识别代号（VIN）。",
        ),
        (
            "scrap_vehicle",
            {"state": "sold", "vin_is_bound": False},
            "该电池当前未绑定在所填车辆上：只能通过电池所绑定车辆的识别代号（VIN）上报报废。",
        ),
        (
            "receipt_confirm",
            _EARLY | {"counterparty_roles": None},
            "没有待确认的移交记录：先行确认接收时，必须填写移交方（对方企业）统一社会信用代码。",
        ),
        (
            "receipt_confirm",
            _EARLY | {"reporter_is_holder": True},
            "本企业已是该电池的当前持有企业。",
        ),
        (
            "receipt_confirm",
            _EARLY | {"counterparty_is_holder": False},
            "所填移交方不是该电池的当前持有企业：请核对移交方统一社会信用代码。",
        ),
        (
            "handover",
            {"state": "received", "receipt_first_receiver_is_counterparty": False},
            "该电池已由另一企业上报从本企业接收，移交对象应为该企业，不能移交给所填企业。"
            "请核对对方企业统一社会信用代码。",
        ),
    ],
)
def test_each_refusal_of_the_recording_rules_tells_the_reporter_what_is_wrong(
    kind, changes, message
):
    with translation.override("zh-hans"):
        assert str(refusal_for(kind, facts(**changes)).message) == message
