"""Scrapped vehicles in the portal: the dismantler's form, the scoped list, a record's page."""

import pytest
from django.urls import reverse

from batteries.models import ScrappedVehicle, State
from common.identifiers import make_vin
from tests.batteries.builders import code_for, pack_create, record
from tests.batteries.web.conftest import VIN, drive, now_local
from tests.factories import enterprise_create, user_of

pytestmark = pytest.mark.django_db

NEW = reverse("batteries:scrap_report")
LIST = reverse("batteries:scrap_list")
UNKNOWN_VIN = make_vin("LDC12345", "R0000777")


def report(client, **fields):
    data = {"vin": VIN, "certificate_no": "BF-WEB-1", "scrapped_at": now_local(), **fields}
    return client.post(NEW, {k: v for k, v in data.items() if v is not None})


def errors(response, field: str) -> list[str]:
    return [str(e) for e in response.context["form"].errors.get(field, [])]


@pytest.fixture
def two_packs(parties, pack):
    """The conftest pack and a second one, both installed in VIN and sold."""
    drive(pack, "sell", parties)
    second = pack_create(parties.producer)
    drive(second, "sell", parties)
    return pack, second


def test_a_dismantler_reports_a_vehicle_whose_packs_all_arrived(client, users, parties, pack):
    drive(pack, "sell", parties)
    client.force_login(users.dismantler)
    assert "随车到场的电池编码" in client.get(NEW).content.decode()

    response = report(client, note="整车到场")

    assert response.status_code == 302
    assert response.url == reverse("batteries:scrap_detail", args=["BF-WEB-1"])
    stored = ScrappedVehicle.objects.get()
    assert (stored.vin, stored.pack_status, stored.channel, stored.reported_by) == (
        VIN, "arrived", "web", users.dismantler,
    )  # fmt: skip
    pack.refresh_from_db()
    assert (pack.state, pack.holder) == (State.VEHICLE_SCRAPPED, parties.dismantler)
    page = client.get(response.url).content.decode()
    assert f"已记录报废车辆 {VIN}（BF-WEB-1）。" in page and 'class="msg-warning"' not in page
    assert pack.code in page and "车辆报废回收" in page and "整车到场" in page


def test_a_vehicle_with_a_pack_missing_is_recorded_with_a_warning_beside_the_success(
    client, users, parties, two_packs
):
    first, second = two_packs
    client.force_login(users.dismantler)

    response = report(client, arrived_codes=first.code.lower())

    assert response.status_code == 302
    assert ScrappedVehicle.objects.get().pack_status == "partial"
    page = client.get(response.url).content.decode()
    assert 'class="msg-success"' in page and 'class="msg-warning"' in page
    assert "该车辆绑定的电池有 1 个未随车到场" in page
    # The pack that did not arrive is not the dismantler's to read.
    assert first.code in page and second.code not in page
    assert "另有 1 个绑定在该车辆上的电池未随车到场" in page


def test_a_vehicle_declared_without_its_pack_or_unknown_to_the_registry_is_recorded(
    client, users, parties, pack
):
    drive(pack, "sell", parties)
    client.force_login(users.dismantler)

    missing = report(client, pack_missing="on")
    unknown = report(client, vin=UNKNOWN_VIN, certificate_no="BF-WEB-2", swap_pool="on")

    assert missing.status_code == unknown.status_code == 302
    statuses = dict(ScrappedVehicle.objects.values_list("certificate_no", "pack_status"))
    assert statuses == {"BF-WEB-1": "missing", "BF-WEB-2": "swap_pool"}
    page = client.get(unknown.url).content.decode()
    assert "平台未登记车辆" in page and "平台未登记该车辆" in page
    pack.refresh_from_db()
    assert pack.state == State.SOLD


