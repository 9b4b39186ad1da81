"""A provincial regulator follows every pack an enterprise of its province was party to."""

import pytest

from batteries.selectors import pack_list
from tests.enforcement.scenario import at, parties, record, scrapped_pack
from tests.factories import user_of

pytestmark = pytest.mark.django_db


def test_a_pack_that_left_the_province_stays_visible_to_it(client):
    p = parties()
    battery = scrapped_pack(p, scrapped="2026-05-06")  # scrapped in Jiangsu (32)
    record(battery, "handover", p.dismantler, at("2026-05-07"), counterparty_uscc=p.utilizer.uscc)
    record(battery, "receipt_confirm", p.utilizer, at("2026-05-08"))  # now held in Hunan (43)
    jiangsu, anhui = user_of("provincial", province="32"), user_of("provincial", province="34")
    assert battery in pack_list(user=jiangsu)
    assert battery not in pack_list(user=anhui)
    client.force_login(jiangsu)
    page = client.get(battery.get_absolute_url())
    assert page.status_code == 200 and battery.code in page.content.decode()
    client.force_login(anhui)
    assert client.get(battery.get_absolute_url()).status_code == 404


def test_a_province_sees_each_pack_once_however_many_of_its_enterprises_held_it():
    p = parties()
    battery = scrapped_pack(p, scrapped="2026-05-06")
    hunan = user_of("provincial", province="43")  # the dealer and, later, the utilizer
    record(battery, "handover", p.dismantler, at("2026-05-07"), counterparty_uscc=p.utilizer.uscc)
    codes = list(pack_list(user=hunan).values_list("code", flat=True))
    assert codes.count(battery.code) == 1


def test_the_scrapped_vehicle_menu_is_offered_to_dismantlers_and_regulators_only(client):
    p = parties()
    for user, shown in (
        (user_of("enterprise_admin", enterprise=p.dismantler), True),
        (user_of("provincial", province="32"), True),
        (user_of("enterprise_admin", enterprise=p.utilizer), False),
    ):
        client.force_login(user)
        body = client.get("/").content.decode()
        assert ('href="/batteries/scrapped/"' in body) is shown, user.kind


def test_the_desk_says_when_the_last_scan_ran_and_offers_miit_the_register_import(client):
    from tests.enforcement.scenario import scan

    scan("2026-11-30")
    client.force_login(user_of("national"))
    body = client.get("/enforcement/cases/").content.decode()
    assert "基准日 2026-11-30" in body and "/enforcement/register/" in body
    client.force_login(user_of("provincial", province="32"))
    body = client.get("/enforcement/cases/").content.decode()
    assert "基准日 2026-11-30" in body and "/enforcement/register/" not in body
