"""The receiver's inbox of open handovers: confirm or dispute."""

import pytest
from django.urls import reverse

from batteries.models import Handover, State
from tests.batteries.web.conftest import drive

pytestmark = pytest.mark.django_db

INBOX = reverse("batteries:handover_inbox")


@pytest.fixture
def handed_over(parties, pack):
    return drive(pack, "handover", parties)


def test_the_receiver_sees_the_open_handover_in_its_inbox(client, users, parties, handed_over):
    client.force_login(users.utilizer)
    body = client.get(INBOX).content.decode()
    assert handed_over.code in body and parties.dismantler.name in body


def test_other_enterprises_do_not_see_the_handover_in_their_inbox(client, users, handed_over):
    client.force_login(users.repair)
    assert handed_over.code not in client.get(INBOX).content.decode()


def test_the_receiver_confirms_receipt_and_becomes_the_holder(client, users, parties, handed_over):
    handover = Handover.objects.get(battery=handed_over)
    client.force_login(users.utilizer)
    response = client.post(reverse("batteries:handover_confirm", args=[handover.pk]), follow=True)
    assert "已确认接收" in response.content.decode()
    handed_over.refresh_from_db()
    assert handed_over.state == State.RECEIVED and handed_over.holder == parties.utilizer
    assert handed_over.code not in client.get(INBOX).content.decode()


def test_a_dispute_needs_a_reason_shown_next_to_the_reason_field(client, users, handed_over):
    handover = Handover.objects.get(battery=handed_over)
    client.force_login(users.utilizer)
    response = client.post(reverse("batteries:handover_dispute", args=[handover.pk]), {})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'aria-invalid="true"' in body and "该字段是必填项。" in body
    assert Handover.objects.get(pk=handover.pk).status == Handover.Status.OPEN


def test_a_dispute_returns_the_pack_to_the_giver_with_the_reason_on_the_timeline(
    client, users, parties, handed_over
):
    handover = Handover.objects.get(battery=handed_over)
    client.force_login(users.utilizer)
    url = reverse("batteries:handover_dispute", args=[handover.pk])
    assert client.post(url, {f"h{handover.pk}-reason": "数量不符"}).status_code == 302
    handed_over.refresh_from_db()
    assert handed_over.state == State.DISMANTLED and handed_over.holder == parties.dismantler
    client.force_login(users.dismantler)
    assert "数量不符" in client.get(handed_over.get_absolute_url()).content.decode()


def test_nobody_else_can_confirm_a_handover(client, users, handed_over):
    handover = Handover.objects.get(battery=handed_over)
    client.force_login(users.repair)
    response = client.post(reverse("batteries:handover_confirm", args=[handover.pk]), follow=True)
    assert "该移交记录不存在或已处理" in response.content.decode()
    assert Handover.objects.get(pk=handover.pk).status == Handover.Status.OPEN


def test_an_unqualified_receiver_confirms_its_handover_and_is_told_it_will_be_examined(
    client, users, parties, pack
):
    from tests.batteries.builders import record

    drive(pack, "dismantle", parties)
    assert record(pack, "handover", parties.dismantler, minutes=10,
                  counterparty_uscc=parties.repair.uscc).ok  # fmt: skip
    handover = Handover.objects.get(battery=pack)
    client.force_login(users.repair)
    assert pack.code in client.get(INBOX).content.decode()

    response = client.post(reverse("batteries:handover_confirm", args=[handover.pk]), follow=True)

    body = response.content.decode()
    assert "已确认接收" in body and 'class="msg-warning"' in body and "不具备接收资格" in body
    pack.refresh_from_db()
    assert (pack.state, pack.holder) == (State.RECEIVED, parties.repair)
