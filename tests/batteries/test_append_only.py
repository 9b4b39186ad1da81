"""Events cannot be removed or edited in the database, and a chain cut short is caught.

The append-only trigger refuses UPDATE and DELETE of a stored event; someone with the table
owner's rights can still switch triggers off, which is why the chain's head (the pack's
last_hash) is checked too: without it, a chain whose latest events were deleted would verify.
"""

from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from batteries.models import Battery, LifecycleEvent
from batteries.services.chain import ChainReport, chain_verify
from tests.batteries.builders import pack_create, producer_create
from tests.batteries.web.conftest import drive
from tests.factories import enterprise_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def parties():
    """The parties `drive` names (only the producer and the maker report here)."""
    return SimpleNamespace(
        producer=producer_create(),
        maker=enterprise_create(name="乙汽车", division="440307", roles=["vehicle_producer"]),
        dismantler=enterprise_create(name="丙拆解", division="320506", roles=["dismantler"]),
        utilizer=enterprise_create(name="丁综合利用", division="430181", roles=["utilizer"]),
    )


@pytest.fixture
def delivered(parties):
    return drive(pack_create(parties.producer), "deliver", parties)  # events 1-3


def raw(sql: str, params: list) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def delete_past_the_trigger(pack, *, from_seq: int) -> None:
    """Delete the pack's events from `from_seq` on, as a table owner switching triggers off."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "DELETE FROM batteries_lifecycleevent WHERE battery_id = %s AND seq >= %s",
            [pack.pk, from_seq],
        )
        cursor.execute("SET LOCAL session_replication_role = origin")


def stored(pack) -> list[tuple[int, str, str]]:
    return list(
        LifecycleEvent.objects.filter(battery=pack)
        .order_by("seq")
        .values_list("seq", "kind", "document_ref")
    )


def test_the_database_refuses_a_raw_delete_of_an_event(delivered):
    before = stored(delivered)
    with pytest.raises(DatabaseError, match=r"append-only \(DELETE refused\)"):
        raw(
            "DELETE FROM batteries_lifecycleevent WHERE battery_id = %s AND seq = 3", [delivered.pk]
        )
    assert (
        stored(delivered) == before == [(1, "register", ""), (2, "produce", ""), (3, "deliver", "")]
    )


def test_the_database_refuses_a_raw_delete_of_every_event_at_once(delivered):
    with pytest.raises(DatabaseError, match="append-only"):
        raw("DELETE FROM batteries_lifecycleevent WHERE battery_id = %s", [delivered.pk])
    assert len(stored(delivered)) == 3


def test_the_database_refuses_a_raw_update_of_an_event(delivered):
    with pytest.raises(DatabaseError, match=r"append-only \(UPDATE refused\)"):
        raw(
            "UPDATE batteries_lifecycleevent SET document_ref = 'BF-FORGED' "
            "WHERE battery_id = %s AND seq = 2",
            [delivered.pk],
        )
    assert stored(delivered)[1] == (2, "produce", "")


def test_a_chain_whose_latest_event_was_deleted_does_not_verify(delivered):
    assert chain_verify(delivered) == ChainReport(True, 3)
    delete_past_the_trigger(delivered, from_seq=3)
    pack = Battery.objects.get(pk=delivered.pk)
    assert chain_verify(pack) == ChainReport(False, 2, 3, "head")


def test_a_chain_with_every_event_deleted_does_not_verify(delivered):
    delete_past_the_trigger(delivered, from_seq=1)
    assert chain_verify(Battery.objects.get(pk=delivered.pk)) == ChainReport(False, 0, 3, "head")


def test_verify_chain_reports_a_truncated_chain_and_exits_with_status_1(capsys, delivered):
    delete_past_the_trigger(delivered, from_seq=2)
    with pytest.raises(CommandError) as failed:
        call_command("verify_chain", delivered.code)
    assert failed.value.returncode == 1
    assert (
        f"{delivered.code} BROKEN at event #3 (head; 1 events checked)" in capsys.readouterr().out
    )


def test_verify_chain_all_lists_a_truncated_chain_among_intact_ones(capsys, parties, delivered):
    intact = drive(pack_create(parties.producer), "produce", parties)
    delete_past_the_trigger(delivered, from_seq=3)
    with pytest.raises(CommandError):
        call_command("verify_chain", "--all")
    out = capsys.readouterr().out
    assert f"{delivered.code} BROKEN at event #3 (head" in out
    assert intact.code not in out and "2 packs checked, 1 broken." in out
