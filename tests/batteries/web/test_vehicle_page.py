"""The vehicle page: producer, packs, bindings over time and scrap records, scoped like packs."""

import pytest
from django.urls import reverse

from batteries.models import Channel
from batteries.services.scrap import ScrapInput, vehicles_scrap_record
from tests.batteries.builders import pack_create
from tests.batteries.web.conftest import VIN, drive
from tests.factories import enterprise_create, user_of
from tests.scoping import assert_page_hides

pytestmark = pytest.mark.django_db

PAGE = reverse("batteries:vehicle_detail", args=[VIN])


@pytest.fixture
def sold(parties, pack):
    return drive(pack, "sell", parties)


def _scrap(parties, *, missing: bool = False):
    from django.utils import timezone

    result = vehicles_scrap_record(
        items=[
            ScrapInput(
                vin=VIN, certificate_no="BF-VEH-1", scrapped_at=timezone.now(), pack_missing=missing
            )
        ],
        reporter=parties.dismantler,
        channel=Channel.WEB,
    )
    assert result.ok, result.errors
    return result.records[0]


def test_the_vehicle_page_shows_its_producer_and_the_pack_it_carries(client, users, parties, sold):
    client.force_login(users.maker)
    response = client.get(PAGE)
    body = response.content.decode()
    assert response.status_code == 200
    assert VIN in body and parties.maker.name in body and parties.maker.uscc in body
    assert f'href="{sold.get_absolute_url()}"' in body and "在装" in body


def test_the_vehicle_page_lists_bindings_over_time(client, users, parties, sold):
    # The pack is removed for repair and a second pack goes in.
    second = pack_create(parties.producer)
    drive(second, "deliver", parties)
    from tests.batteries.builders import record

    assert record(sold, "remove_for_repair", parties.maker, minutes=30, vin=VIN).ok
    assert record(second, "install", parties.maker, minutes=31, vin=VIN).ok
    client.force_login(users.national)
    body = client.get(PAGE).content.decode()
    table = body[body.index('id="vehicle-bindings"') :]
    assert table.index(second.code) < table.index(sold.code)  # newest first
    assert table.count("在装") == 1


def test_the_vehicle_page_shows_the_scrap_record(client, users, parties, sold):
    scrap = _scrap(parties)
    client.force_login(users.dismantler)
    body = client.get(PAGE).content.decode()
    assert "BF-VEH-1" in body and parties.dismantler.name in body and "已报废" in body
    assert reverse("batteries:scrap_detail", args=[scrap.certificate_no]) in body
    # The maker reads the record's facts but cannot open the dismantler's record page.
    client.force_login(users.maker)
    body = client.get(PAGE).content.decode()
    assert "BF-VEH-1" in body
    assert reverse("batteries:scrap_detail", args=[scrap.certificate_no]) not in body


def test_the_vehicle_page_is_hidden_from_enterprises_with_no_part_in_it(client, users, sold):
    rival = enterprise_create(name="己电池有限公司", roles=["battery_producer"])
    outsider = client.__class__()
    outsider.force_login(user_of("enterprise_operator", enterprise=rival))
    owner = client.__class__()
    owner.force_login(users.maker)
    assert_page_hides(outsider, PAGE, [VIN], owner_client=owner)
    assert outsider.get(PAGE).status_code == 404


def test_a_provincial_regulator_sees_vehicles_of_its_province_only(client, users, sold):
    # The maker is in Guangdong (44), the producer in Fujian (35): Jiangsu has no part.
    jiangsu, fujian = client.__class__(), client.__class__()
    jiangsu.force_login(users.jiangsu)
    fujian.force_login(users.fujian)
    assert_page_hides(jiangsu, PAGE, [VIN], owner_client=fujian)


def test_vins_link_to_the_vehicle_page_from_the_pack_list_and_the_pack_page(client, users, sold):
    client.force_login(users.maker)
    for url in (reverse("batteries:pack_list"), sold.get_absolute_url()):
        assert f'href="{PAGE}"' in client.get(url).content.decode(), url


def test_a_lower_case_vin_in_the_address_redirects_to_the_vehicle(client, users, sold):
    client.force_login(users.maker)
    response = client.get(reverse("batteries:vehicle_detail", args=[VIN.lower()]))
    assert response.status_code == 302 and response.url == PAGE


def test_pack_codes_in_the_handover_inbox_link_to_the_pack(client, users, parties, pack):
    handed = drive(pack, "handover", parties)
    client.force_login(users.utilizer)
    body = client.get(reverse("batteries:handover_inbox")).content.decode()
    assert f'<a href="{handed.get_absolute_url()}">{handed.code}</a>' in body


def test_the_api_docs_page_offers_a_way_back_to_the_portal(client, users):
    client.force_login(users.producer)
    body = client.get(reverse("api_docs")).content.decode()
    assert f'<a class="back" href="{reverse("home")}">' in body and "swagger-ui" in body
