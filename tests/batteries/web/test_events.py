"""Reporting events through the adaptive web form, and corrections."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from batteries.models import Channel, Handover, LifecycleEvent, State
from common.battery_code import make_battery_code
from common.identifiers import make_vin
from tests.batteries.builders import code_for, outlet_create, record
from tests.batteries.web.conftest import VIN, drive, now_local

pytestmark = pytest.mark.django_db

URL = reverse("batteries:event_report")


def post(client, code, kind, **fields):
    return client.post(URL, {"code": code, "kind": kind, "occurred_at": now_local(), **fields})


def field_errors(response, field: str) -> list[str]:
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def offered_kinds(client, code: str) -> list[str]:
    form = client.get(URL, {"code": code}).context["form"]
    return [value for value, _ in form.fields["kind"].choices if value]


def test_the_form_offers_only_the_kinds_allowed_now_for_this_pack_and_roles(
    client, users, parties, pack
):
    client.force_login(users.producer)
    assert offered_kinds(client, pack.code) == ["produce"]
    drive(pack, "produce", parties)
    assert offered_kinds(client, pack.code) == ["deliver", "install", "void"]


def test_choosing_a_kind_swaps_in_its_fields_through_htmx(client, users, parties, pack):
    drive(pack, "produce", parties)
    client.force_login(users.producer)
    response = client.get(URL, {"code": pack.code, "kind": "deliver"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.templates[0].name == "batteries/_event_fields.html"
    assert 'name="counterparty_uscc"' in body and 'name="vin"' not in body
    install = client.get(URL, {"code": pack.code, "kind": "install"}, HTTP_HX_REQUEST="true")
    assert 'name="vin"' in install.content.decode()


def test_a_producer_reports_production_and_sees_it_on_the_timeline(client, users, pack):
    client.force_login(users.producer)
    response = post(client, pack.code, "produce")
    assert response.status_code == 302 and response.url == pack.get_absolute_url()
    event = pack.events.get(seq=2)
    assert event.kind == "produce" and event.channel == Channel.WEB
    assert event.reported_by == users.producer
    assert "生产" in client.get(response.url).content.decode()


def test_a_delivery_to_a_non_vehicle_maker_is_refused_next_to_the_counterparty(
    client, users, parties, pack
):
    drive(pack, "produce", parties)
    client.force_login(users.producer)
    response = post(client, pack.code, "deliver", counterparty_uscc=parties.utilizer.uscc)
    assert field_errors(response, "counterparty_uscc") == ["交付对象必须是汽车生产企业或进口商。"]
    assert pack.events.count() == 2


def test_a_malformed_uscc_is_explained_with_its_position(client, users, parties, pack):
    drive(pack, "produce", parties)
    client.force_login(users.producer)
    uscc = parties.maker.uscc[:-1] + ("0" if parties.maker.uscc[-1] != "0" else "1")
    response = post(client, pack.code, "deliver", counterparty_uscc=uscc)
    assert any("第18位" in e for e in field_errors(response, "counterparty_uscc"))


def test_a_vehicle_maker_installs_a_pack_in_a_vehicle_by_vin(client, users, parties, pack):
    drive(pack, "deliver", parties)
    client.force_login(users.maker)
    assert post(client, pack.code, "install", vin=VIN.lower()).status_code == 302
    pack.refresh_from_db()
    assert pack.state == State.INSTALLED and pack.vehicle.vin == VIN


def test_a_vin_with_a_wrong_check_digit_is_refused_next_to_the_vin(client, users, parties, pack):
    drive(pack, "deliver", parties)
    client.force_login(users.maker)
    wrong = VIN[:8] + ("0" if VIN[8] != "0" else "1") + VIN[9:]
    response = post(client, pack.code, "install", vin=wrong)
    assert any("校验位" in e for e in field_errors(response, "vin"))


def test_a_vehicle_maker_reports_the_sale(client, users, parties, pack):
    drive(pack, "install", parties)
    client.force_login(users.maker)
    assert post(client, pack.code, "sell").status_code == 302
    pack.refresh_from_db()
    assert pack.state == State.SOLD


def test_a_dismantler_reports_a_scrapped_vehicle_by_its_vin_with_its_certificate(
    client, users, parties, pack
):
    drive(pack, "sell", parties)
    client.force_login(users.dismantler)
    missing = post(client, pack.code, "scrap_vehicle")
    assert field_errors(missing, "document_ref") == ["该字段是必填项。"]
    assert field_errors(missing, "vin") == ["该字段是必填项。"]
    assert "《报废机动车回收证明》编号" in missing.content.decode()
    response = post(client, pack.code, "scrap_vehicle", vin=VIN, document_ref="BF-1")
    assert response.status_code == 302
    pack.refresh_from_db()
    assert pack.state == State.VEHICLE_SCRAPPED and pack.holder == parties.dismantler
    assert pack.events.get(kind="scrap_vehicle").vehicle.vin == VIN


def test_a_scrap_naming_another_vin_is_answered_as_an_unknown_code(client, users, parties, pack):
    drive(pack, "sell", parties)
    client.force_login(users.dismantler)
    other_vin = make_vin("LDC12345", "R0000002")
    wrong = post(client, pack.code, "scrap_vehicle", vin=other_vin, document_ref="BF-1")
    unknown_code = code_for("T01")
    unknown = post(client, unknown_code, "scrap_vehicle", vin=other_vin, document_ref="BF-1")
    assert field_errors(wrong, "code") == [f"电池编码未登记：{pack.code}"]
    assert field_errors(unknown, "code") == [f"电池编码未登记：{unknown_code}"]
    assert _page(wrong, pack.code) == _page(unknown, unknown_code)
    pack.refresh_from_db()
    assert pack.state == State.SOLD


def _page(response, code: str) -> str:
    """Return the page with the code typed and the per-request CSRF tokens blanked."""
    page = response.content.decode().replace(code, "CODE")
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', r"\1", page)


def test_a_dismantler_cannot_report_a_sale(client, users, parties, pack):
    drive(pack, "install", parties)
    client.force_login(users.dismantler)
    response = post(client, pack.code, "sell")
    assert field_errors(response, "kind") == ["该电池当前不能由本企业上报此类事件。"]


def test_a_handover_to_an_unqualified_receiver_is_recorded_with_a_warning_beside_success(
    client, users, parties, pack
):
    drive(pack, "dismantle", parties)
    client.force_login(users.dismantler)
    form = client.get(
        reverse("batteries:counterparty_check"),
        {"counterparty_uscc": parties.repair.uscc, "kind": "handover"},
    )
    assert "不具备接收资格" in form.content.decode()
    response = post(client, pack.code, "handover", counterparty_uscc=parties.repair.uscc)
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert 'class="msg-success"' in page and "已上报“移交”事件。" in page
    assert 'class="msg-warning"' in page
    assert "接收方不是综合利用企业或生产企业的回收服务网点：移交已记录，将由监管部门审查。" in page
    assert Handover.objects.get(battery=pack).receiver == parties.repair


def test_the_receiver_check_says_whether_a_receiver_is_qualified(client, users, parties):
    client.force_login(users.dismantler)
    url = reverse("batteries:counterparty_check")
    good = client.get(url, {"counterparty_uscc": parties.utilizer.uscc, "kind": "handover"})
    assert "丁综合利用有限公司" in good.content.decode() and "具备接收资格" in good.content.decode()
    bad = client.get(url, {"counterparty_uscc": parties.repair.uscc, "kind": "handover"})
    assert "不具备接收资格" in bad.content.decode()


def test_a_dismantler_hands_a_pack_over_to_a_utilizer(client, users, parties, pack):
    drive(pack, "dismantle", parties)
    client.force_login(users.dismantler)
    response = post(
        client, pack.code, "handover", counterparty_uscc=parties.utilizer.uscc, document_ref="YJ-1"
    )
    assert response.status_code == 302
    handover = Handover.objects.get(battery=pack)
    assert handover.status == Handover.Status.OPEN and handover.receiver == parties.utilizer


def test_the_outlet_list_holds_only_the_enterprises_own_outlets(client, users, parties, pack):
    own = outlet_create(parties.producer, division="350902")
    other = outlet_create(parties.maker, division="440307")
    drive(pack, "sell", parties)
    assert record(pack, "remove_for_repair", parties.producer, minutes=30).ok
    client.force_login(users.producer)
    form = client.get(URL, {"code": pack.code, "kind": "outlet_intake"}).context["form"]
    assert list(form.fields["outlet"].queryset) == [own]
    refused = post(client, pack.code, "outlet_intake", outlet=str(other.pk))
    assert field_errors(refused, "outlet")
    assert post(client, pack.code, "outlet_intake", outlet=str(own.pk)).status_code == 302
    pack.refresh_from_db()
    assert pack.state == State.AT_OUTLET


def test_a_repairer_removes_and_reinstalls_a_pack(client, users, parties, pack):
    drive(pack, "sell", parties)
    client.force_login(users.repair)  # it cannot read the pack: the VIN proves its relation
    assert post(client, pack.code, "remove_for_repair", vin=VIN).status_code == 302
    pack.refresh_from_db()
    assert pack.state == State.REMOVED and pack.vehicle is None
    assert post(client, pack.code, "reinstall", vin=VIN).status_code == 302
    pack.refresh_from_db()
    assert pack.state == State.SOLD and pack.vehicle.vin == VIN


def test_a_utilizer_recycles_a_received_pack(client, users, parties, pack):
    drive(pack, "receipt_confirm", parties)
    client.force_login(users.utilizer)
    assert post(client, pack.code, "recycle").status_code == 302
    pack.refresh_from_db()
    assert pack.state == State.RECYCLED


def test_a_utilizer_repurposes_a_pack_under_a_new_code_with_its_declared_use(
    client, users, parties, pack
):
    drive(pack, "receipt_confirm", parties)
    client.force_login(users.utilizer)
    new_code = make_battery_code(
        manufacturer="T01", produced=dt.date(2026, 6, 1), serial=7, repurposed=True
    )
    too_long = post(client, pack.code, "repurpose", new_code=code_for("T01"), declared_use="储能")
    assert any("19位" in e for e in field_errors(too_long, "new_code"))
    response = post(client, pack.code, "repurpose", new_code=new_code, declared_use="储能电站")
    assert response.status_code == 302
    event = pack.events.get(kind="repurpose")
    assert event.details == {"new_code": new_code, "declared_use": "储能电站"}
    assert new_code in client.get(pack.get_absolute_url()).content.decode()


def test_the_reporter_voids_its_latest_event_with_a_reason(client, users, parties, pack):
    drive(pack, "deliver", parties)
    client.force_login(users.producer)
    missing = client.post(URL, {"code": pack.code, "kind": "void", "reason": " "})
    assert field_errors(missing, "reason") == ["该字段是必填项。"]
    assert (
        "将作废第3号事件" in client.get(URL, {"code": pack.code, "kind": "void"}).content.decode()
    )
    response = client.post(URL, {"code": pack.code, "kind": "void", "reason": "交付对象填错"})
    assert response.status_code == 302
    pack.refresh_from_db()
    assert pack.state == State.PRODUCED and pack.holder == parties.producer
    page = client.get(pack.get_absolute_url()).content.decode()
    assert 'class="is-voided"' in page and "交付对象填错" in page


def test_only_the_reporter_of_the_latest_event_is_offered_a_correction(
    client, users, parties, pack
):
    drive(pack, "install", parties)
    client.force_login(users.producer)
    assert "void" not in offered_kinds(client, pack.code)
    response = client.post(URL, {"code": pack.code, "kind": "void", "reason": "x"})
    assert field_errors(response, "kind") and not LifecycleEvent.objects.filter(kind="void")


# --- A receipt reported before its handover ---------------------------------------------------


def test_a_receiver_reports_a_receipt_before_the_handover_naming_the_giver(
    client, users, parties, pack
):
    drive(pack, "dismantle", parties)
    client.force_login(users.utilizer)
    form = client.get(URL, {"code": pack.code, "kind": "receipt_confirm"}).content.decode()
    assert "移交方统一社会信用代码" in form

    response = post(client, pack.code, "receipt_confirm", counterparty_uscc=parties.dismantler.uscc)

    assert response.status_code == 302
    pack.refresh_from_db()
    assert (pack.state, pack.holder) == (State.RECEIVED, parties.utilizer)
    assert Handover.objects.get(battery=pack).status == Handover.Status.AWAITING_GIVER
    page = client.get(response.url).content.decode()
    assert 'class="msg-warning"' in page and "移交方尚未上报该移交" in page


def test_a_receipt_naming_a_giver_that_does_not_hold_the_pack_looks_like_an_unknown_code(
    client, users, parties, pack
):
    drive(pack, "dismantle", parties)
    client.force_login(users.utilizer)
    never = code_for("T01")
    wrong = post(client, pack.code, "receipt_confirm", counterparty_uscc=parties.maker.uscc)
    unknown = post(client, never, "receipt_confirm", counterparty_uscc=parties.maker.uscc)
    assert field_errors(wrong, "code") == [f"电池编码未登记：{pack.code}"]
    assert _page(wrong, pack.code) == _page(unknown, never)
    assert not Handover.objects.filter(battery=pack).exists()


def test_the_giver_closes_a_receipt_reported_first_with_its_handover(client, users, parties, pack):
    drive(pack, "dismantle", parties)
    assert record(
        pack, "receipt_confirm", parties.utilizer, minutes=20,
        counterparty_uscc=parties.dismantler.uscc,
    ).ok  # fmt: skip
    client.force_login(users.dismantler)
    assert "handover" in offered_kinds(client, pack.code)

    response = post(client, pack.code, "handover", counterparty_uscc=parties.utilizer.uscc)

    assert response.status_code == 302, field_errors(response, "__all__")
    row = Handover.objects.get(battery=pack)
    assert (row.status, row.handover_event.kind) == (Handover.Status.CONFIRMED, "handover")
    pack.refresh_from_db()
    assert (pack.state, pack.holder) == (State.RECEIVED, parties.utilizer)
