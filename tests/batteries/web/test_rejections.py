"""Refused codes from the registration form, and the page and admin that show them."""

import pytest
from django.urls import reverse

from batteries.models import Battery, Channel, CodeRejection
from batteries.services.packs import PackInput, packs_register
from tests.batteries.builders import code_for, pack_create, producer_create
from tests.factories import user_of

pytestmark = pytest.mark.django_db

REGISTER = reverse("batteries:pack_register")
PAGE = reverse("batteries:code_rejection_list")
BAD_TYPE = "T01XB01A1B2C3DG4F0000002"  # position 4: product type X does not exist
FUTURE = "T01PB01A1B2C3DT110000001"  # produced 2036-01-01
NO_SUCH_DAY = "T01PB01A1B2C3DB2Y0000001"  # 2021-02-31 (or 30 in the other reading)


def logged(enterprise=None) -> set[tuple[str, str]]:
    rows = CodeRejection.objects.all()
    if enterprise is not None:
        rows = rows.filter(enterprise=enterprise)
    return set(rows.values_list("code", "error_code"))


@pytest.fixture
def jiangsu_producer(db):
    return producer_create(name="苏电池有限公司", division="320506", mfr="J01", seed=77)


# --- The form logs what it refuses --------------------------------------------------------------


def test_the_form_logs_every_code_it_refuses_although_it_registers_nothing(
    client, users, parties, jiangsu_producer
):
    taken = pack_create(jiangsu_producer, mfr="J01")
    good, foreign, unknown = code_for("T01"), code_for("J01"), code_for("ZZ9")
    codes = [good, BAD_TYPE, FUTURE, NO_SUCH_DAY, foreign, unknown, taken.code]
    client.force_login(users.producer)

    response = client.post(REGISTER, {"codes": "\n".join(codes)})

    assert response.status_code == 200 and not Battery.objects.filter(code=good).exists()
    assert logged(parties.producer) == {
        (BAD_TYPE, "code.product_type"),
        (FUTURE, "code.date_future"),
        (NO_SUCH_DAY, "code.date_invalid"),
        (foreign, "code.manufacturer_not_own"),
        (unknown, "code.manufacturer_unregistered"),
        (taken.code, "code.duplicate"),
    }
    row = CodeRejection.objects.get(code=taken.code)
    assert (row.channel, row.attempts, row.import_batch) == (Channel.WEB, 1, None)
    assert row.message == f"电池编码已登记：{taken.code}"


def test_submitting_a_refused_code_again_counts_up_its_attempts(client, users, parties):
    client.force_login(users.producer)
    client.post(REGISTER, {"codes": BAD_TYPE})
    first = CodeRejection.objects.get()

    client.post(REGISTER, {"codes": BAD_TYPE.lower()})  # typed in lower case: the same code

    row = CodeRejection.objects.get()
    assert row.attempts == 2 and row.first_at == first.first_at and row.last_at > first.last_at


def test_the_producers_own_registered_code_is_refused_and_logged_as_a_duplicate(
    client, users, parties, pack
):
    client.force_login(users.producer)
    response = client.post(REGISTER, {"codes": pack.code})
    assert "已登记" in response.content.decode()
    assert logged(parties.producer) == {(pack.code, "code.duplicate")}


def test_a_code_typed_twice_in_one_submission_is_not_logged_as_registered(client, users):
    code = code_for("T01")
    client.force_login(users.producer)
    response = client.post(REGISTER, {"codes": f"{code}\n{code}"})
    assert "已登记" in response.content.decode()  # refused: the second line repeats the first
    assert not CodeRejection.objects.exists()  # but no code of the registry was submitted again


def test_a_parent_problem_is_not_a_coding_violation(client, users, parties):
    client.force_login(users.producer)
    module = code_for("T01", product_type="M")
    response = client.post(REGISTER, {"codes": module, "parent_code": code_for("T01")})
    assert "上级编码未登记" in response.content.decode()
    assert not CodeRejection.objects.exists()
    client.post(REGISTER, {"codes": BAD_TYPE, "parent_code": code_for("T01")})
    assert logged() == {(BAD_TYPE, "code.product_type")}


def test_a_submitter_reading_english_still_leaves_the_message_in_chinese(client, users, pack):
    client.force_login(users.producer)
    response = client.post(REGISTER, {"codes": pack.code}, HTTP_ACCEPT_LANGUAGE="en")
    assert f"Battery code already registered: {pack.code}" in response.content.decode()
    assert CodeRejection.objects.get().message == f"电池编码已登记：{pack.code}"


