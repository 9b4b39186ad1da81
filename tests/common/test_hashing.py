"""The canonical event payload: the fast builder writes exactly the bytes json.dumps writes.

Every stored hash chain depends on these bytes; a difference of one character would make
every new event look tampered with on the verify page.
"""

import random
from datetime import UTC, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from batteries.services.chain import event_content, event_payload
from common.hashing import canonical_json, event_hash, payload_hash

AWKWARD_TEXT = [
    "",
    "BF-2026-001",
    '引号"与\\反斜杠',
    "换行\n制表\t回车\r",
    "\x00\x1f\x7f控制字符",
    "</script><b>",
    "emoji 🔋 与 \u2028 行分隔",
    "é" * 3,
]


def event(**changes):
    values = {
        "seq": 7,
        "kind": "handover",
        "occurred_at": datetime(2026, 11, 2, 8, 30, 1, 5, tzinfo=timezone(timedelta(hours=8))),
        "reported_at": datetime(2026, 11, 3, tzinfo=UTC),
        "outlet_id": None,
        "document_ref": "",
        "channel": "api",
        "details": {},
        "state_after": "handed_over",
    }
    return SimpleNamespace(**(values | changes))


def parties(**changes):
    values = {
        "code": "T01PB01A1B2C3DG3F0000007",
        "reporter_uscc": "91350902MA0000001X",
        "counterparty_uscc": "",
        "vin": "",
        "voids_seq": None,
        "holder_uscc": "91350902MA0000001X",
    }
    return values | changes


def assert_same_bytes(ev, who):
    expected = canonical_json(event_content(ev, **who))
    assert event_payload(ev, **who) == expected
    assert payload_hash(event_payload(ev, **who), "f" * 64) == event_hash(
        event_content(ev, **who), "f" * 64
    )


def test_the_payload_of_an_ordinary_event_is_the_canonical_json():
    assert_same_bytes(event(), parties())


@pytest.mark.parametrize("text", AWKWARD_TEXT)
def test_awkward_text_in_any_string_field_is_escaped_as_json_escapes_it(text):
    assert_same_bytes(event(document_ref=text), parties())
    assert_same_bytes(event(kind=text, channel=text, state_after=text), parties())
    assert_same_bytes(event(), parties(code=text, counterparty_uscc=text, vin=text))
    assert_same_bytes(event(), parties(reporter_uscc=text, holder_uscc=text))


@pytest.mark.parametrize(
    "details",
    [
        {"new_code": "T01PB01A1B2C3DG3F0000009", "reason": "梯次利用"},
        {"z": 1, "a": [1.5, True, None, {"y": "乙", "b": "\n"}]},
        {"swap_model": False},
        None,
    ],
)
def test_details_are_written_with_sorted_keys_at_every_depth(details):
    assert_same_bytes(event(details=details), parties())


@pytest.mark.parametrize("outlet, voids", [(12, None), (None, 3), (2**40, 0), (True, None)])
def test_numbers_and_nulls_are_written_as_json_writes_them(outlet, voids):
    assert_same_bytes(event(outlet_id=outlet, seq=2**33), parties(voids_seq=voids))


def test_random_events_give_identical_payloads():
    rng = random.Random(20261126)
    alphabet = 'aZ09-_ 甲乙"\\\n\t\x01🔋/<>'
    for _ in range(300):

        def text():
            return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))

        ev = event(
            seq=rng.randint(1, 10**6),
            document_ref=text(),
            outlet_id=rng.choice([None, rng.randint(1, 10**9)]),
            details=rng.choice([{}, {text(): text(), "k": rng.randint(-5, 5)}]),
            occurred_at=datetime(2026, 1, 1, tzinfo=UTC)
            + timedelta(microseconds=rng.randint(0, 10**13)),
        )
        who = parties(counterparty_uscc=text(), vin=text(), voids_seq=rng.choice([None, 4]))
        assert_same_bytes(ev, who)


def test_the_hash_of_a_fixed_event_never_changes():
    # Pinned: stored chains were hashed this way. If this fails, existing packs would all
    # show as broken on the verify page; change the code, not this value.
    digest = event_hash(event_content(event(), **parties()), "")
    assert digest == PINNED
    assert payload_hash(event_payload(event(), **parties()), "") == PINNED


PINNED = "0bc5d042406916998b0464ebe5c50dca68513a20cc49dcc51a87c1a9055d9aca"
