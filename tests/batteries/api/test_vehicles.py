"""Vehicles over the API: the maker's own, those carrying a visible pack, nothing else."""

import pytest

from tests.batteries.api.conftest import key_client, new_vin, packs_for
from tests.batteries.builders import record
from tests.factories import enterprise_create, user_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/vehicles/"


def install(pack, producer, maker, vin: str) -> None:
    assert record(pack, "produce", producer).ok
    assert record(pack, "deliver", producer, minutes=1, counterparty_uscc=maker.uscc).ok
    assert record(pack, "install", maker, minutes=2, vin=vin).ok


def vins_of(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["vin"] for row in response.json()["results"]]


@pytest.fixture
def fleet(producer, rival, maker):
    """One vehicle carrying the producer's pack, one carrying the rival's."""
    other_maker = enterprise_create(
        name="己汽车有限公司", division="440307", seed=16, roles=["vehicle_producer"]
    )
    (ours,) = packs_for(producer, 1)
    (theirs,) = packs_for(rival, 1, mfr="T02")
    vins = {"ours": new_vin(), "theirs": new_vin()}
    install(ours, producer, maker, vins["ours"])
    install(theirs, rival, other_maker, vins["theirs"])
    return {"vins": vins, "ours": ours, "other_maker": other_maker}


def test_the_maker_and_the_pack_producer_see_the_vehicle_and_nobody_else(
    fleet, maker_api, producer_api, rival_api, utilizer
):
    vins = fleet["vins"]
    assert vins_of(maker_api.get(URL)) == [vins["ours"]]
    assert vins_of(producer_api.get(URL)) == [vins["ours"]]
    assert vins_of(rival_api.get(URL)) == [vins["theirs"]]
    assert vins_of(key_client(utilizer).get(URL)) == []


def test_regulators_see_every_vehicle_or_those_of_their_province(fleet, regulator_api, client):
    assert set(vins_of(regulator_api.get(URL))) == set(fleet["vins"].values())
    client.force_login(user_of("provincial", province="44"))  # the rival and its maker
    assert vins_of(client.get(URL)) == [fleet["vins"]["theirs"]]


def test_the_detail_lists_the_installed_packs_the_caller_may_see(fleet, maker, maker_api):
    vin = fleet["vins"]["ours"]
    response = maker_api.get(f"{URL}{vin.lower()}/")
    assert response.status_code == 200
    body = response.json()
    assert body["vin"] == vin and body["producer"] == {"name": maker.name, "uscc": maker.uscc}
    assert body["packs"] == [fleet["ours"].code]


def test_a_vehicle_outside_the_callers_scope_gets_404(fleet, rival_api):
    response = rival_api.get(f"{URL}{fleet['vins']['ours']}/")
    assert response.status_code == 404
    assert rival_api.get(f"{URL}{new_vin()}/").json() == response.json()


def test_the_vehicle_list_filters_and_pages_at_constant_cost(
    fleet, regulator_api, django_assert_max_num_queries
):
    other = fleet["other_maker"]
    assert vins_of(regulator_api.get(URL, {"producer_uscc": other.uscc})) == [
        fleet["vins"]["theirs"]
    ]
    assert vins_of(regulator_api.get(URL, {"is_swap_model": "true"})) == []
    page = regulator_api.get(URL, {"page_size": 1}).json()
    assert "count" not in page and page["next"]
    with django_assert_max_num_queries(3):  # the session, the user, the page
        assert len(vins_of(regulator_api.get(URL))) == 2
