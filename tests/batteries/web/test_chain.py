"""Chain verification: the regulator's page and the verify_chain command."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from tests.batteries.web.conftest import drive

pytestmark = pytest.mark.django_db


def tamper(pack, seq: int) -> None:
    """Alter a stored event as someone with table-owner rights could, bypassing the trigger."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "UPDATE batteries_lifecycleevent SET document_ref = 'BF-FORGED' "
            "WHERE battery_id = %s AND seq = %s",
            [pack.pk, seq],
        )
        cursor.execute("SET LOCAL session_replication_role = origin")


def test_the_verify_page_confirms_an_intact_chain(client, users, parties, pack):
    drive(pack, "deliver", parties)
    client.force_login(users.national)
    body = client.get(reverse("batteries:pack_verify", args=[pack.code])).content.decode()
    assert "✓" in body and "已逐一重新计算3个事件的哈希" in body


def test_the_verify_page_points_at_the_event_altered_in_the_database(client, users, parties, pack):
    drive(pack, "dismantle", parties)
    tamper(pack, seq=6)
    client.force_login(users.national)
    body = client.get(reverse("batteries:pack_verify", args=[pack.code])).content.decode()
    assert "哈希链在第6号事件处断裂" in body
    assert "该事件的内容与其哈希不符" in body
    assert '<tr class="broken">' in body and '<tr class="unchecked">' in body
    page = client.get(pack.get_absolute_url()).content.decode()
    assert "✗" in page and "哈希链在第6号事件处断裂" in page


def test_the_verify_page_is_for_regulators_only(client, users, pack):
    client.force_login(users.producer)
    assert client.get(reverse("batteries:pack_verify", args=[pack.code])).status_code == 403


def test_verify_chain_reports_an_intact_pack(capsys, parties, pack):
    drive(pack, "produce", parties)
    call_command("verify_chain", pack.code)
    assert f"{pack.code} OK (2 events)" in capsys.readouterr().out


def test_verify_chain_reports_the_broken_link_and_exits_with_status_1(capsys, parties, pack):
    drive(pack, "install", parties)
    tamper(pack, seq=3)
    with pytest.raises(CommandError) as failed:
        call_command("verify_chain", pack.code)
    assert failed.value.returncode == 1
    assert f"{pack.code} BROKEN at event #3 (hash" in capsys.readouterr().out


def test_verify_chain_all_checks_every_pack_in_chunks_and_lists_the_broken_ones(capsys, parties):
    from tests.batteries.web.conftest import packs_bulk

    packs = packs_bulk(parties.producer, 5)
    drive(packs[3], "deliver", parties)
    tamper(packs[3], seq=2)
    with pytest.raises(CommandError) as failed:
        call_command("verify_chain", "--all", "--chunk-size", "2")
    out = capsys.readouterr()
    assert failed.value.returncode == 1
    assert f"{packs[3].code} BROKEN at event #2" in out.out
    assert "5 packs checked, 1 broken." in out.out
    assert out.out.count("BROKEN") == 1


def test_verify_chain_needs_a_code_or_all():
    with pytest.raises(CommandError):
        call_command("verify_chain")