def test_checking_codes_before_printing_labels_logs_nothing(client, users, parties):
    client.force_login(users.producer)
    response = client.post(reverse("batteries:code_check"), {"codes": f"{BAD_TYPE}\n{FUTURE}"})
    assert "有误" in response.content.decode()
    assert not CodeRejection.objects.exists()

    client.post(REGISTER, {"codes": f"{BAD_TYPE}\n{FUTURE}"})  # submitting them is another thing
    assert logged(parties.producer) == {
        (BAD_TYPE, "code.product_type"),
        (FUTURE, "code.date_future"),
    }


# --- The page of refused codes ------------------------------------------------------------------


@pytest.fixture
def refusals(parties, jiangsu_producer):
    """One refused code of the Fujian producer (T01), one of the Jiangsu producer (J01)."""
    fujian_bad, jiangsu_bad = BAD_TYPE, "J01XB01A1B2C3DG4F0000009"
    for code, producer in ((fujian_bad, parties.producer), (jiangsu_bad, jiangsu_producer)):
        result = packs_register(
            items=[PackInput(code=code)], reporter=producer, channel=Channel.API
        )
        assert not result.ok
    return fujian_bad, jiangsu_bad


def page_body(client, user, **query) -> str:
    client.force_login(user)
    response = client.get(PAGE, query)
    assert response.status_code == 200
    return response.content.decode()


def test_an_enterprise_sees_its_own_refused_codes_and_never_another_enterprises(
    client, users, refusals, jiangsu_producer
):
    fujian_bad, jiangsu_bad = refusals
    body = page_body(client, users.producer)
    assert fujian_bad in body and jiangsu_bad not in body
    assert "第4位产品类型代码“X”无效" in body and "接口上报" in body

    body = page_body(client, user_of("enterprise_operator", enterprise=jiangsu_producer))
    assert jiangsu_bad in body and fujian_bad not in body


def test_a_provincial_regulator_sees_its_provinces_enterprises_and_a_national_one_all(
    client, users, refusals
):
    fujian_bad, jiangsu_bad = refusals
    body = page_body(client, users.fujian)
    assert fujian_bad in body and jiangsu_bad not in body and "甲电池有限公司" in body
    body = page_body(client, users.jiangsu)
    assert jiangsu_bad in body and fujian_bad not in body
    body = page_body(client, users.national)
    assert fujian_bad in body and jiangsu_bad in body and "苏电池有限公司" in body


def test_the_page_narrows_to_a_code_prefix(client, users, refusals):
    fujian_bad, jiangsu_bad = refusals
    body = page_body(client, users.national, code="j01x")
    assert jiangsu_bad in body and fujian_bad not in body


def test_an_anonymous_visitor_is_sent_to_log_in(client, users, refusals):
    response = client.get(PAGE)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert refusals[0] in page_body(client, users.producer)  # the owner, logged in, sees it


def test_the_registration_page_links_to_the_refused_codes(client, users):
    client.force_login(users.producer)
    assert PAGE in client.get(REGISTER).content.decode()


# --- The back office ----------------------------------------------------------------------------


def test_regulators_list_refused_codes_in_the_admin_within_their_scope_read_only(
    client, users, refusals
):
    fujian_bad, jiangsu_bad = refusals
    url = reverse("admin:batteries_coderejection_changelist")
    client.force_login(users.national)
    body = client.get(url).content.decode()
    assert fujian_bad in body and jiangsu_bad in body
    assert reverse("admin:batteries_coderejection_add") not in body
    assert client.get(reverse("admin:batteries_coderejection_add")).status_code == 403
    found = client.get(url, {"q": "j01"}).content.decode()
    assert jiangsu_bad in found and fujian_bad not in found

    client.force_login(users.fujian)
    body = client.get(url).content.decode()
    assert fujian_bad in body and jiangsu_bad not in body
    row = CodeRejection.objects.get(code=jiangsu_bad)
    change = reverse("admin:batteries_coderejection_change", args=[row.pk])
    assert client.get(change).status_code == 302  # the admin's "does not exist" redirect

    client.force_login(users.producer)  # enterprises use the portal page, not the back office
    assert reverse("admin:login") in client.get(url)["Location"]
