"""Registering packs through the web form."""

import pytest
from django.urls import reverse

from batteries.models import Battery, Channel
from tests.batteries.builders import code_for

pytestmark = pytest.mark.django_db

URL = reverse("batteries:pack_register")


def field_errors(response, field: str) -> list[str]:
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def test_a_producer_registers_one_pack_and_lands_on_its_identity_page(client, users):
    client.force_login(users.producer)
    code = code_for("T01")
    response = client.post(
        URL, {"codes": code.lower(), "mass_kg": "420", "capacity_wh": "62000"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("batteries:pack_detail", args=[code])
    pack = Battery.objects.get(code=code)
    assert pack.mass_kg == 420 and pack.events.get().channel == Channel.WEB
    assert "已登记1个电池编码" in response.content.decode()


def test_a_producer_registers_several_packs_at_once(client, users):
    client.force_login(users.producer)
    codes = [code_for("T01") for _ in range(3)]
    response = client.post(URL, {"codes": "\n".join(codes) + "\n\n"})
    assert response.status_code == 302
    assert Battery.objects.filter(code__in=codes).count() == 3


def test_it_shows_a_bad_character_next_to_the_codes_field_and_registers_nothing(client, users):
    client.force_login(users.producer)
    good, bad = code_for("T01"), code_for("T01")
    bad = bad[:4] + "X" + bad[5:]  # position 5: battery type X does not exist
    response = client.post(URL, {"codes": f"{good}\n{bad}"})
    errors = field_errors(response, "codes")
    assert response.status_code == 200
    assert any("第2行" in e and "第5位" in e for e in errors), errors
    assert not Battery.objects.filter(code=good).exists()
    assert 'aria-invalid="true"' in response.content.decode()


def test_it_refuses_a_code_already_registered(client, users, pack):
    client.force_login(users.producer)
    response = client.post(URL, {"codes": pack.code})
    assert any("已登记" in e for e in field_errors(response, "codes"))


def test_it_refuses_mass_and_capacity_for_several_codes(client, users):
    client.force_login(users.producer)
    response = client.post(URL, {"codes": f"{code_for('T01')}\n{code_for('T01')}", "mass_kg": "5"})
    assert field_errors(response, "mass_kg") == ["质量和额定能量只能在登记单个编码时填写。"]


def test_it_refuses_an_unknown_parent_next_to_the_parent_field(client, users):
    client.force_login(users.producer)
    module = code_for("T01", product_type="M")
    response = client.post(URL, {"codes": module, "parent_code": code_for("T01")})
    assert any("上级编码" in e for e in field_errors(response, "parent_code"))


def test_a_module_registered_under_a_pack_appears_on_the_pack_page(client, users, pack):
    client.force_login(users.producer)
    module = code_for("T01", product_type="M")
    assert client.post(URL, {"codes": module, "parent_code": pack.code}).status_code == 302
    body = client.get(pack.get_absolute_url()).content.decode()
    assert module in body


def test_a_vehicle_maker_cannot_register_codes(client, users):
    client.force_login(users.maker)
    response = client.post(URL, {"codes": code_for("T01")})
    assert any("只有电池生产企业" in e for e in field_errors(response, "codes"))


def test_an_enterprise_awaiting_approval_cannot_open_the_form(client, parties):
    from tests.factories import enterprise_create, user_of

    pending = enterprise_create(name="待审企业", status="pending")
    client.force_login(user_of("enterprise_admin", enterprise=pending))
    assert client.get(URL).status_code == 403
