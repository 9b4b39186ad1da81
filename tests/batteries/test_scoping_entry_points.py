"""Each read scope of the digital identity, from every entry point that exposes it.

The same guard (`scoped_for`) serves the portal pages and the REST API; each check below
asks one page or endpoint as an outsider (nothing of the pack shows) and as someone entitled
to it (the same texts do show), so a page broken for everyone cannot pass as "hidden".
"""

import pytest
from django.test import Client
from django.urls import reverse

from common.identifiers import make_vin
from tests.batteries.api.conftest import key_client
from tests.batteries.builders import pack_create, producer_create, record
from tests.factories import enterprise_create, user_of
from tests.scoping import assert_page_hides

pytestmark = pytest.mark.django_db

VIN = make_vin("LDC12345", "S0000077")
DOCUMENT = "JF-SCOPE-0001"  # the delivery note: only parties to the pack may read it


@pytest.fixture
def world():
    """A Fujian producer's pack delivered to a Guangdong maker and installed; a Jiangsu rival."""
    producer = producer_create(name="甲电池有限公司", division="350902", mfr="T01")
    rival = producer_create(name="丙电池有限公司", division="320506", mfr="K07")
    maker = enterprise_create(name="乙汽车有限公司", division="440307", roles=["vehicle_producer"])
    pack = pack_create(producer)
    steps = [
        ("produce", producer, {}),
        ("deliver", producer, {"counterparty_uscc": maker.uscc, "document_ref": DOCUMENT}),
        ("install", maker, {"vin": VIN}),
    ]
    for minute, (kind, reporter, fields) in enumerate(steps):
        assert record(pack, kind, reporter, minutes=minute, **fields).ok, kind
    return {
        "pack": pack,
        "rival_pack": pack_create(rival, mfr="K07"),
        "producer": producer,
        "rival": rival,
        "maker": maker,
    }


def session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def operator(enterprise) -> Client:
    return session(user_of("enterprise_operator", enterprise=enterprise))


def pack_pages(pack) -> dict[str, str]:
    return {
        "web detail": pack.get_absolute_url(),
        "api detail": f"/api/v1/packs/{pack.code}/",
        "api timeline": f"/api/v1/packs/{pack.code}/events/",
    }


LISTS = {
    "web list": reverse("batteries:pack_list"),
    "api list": "/api/v1/packs/",
}


# --- An enterprise sees the packs it made, held or was party to ------------------------------


@pytest.mark.parametrize("page", ["web list", "api list"])
def test_an_enterprise_list_never_shows_another_enterprises_pack(world, page):
    pack, rival = world["pack"], world["rival"]
    outsider = operator(rival) if page.startswith("web") else key_client(rival)
    owner = operator(world["producer"]) if page.startswith("web") else key_client(world["producer"])
    assert_page_hides(outsider, LISTS[page], [pack.code], owner_client=owner)
    mine = outsider.get(LISTS[page]).content.decode()
    assert world["rival_pack"].code in mine  # the outsider's own list still works


@pytest.mark.parametrize("page", ["web detail", "api detail", "api timeline"])
def test_an_enterprise_cannot_open_another_enterprises_pack(world, page):
    pack, rival, producer = world["pack"], world["rival"], world["producer"]
    web = page.startswith("web")
    outsider = operator(rival) if web else key_client(rival)
    owner = operator(producer) if web else key_client(producer)
    texts = [pack.code] if page == "api detail" else [pack.code, DOCUMENT]
    assert_page_hides(outsider, pack_pages(pack)[page], texts, owner_client=owner)
    assert outsider.get(pack_pages(pack)[page]).status_code == 404


@pytest.mark.parametrize("page", ["web detail", "api detail", "api timeline"])
def test_a_counterparty_sees_the_pack_it_received(world, page):
    maker = world["maker"]
    client = operator(maker) if page.startswith("web") else key_client(maker)
    response = client.get(pack_pages(world["pack"])[page])
    assert response.status_code == 200 and world["pack"].code in response.content.decode()


def test_the_event_list_never_shows_another_enterprises_events(world):
    assert_page_hides(
        key_client(world["rival"]),
        "/api/v1/events/",
        [world["pack"].code, DOCUMENT],
        owner_client=key_client(world["producer"]),
    )


@pytest.mark.parametrize("auth", ["session", "api_key"])
def test_vehicles_are_hidden_from_an_enterprise_with_no_pack_in_them(world, auth):
    rival, producer = world["rival"], world["producer"]
    outsider = operator(rival) if auth == "session" else key_client(rival)
    owner = operator(producer) if auth == "session" else key_client(producer)
    assert_page_hides(outsider, "/api/v1/vehicles/", [VIN], owner_client=owner)
    assert_page_hides(outsider, f"/api/v1/vehicles/{VIN}/", [VIN], owner_client=owner)
    assert outsider.get(f"/api/v1/vehicles/{VIN}/").status_code == 404


# --- A provincial regulator sees the packs made or held in its province ---------------------


@pytest.mark.parametrize("page", ["web list", "api list"])
def test_a_provincial_list_shows_only_packs_made_or_held_in_the_province(world, page):
    jiangsu = session(user_of("provincial", province="32"))
    fujian = session(user_of("provincial", province="35"))  # where the pack was made
    guangdong = session(user_of("provincial", province="44"))  # where its holder is
    assert_page_hides(jiangsu, LISTS[page], [world["pack"].code], owner_client=fujian)
    assert_page_hides(jiangsu, LISTS[page], [world["pack"].code], owner_client=guangdong)
    assert world["rival_pack"].code in jiangsu.get(LISTS[page]).content.decode()


@pytest.mark.parametrize("page", ["web detail", "api detail", "api timeline"])
def test_a_provincial_regulator_cannot_open_a_pack_of_another_province(world, page):
    jiangsu = session(user_of("provincial", province="32"))
    fujian = session(user_of("provincial", province="35"))
    url = pack_pages(world["pack"])[page]
    assert_page_hides(jiangsu, url, [world["pack"].code], owner_client=fujian)
    assert jiangsu.get(url).status_code == 404


def test_a_provincial_regulator_sees_no_vehicle_or_event_of_another_province(world):
    jiangsu = session(user_of("provincial", province="32"))
    guangdong = session(user_of("provincial", province="44"))
    assert_page_hides(jiangsu, "/api/v1/vehicles/", [VIN], owner_client=guangdong)
    assert_page_hides(jiangsu, f"/api/v1/vehicles/{VIN}/", [VIN], owner_client=guangdong)
    assert_page_hides(jiangsu, "/api/v1/events/", [DOCUMENT], owner_client=guangdong)