def test_the_form_shows_every_problem_of_the_vehicle_at_once(client, users, parties, pack):
    drive(pack, "sell", parties)
    client.force_login(users.dismantler)
    assert report(client, vin=UNKNOWN_VIN, certificate_no="BF-TAKEN").status_code == 302
    stray = code_for("T01")

    response = report(
        client,
        certificate_no="BF-TAKEN",
        arrived_codes=f"{pack.code}\n{stray}",
        pack_missing="on",
        swap_pool="on",
    )

    assert response.status_code == 400
    assert errors(response, "certificate_no") == [
        "《报废机动车回收证明》编号 BF-TAKEN 已用于其他车辆或其他拆解企业的报废记录。"
    ]
    assert errors(response, "pack_missing") == [
        "“电池缺失”和“换电车型，电池在换电体系内”只能选择一项。"
    ]
    assert errors(response, "arrived_codes") == [
        "已声明电池缺失，就不应填写到场电池编码：请二选一。"
    ]
    bad_vin = report(client, vin="LDC123", certificate_no="", scrapped_at="")
    assert errors(bad_vin, "vin") and errors(bad_vin, "scrapped_at") == ["该字段是必填项。"]
    assert errors(bad_vin, "certificate_no") == ["该字段是必填项。"]
    unbound = report(client, certificate_no="BF-3", arrived_codes=stray)
    assert errors(unbound, "arrived_codes") == [f"电池编码 {stray} 未绑定在该车辆上。"]
    assert ScrappedVehicle.objects.count() == 1


def test_an_enterprise_that_is_not_a_dismantler_is_told_it_may_not_report(client, users):
    client.force_login(users.maker)
    response = client.get(NEW)
    assert response.status_code == 403
    assert "只有报废机动车回收拆解企业可以上报报废车辆。" in response.content.decode()
    assert report(client).status_code == 403
    listing = client.get(LIST).content.decode()
    assert NEW not in listing and "只有报废机动车回收拆解企业可以上报报废车辆。" in listing
    assert not ScrappedVehicle.objects.exists()


def test_the_menu_leads_to_the_scrapped_vehicles(client, users):
    for user in (users.dismantler, users.national):
        client.force_login(user)
        assert f'href="{LIST}"' in client.get(reverse("home")).content.decode()


def test_the_list_and_the_record_are_scoped_to_the_dismantler_and_its_regulators(
    client, users, parties, pack
):
    drive(pack, "sell", parties)
    other = enterprise_create(name="庚拆解有限公司", division="440307", roles=["dismantler"])
    other_user = user_of("enterprise_operator", enterprise=other)
    client.force_login(users.dismantler)
    assert report(client).status_code == 302
    client.force_login(other_user)
    assert report(client, vin=UNKNOWN_VIN, certificate_no="BF-OTHER").status_code == 302
    mine = reverse("batteries:scrap_detail", args=["BF-WEB-1"])

    def listed(user) -> tuple[bool, bool]:
        client.force_login(user)
        body = client.get(LIST).content.decode()
        return mine in body, reverse("batteries:scrap_detail", args=["BF-OTHER"]) in body

    assert listed(users.dismantler) == (True, False)
    assert listed(other_user) == (False, True)
    assert listed(users.jiangsu) == (True, False)  # the dismantler is in Jiangsu (32)
    assert listed(users.national) == (True, True)
    client.force_login(other_user)
    hidden = client.get(mine)
    unknown = client.get(reverse("batteries:scrap_detail", args=["BF-NONE"]))
    assert hidden.status_code == unknown.status_code == 404
    client.force_login(users.jiangsu)
    page = client.get(mine).content.decode()
    assert pack.code in page and "丙拆解有限公司" in page


def test_a_regulator_sees_the_codes_of_packs_that_did_not_arrive(client, users, parties, two_packs):
    first, second = two_packs
    client.force_login(users.dismantler)
    assert report(client, arrived_codes=first.code).status_code == 302
    client.force_login(users.national)
    page = client.get(reverse("batteries:scrap_detail", args=["BF-WEB-1"])).content.decode()
    assert first.code in page and second.code in page and "否（缺失）" in page


def test_a_plain_scrap_event_shows_up_as_a_record_in_the_list(client, users, parties, pack):
    drive(pack, "sell", parties)
    assert record(
        pack, "scrap_vehicle", parties.dismantler, minutes=10, vin=VIN, document_ref="BF-EV"
    ).ok
    client.force_login(users.dismantler)
    body = client.get(LIST).content.decode()
    assert "BF-EV" in body and "电池随车到场" in body
