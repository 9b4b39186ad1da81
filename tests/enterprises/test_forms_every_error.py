"""Forms report every error of a submission at once; the registration form keeps the upload."""

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import translation

from enterprises.models import Enterprise, ManufacturerCode
from enterprises.views.registration import KEPT_SESSION_KEY
from tests.enterprises.conftest import CATL_USCC, registration_data
from tests.factories import enterprise_create, user_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def language_restored():
    """Requests in English leave English active in the thread (LocaleMiddleware): undo it."""
    with translation.override(translation.get_language()):
        yield


REGISTER = reverse("enterprises:register")


def _errors(response) -> dict[str, str]:
    return {
        f: " ".join(str(e) for e in errs) for f, errs in response.context["form"].errors.items()
    }


@pytest.fixture
def taken(db):
    """An enterprise holding manufacturer code N01 and a user named taken-admin."""
    owner = enterprise_create(name="已注册电池有限公司", seed=77)
    ManufacturerCode.objects.create(code="N01", enterprise=owner, registered_on="2026-01-01")
    user_of("enterprise_admin", enterprise=owner, username="taken-admin")
    return owner


def test_one_submission_shows_every_error_of_the_application(client, taken):
    data = registration_data(
        uscc=CATL_USCC[:-1] + "Q",
        division_code="999999",
        roles=["battery_producer", "dismantler"],
        manufacturer_codes="N01",
        username="taken-admin",
        password="abc",
        password_confirm="abc",
        contact_phone="abc",
        phone="电话",
    )
    errors = _errors(client.post(REGISTER, data))
    assert "第18位" in errors["uscc"]
    assert "省级代码" in errors["division_code"]
    assert "拆解资质" in errors["dismantler_qualification_no"]
    assert "N01" in errors["manufacturer_codes"]
    assert "已存在" in errors["username"]
    assert "电话号码“abc”无效" in errors["contact_phone"]
    assert "电话号码“电话”无效" in errors["phone"]
    assert not Enterprise.objects.filter(uscc=CATL_USCC[:-1] + "Q").exists()


def test_the_password_error_is_in_one_language(client):
    for language, expected in (("zh-hans", "密码太短：至少需要 8 个字符。"), ("en", "short")):
        client.cookies["django_language"] = language
        data = registration_data(password="abc", password_confirm="abc")
        errors = _errors(client.post(REGISTER, data))["password"]
        assert expected in errors, (language, errors)
        if language == "zh-hans":
            assert "This password" not in errors


def test_a_registered_uscc_is_reported_with_the_other_errors(client, taken):
    errors = _errors(client.post(REGISTER, registration_data(uscc=taken.uscc, phone="abc")))
    assert "已经注册" in errors["uscc"] and "phone" in errors


def test_the_page_lists_all_errors_at_the_top_with_links_to_the_fields(client, taken):
    body = client.post(REGISTER, registration_data(username="taken-admin", phone="abc"))
    html = body.content.decode()
    assert 'id="form-errors"' in html
    assert 'href="#id_username"' in html and 'href="#id_phone"' in html


def test_an_uploaded_document_is_kept_when_other_fields_fail(client):
    response = client.post(REGISTER, registration_data(phone="abc"))
    html = response.content.decode()
    assert "已收到文件“营业执照.pdf”" in html
    kept = client.session[KEPT_SESSION_KEY]
    assert default_storage.exists(kept["path"])

    # The second round sends no file: the kept one is used and then cleaned away.
    data = registration_data()
    data.pop("supporting_document")
    second = client.post(REGISTER, data)
    assert second.status_code == 302, second.context["form"].errors
    enterprise = Enterprise.objects.get(uscc=CATL_USCC)
    assert enterprise.supporting_document.read().startswith(b"%PDF-")
    assert not default_storage.exists(kept["path"])
    assert KEPT_SESSION_KEY not in client.session


def test_without_an_upload_the_document_is_still_required(client):
    data = registration_data()
    data.pop("supporting_document")
    errors = _errors(client.post(REGISTER, data))
    assert "supporting_document" in errors
    assert "已收到文件" not in client.post(REGISTER, data).content.decode()


def test_a_document_that_fails_its_check_is_not_kept(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("licence.pdf", b"not a pdf at all")
    response = client.post(REGISTER, registration_data(supporting_document=fake, phone="abc"))
    assert "supporting_document" in _errors(response)
    assert KEPT_SESSION_KEY not in client.session


@pytest.mark.parametrize("phone", ["0591-88888888", "+86 591 8888 8888", "138 0000 0000"])
def test_common_ways_of_writing_a_phone_number_pass(client, phone):
    data = registration_data(contact_phone=phone, phone=phone)
    assert client.post(REGISTER, data).status_code == 302


# --- Outlets --------------------------------------------------------------------------------


def test_the_outlet_form_reports_the_operator_with_the_other_errors(client, admin_a):
    client.force_login(admin_a)
    data = {
        "name": "",
        "address": "福州市鼓楼区",
        "division_code": "990101",
        "status": "active",
        "operator_uscc": "91350000000000000X",
    }
    response = client.post(reverse("enterprises:outlet_create"), data)
    errors = _errors(response)
    assert set(errors) >= {"name", "division_code", "operator_uscc"}
    assert "未在平台登记或未获批准" in errors["operator_uscc"] or "第" in errors["operator_uscc"]


def test_the_outlet_form_accepts_an_approved_operator(client, admin_a, enterprise_b):
    client.force_login(admin_a)
    data = {
        "name": "福州回收网点",
        "address": "福州市鼓楼区",
        "division_code": "350102",
        "status": "active",
        "operator_uscc": enterprise_b.uscc.lower(),
    }
    assert client.post(reverse("enterprises:outlet_create"), data).status_code == 302


# --- Packs ----------------------------------------------------------------------------------


def test_the_pack_form_reports_the_codes_with_a_wrong_mass(client, db):
    from tests.batteries.builders import code_for, producer_create

    producer = producer_create()
    client.force_login(user_of("enterprise_operator", enterprise=producer))
    bad = code_for("T01")
    bad = bad[:4] + "X" + bad[5:]
    response = client.post(reverse("batteries:pack_register"), {"codes": bad, "mass_kg": "-3"})
    errors = _errors(response)
    assert "mass_kg" in errors and "第5位" in errors["codes"]
    good = client.post(reverse("batteries:pack_register"), {"codes": code_for("T01")})
    assert good.status_code == 302
