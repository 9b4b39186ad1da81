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
