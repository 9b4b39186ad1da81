"""The pack list, the digital identity page, the public lookup and the code check."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.batteries.builders import code_for, pack_create, producer_create
from tests.batteries.web.conftest import VIN, drive, packs_bulk

pytestmark = pytest.mark.django_db

LIST = reverse("batteries:pack_list")


# --- The digital identity page ----------------------------------------------------------------


def test_the_pack_page_decodes_the_code_segment_by_segment(client, users, pack):
    client.force_login(users.producer)
    body = client.get(pack.get_absolute_url()).content.decode()
    for text in ("厂商代码", "甲电池有限公司", "电池包", "磷酸铁锂电池", "2026年", "3月", "15日"):
        assert text in body, text
    assert "A1B2C3D" in body  # the traceability segment


def test_the_pack_page_shows_the_timeline_in_beijing_time_and_an_intact_chain(
    client, users, parties, pack
):
    pack = drive(pack, "install", parties)
    client.force_login(users.producer)
    body = client.get(pack.get_absolute_url()).content.decode()
    for kind in ("赋码登记", "生产", "交付整车企业", "装车（合格证）"):
        assert f"{kind}</strong>" in body, kind
    event = pack.events.get(kind="install")
    assert timezone.localtime(event.occurred_at).strftime("%Y-%m-%d %H:%M") in body
    assert "✓" in body and "哈希链完整（4个事件）" in body
    assert event.hash[:12] in body and VIN in body and parties.maker.name in body


def test_the_pack_page_carries_a_qr_code_pointing_at_the_public_lookup(client, users, pack):
    client.force_login(users.producer)
    body = client.get(pack.get_absolute_url()).content.decode()
    assert "<svg viewBox=" in body and 'class="segno"' in body
    assert f"/batteries/lookup/?code={pack.code}" in body


def test_the_holder_gets_buttons_for_the_events_it_may_report(client, users, parties, pack):
    client.force_login(users.producer)
    body = client.get(pack.get_absolute_url()).content.decode()
    assert f"?code={pack.code}&amp;kind=produce" in body
    client.force_login(users.national)
    assert "kind=produce" not in client.get(pack.get_absolute_url()).content.decode()


def test_the_pack_page_lists_the_vehicle_binding_history(client, users, parties, pack):
    drive(pack, "sell", parties)
    client.force_login(users.maker)
    body = client.get(pack.get_absolute_url()).content.decode()
    assert "车电绑定记录" in body and "在装" in body and VIN in body


# --- Scoping ------------------------------------------------------------------------------------


def test_an_enterprise_that_never_held_a_pack_gets_404_and_no_list_row(client, users, pack):
    client.force_login(users.utilizer)
    assert client.get(pack.get_absolute_url()).status_code == 404
    assert pack.code not in client.get(LIST).content.decode()


def test_an_enterprise_sees_a_pack_once_it_has_held_it(client, users, parties, pack):
    drive(pack, "receipt_confirm", parties)
    client.force_login(users.utilizer)
    assert client.get(pack.get_absolute_url()).status_code == 200
    assert pack.code in client.get(LIST).content.decode()


def test_a_provincial_regulator_sees_only_its_provinces_packs(client, users, pack):
    jiangsu_producer = producer_create(name="苏电池", division="320506", mfr="J01")
    jiangsu_pack = pack_create(jiangsu_producer, mfr="J01")
    client.force_login(users.fujian)
    assert client.get(pack.get_absolute_url()).status_code == 200
    assert client.get(jiangsu_pack.get_absolute_url()).status_code == 404
    body = client.get(LIST).content.decode()
    assert pack.code in body and jiangsu_pack.code not in body


def test_a_national_regulator_may_filter_the_list_by_province(client, users, pack):
    jiangsu_pack = pack_create(
        producer_create(name="苏电池", division="320506", mfr="J01"), mfr="J01"
    )
    client.force_login(users.national)
    body = client.get(LIST, {"holder_province": "32"}).content.decode()
    assert jiangsu_pack.code in body and pack.code not in body
    client.force_login(users.fujian)
    assert 'name="holder_province"' not in client.get(LIST).content.decode()


# --- The list -----------------------------------------------------------------------------------


def test_the_list_filters_by_state_and_finds_a_pack_by_the_vin_of_its_vehicle(
    client, users, parties, pack
):
    other = pack_create(parties.producer)
    drive(pack, "install", parties)
    client.force_login(users.producer)
    installed = client.get(LIST, {"state": "installed"}).content.decode()
    assert pack.code in installed and other.code not in installed
    by_vin = client.get(LIST, {"q": VIN.lower()}).content.decode()
    assert pack.code in by_vin and other.code not in by_vin
    by_prefix = client.get(LIST, {"q": other.code[:20]}).content.decode()
    assert other.code in by_prefix


def test_the_list_pages_by_cursor_without_counting(client, users, parties):
    packs = packs_bulk(parties.producer, 53)
    client.force_login(users.producer)
    first = client.get(LIST).content.decode()
    assert packs[-1].code in first and packs[2].code not in first
    assert "上一页" not in first
    next_url = re.search(r'href="\?([^"]*after=\d+)" rel="next"', first).group(1)
    second = client.get(f"{LIST}?{next_url.replace('&amp;', '&')}").content.decode()
    assert packs[0].code in second and packs[3].code not in second
    assert "下一页" not in second
    prev_url = re.search(r'href="\?([^"]*before=\d+)" rel="prev"', second).group(1)
    back = client.get(f"{LIST}?{prev_url.replace('&amp;', '&')}").content.decode()
    assert packs[-1].code in back and packs[3].code in back and packs[2].code not in back


def test_the_list_keeps_its_filters_across_pages(client, users, parties):
    packs_bulk(parties.producer, 51)
    client.force_login(users.producer)
    body = client.get(LIST, {"state": "registered"}).content.decode()
    assert re.search(r'href="\?state=registered&amp;after=\d+" rel="next"', body)


def test_the_list_runs_a_fixed_number_of_queries(
    client, users, parties, django_assert_max_num_queries
):
    packs = packs_bulk(parties.producer, 30)
    for pack in packs[:3]:
        drive(pack, "install", parties)
    client.force_login(users.producer)
    # session, user, the page of packs (holder, manufacturer, vehicle joined), the menu's
    # enterprise: the same four statements for 3 rows or 50.
    with django_assert_max_num_queries(4):
        response = client.get(LIST)
    assert response.status_code == 200 and packs[0].code in response.content.decode()
    client.force_login(users.national)
    with django_assert_max_num_queries(3):
        assert client.get(LIST, {"state": "installed"}).status_code == 200


# --- Public lookup -----------------------------------------------------------------------------


def test_the_public_lookup_shows_only_the_public_tier(client, parties, pack):
    drive(pack, "sell", parties)
    response = client.get(reverse("batteries:lookup"), {"code": pack.code.lower()})
    body = response.content.decode()
    assert response.status_code == 200
    for text in ("电池包", "磷酸铁锂电池", "2026-03", "在用"):
        assert text in body, text
    for hidden in (
        parties.producer.name,
        parties.maker.name,
        parties.maker.uscc,
        VIN,
        "2026-03-15",
        "装车",
        pack.last_hash[:12],
    ):
        assert hidden not in body, hidden


def test_the_public_lookup_says_when_a_pack_has_been_recycled(client, users, parties, pack):
    drive(pack, "receipt_confirm", parties)
    client.force_login(users.utilizer)
    client.post(
        reverse("batteries:event_report"),
        {
            "code": pack.code,
            "kind": "recycle",
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )
    client.logout()
    body = client.get(reverse("batteries:lookup"), {"code": pack.code}).content.decode()
    assert "已再生利用" in body


def test_the_public_lookup_explains_a_malformed_or_unknown_code(client):
    bad = client.get(reverse("batteries:lookup"), {"code": "T01PX01"}).content.decode()
    assert "电池编码应为24位" in bad
    unknown = client.get(reverse("batteries:lookup"), {"code": code_for("Z99")}).content.decode()
    assert "未找到该编码的登记记录" in unknown


# --- Code check ---------------------------------------------------------------------------------


def test_the_code_check_highlights_the_bad_character_and_checks_the_registry(client, users, pack):
    client.force_login(users.national)
    bad = pack.code[:15] + "Q" + pack.code[16:]  # position 16: month Q does not exist
    unknown_maker = code_for("Z99")
    response = client.post(
        reverse("batteries:code_check"), {"codes": f"{pack.code}\n{bad}\n{unknown_maker}"}
    )
    body = response.content.decode()
    assert '<mark class="bad-char" title="第16位">Q</mark>' in body
    assert "第16位生产月份代码“Q”无效" in body
    assert "已登记" in body and "未备案" in body
    assert "共3个编码，其中2个有误" in body


def test_the_code_check_refuses_more_than_a_thousand_codes(client, users):
    client.force_login(users.producer)
    codes = "\n".join(code_for("T01") for _ in range(1001))
    response = client.post(reverse("batteries:code_check"), {"codes": codes})
    assert "一次最多1000个编码" in response.content.decode()


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, pack):
    for url in (LIST, pack.get_absolute_url(), reverse("batteries:code_check")):
        assert client.get(url).status_code == 302


def test_an_imported_event_links_to_its_import_batch(client, users, parties, pack):
    from batteries.models import Channel, ImportBatch
    from batteries.services.events import EventInput, events_record

    batch = ImportBatch.objects.create(
        enterprise=parties.producer,
        uploaded_by=users.producer,
        kind=ImportBatch.Kind.EVENTS,
        file="imports/2026/11/events.csv",
        original_name="三月生产记录.csv",
    )
    item = EventInput(code=pack.code, kind="produce", occurred_at=timezone.now())
    assert events_record(
        items=[item], reporter=parties.producer, channel=Channel.IMPORT, import_batch=batch
    ).ok
    client.force_login(users.producer)
    body = client.get(pack.get_absolute_url()).content.decode()
    detail = reverse("batteries:import_detail", args=[batch.pk])
    assert f'<a href="{detail}">三月生产记录.csv</a>' in body and "文件导入" in body
