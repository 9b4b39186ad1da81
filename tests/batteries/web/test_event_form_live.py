"""The event form checks the code as it is typed and offers only what may be reported."""

import pytest
from django.urls import reverse

from tests.batteries.web.conftest import drive

pytestmark = pytest.mark.django_db

URL = reverse("batteries:event_report")


def _fields(client, code: str, **params):
    return client.get(URL, {"code": code, **params}, HTTP_HX_REQUEST="true")


def _kinds(response) -> list[str]:
    return [value for value, _ in response.context["form"].fields["kind"].choices if value]


def test_a_junk_code_is_explained_as_it_is_typed_and_offers_no_event(client, users, pack):
    client.force_login(users.producer)
    junk = pack.code[:3] + "X" + pack.code[4:]  # position 4: product type X does not exist
    response = _fields(client, junk)
    body = response.content.decode()
    assert response.templates[0].name == "batteries/_event_fields.html"
    assert 'data-code-valid="false"' in body
    assert '<mark class="bad-char" title="第4位">X</mark>' in body
    assert "第4位产品类型代码“X”无效" in body
    assert _kinds(response) == [] and "请先填写有效的电池编码。" in body


def test_a_valid_code_offers_the_kinds_its_state_and_the_roles_allow(client, users, parties, pack):
    client.force_login(users.producer)
    assert _kinds(_fields(client, pack.code)) == ["produce"]
    drive(pack, "deliver", parties)
    client.force_login(users.maker)
    assert _kinds(_fields(client, pack.code)) == ["install"]
    assert 'data-code-valid="false"' not in _fields(client, pack.code).content.decode()


def test_a_well_formed_code_the_enterprise_cannot_see_offers_only_what_needs_no_holding(
    client, users, parties, pack
):
    client.force_login(users.utilizer)
    response = _fields(client, pack.code)
    body = response.content.decode()
    assert 'data-code-valid="true"' in body and "编码格式正确" in body
    assert "produce" not in _kinds(response) and "deliver" not in _kinds(response)


def test_the_code_field_asks_for_the_check_while_typing(client, users):
    client.force_login(users.producer)
    body = client.get(URL).content.decode()
    assert 'hx-trigger="input changed delay:400ms, change"' in body
    assert "data-code-valid" not in body  # nothing typed, nothing said


def test_a_submitted_junk_code_is_refused_with_the_kind(client, users, pack):
    client.force_login(users.producer)
    response = client.post(URL, {"code": "ABC", "kind": "produce"})
    assert response.status_code == 200
    assert "第" in response.content.decode() and response.context["form"].errors
