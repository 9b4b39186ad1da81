"""Self-registration: one form, clear errors per field, a pending enterprise at the end."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from enterprises.forms import RegistrationForm
from enterprises.models import Enterprise, ManufacturerCode, User
from tests.enterprises.conftest import BYD_USCC, CATL_USCC, pdf_upload, registration_data
from tests.factories import PASSWORD, enterprise_create

pytestmark = pytest.mark.django_db

REGISTER = reverse("enterprises:register")


def _errors(response, field: str) -> str:
    return " ".join(str(e) for e in response.context["form"].errors.get(field, []))


def _form(**overrides) -> RegistrationForm:
    data = registration_data(**overrides)
    document = data.pop("supporting_document")
    return RegistrationForm(data, {"supporting_document": document})


def test_the_login_page_links_to_the_registration_form(client):
    assert REGISTER in client.get(reverse("login")).content.decode()


def test_a_valid_public_uscc_passes_the_form():
    form = _form(uscc=BYD_USCC)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["uscc"] == BYD_USCC


def test_a_uscc_typed_in_lower_case_and_full_width_is_accepted():
    form = _form(uscc="９１３５０９００５８７５２７７８３p")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["uscc"] == CATL_USCC


def test_a_wrong_check_character_names_its_position_and_the_expected_character():
    form = _form(uscc=CATL_USCC[:-1] + "Q")
    assert not form.is_valid()
    message = " ".join(form.errors["uscc"])
    assert "第18位" in message
    assert "应为“P”" in message


def test_a_letter_outside_the_uscc_alphabet_names_the_allowed_characters():
    form = _form(uscc=CATL_USCC[:-1] + "O")
    assert not form.is_valid()
    message = " ".join(form.errors["uscc"])
    assert "第18位字符“O”无效" in message
    assert "不含I、O、S、V、Z" in message


def test_it_registers_a_pending_enterprise_with_its_administrator_and_codes(client):
    response = client.post(REGISTER, registration_data())
    assert response.status_code == 302
    assert response.url == reverse("enterprises:register_done")
    assert "待审核" in client.get(response.url).content.decode()

    enterprise = Enterprise.objects.get(uscc=CATL_USCC)
    assert enterprise.status == Enterprise.Status.PENDING
    assert enterprise.province == "35"
    assert enterprise.supporting_document.name.endswith(".pdf")
    assert sorted(
        ManufacturerCode.objects.filter(enterprise=enterprise).values_list("code", flat=True)
    ) == ["N01", "N02"]
    admin = User.objects.get(username="ningde-admin")
    assert admin.kind == User.Kind.ENTERPRISE_ADMIN
    assert admin.enterprise == enterprise
    assert not admin.is_staff
    assert enterprise.history.first().history_change_reason == "企业注册申请"


def test_the_new_administrator_logs_in_and_sees_the_pending_status(client):
    client.post(REGISTER, registration_data())
    assert client.login(username="ningde-admin", password=PASSWORD)
    assert "待审核" in client.get(reverse("home")).content.decode()
    assert "待审核" in client.get(reverse("enterprises:my_enterprise")).content.decode()


def test_it_refuses_a_uscc_with_a_wrong_check_character(client):
    response = client.post(REGISTER, registration_data(uscc=CATL_USCC[:-1] + "Q"))
    assert response.status_code == 200
    assert "第18位是校验码，应为“P”" in _errors(response, "uscc")
    assert not Enterprise.objects.exists()


def test_it_refuses_a_uscc_that_is_already_registered(client):
    enterprise_create(name="已注册企业", division="350902", seed=5)
    existing = Enterprise.objects.get().uscc
    response = client.post(REGISTER, registration_data(uscc=existing.lower()))
    assert "已经注册" in _errors(response, "uscc")
    assert Enterprise.objects.count() == 1
    assert not User.objects.filter(username="ningde-admin").exists()


def test_it_refuses_a_malformed_division_code(client):
    response = client.post(REGISTER, registration_data(division_code="35090"))
    assert "应为6位数字，实际为5位" in _errors(response, "division_code")


def test_it_refuses_a_division_code_of_an_unknown_province(client):
    response = client.post(REGISTER, registration_data(division_code="990101"))
    assert "省级代码“99”不存在" in _errors(response, "division_code")


def test_it_requires_the_qualification_number_of_a_dismantler(client):
    data = registration_data(roles=["dismantler"], manufacturer_codes="")
    response = client.post(REGISTER, data)
    assert "拆解资质证书编号" in _errors(response, "dismantler_qualification_no")
    data = registration_data(
        roles=["dismantler"], manufacturer_codes="", dismantler_qualification_no="商务部 3209-01"
    )
    assert client.post(REGISTER, data).status_code == 302


def test_it_refuses_a_manufacturer_code_another_enterprise_holds(client):
    other = enterprise_create(name="持码企业", seed=6)
    ManufacturerCode.objects.create(code="N02", enterprise=other, registered_on="2026-01-05")
    response = client.post(REGISTER, registration_data(manufacturer_codes="N01，n02"))
    assert "厂商代码“N02”已被其他企业备案" in _errors(response, "manufacturer_codes")
    assert not Enterprise.objects.filter(uscc=CATL_USCC).exists()
    assert not ManufacturerCode.objects.filter(code="N01").exists()


def test_it_refuses_a_malformed_manufacturer_code(client):
    response = client.post(REGISTER, registration_data(manufacturer_codes="N1"))
    assert "“N1”格式错误" in _errors(response, "manufacturer_codes")


def test_a_battery_producer_must_declare_a_manufacturer_code(client):
    response = client.post(REGISTER, registration_data(manufacturer_codes=""))
    assert "至少填写一个厂商代码" in _errors(response, "manufacturer_codes")


def test_it_refuses_two_different_passwords(client):
    response = client.post(REGISTER, registration_data(password_confirm=PASSWORD + "x"))
    assert "两次输入的密码不一致" in _errors(response, "password_confirm")
    assert not Enterprise.objects.exists()


def test_it_refuses_a_weak_password_with_djangos_validators(client):
    response = client.post(
        REGISTER, registration_data(password="12345678", password_confirm="12345678")
    )
    assert _errors(response, "password")
    assert not Enterprise.objects.exists()


def test_it_refuses_a_taken_username(client):
    User.objects.create(username="ningde-admin", kind="national")
    response = client.post(REGISTER, registration_data())
    assert _errors(response, "username")
    assert not Enterprise.objects.exists()


def test_it_refuses_a_document_that_is_not_a_pdf_or_image(client):
    bogus = SimpleUploadedFile(
        "licence.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    response = client.post(REGISTER, registration_data(supporting_document=bogus))
    assert "不是有效的 PDF 文件" in _errors(response, "supporting_document")
    exe = SimpleUploadedFile("licence.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(REGISTER, registration_data(supporting_document=exe))
    assert "PDF、JPG 或 PNG" in _errors(response, "supporting_document")


def test_it_refuses_a_document_larger_than_10_mb(client):
    big = SimpleUploadedFile("scan.png", b"\x89PNG\r\n\x1a\n" + b"0" * (10 * 1024 * 1024))
    response = client.post(REGISTER, registration_data(supporting_document=big))
    assert "不能超过 10 MB" in _errors(response, "supporting_document")


def test_it_shows_all_field_errors_of_one_submission_at_once(client):
    response = client.post(
        REGISTER,
        registration_data(
            uscc="123",
            division_code="99",
            password_confirm="other",
            supporting_document=pdf_upload(),
        ),
    )
    errors = response.context["form"].errors
    assert {"uscc", "division_code", "password_confirm"} <= set(errors)


def test_one_address_that_submits_too_often_is_told_to_wait_and_nothing_is_saved(client, settings):
    settings.REGISTRATION_ATTEMPTS_PER_HOUR = 2
    bad = registration_data(uscc="913500000000000000")  # refused by the form, still counted
    for _ in range(2):
        assert client.post(REGISTER, bad).status_code == 200

    response = client.post(REGISTER, registration_data())

    assert response.status_code == 429
    assert "注册申请过于频繁" in response.content.decode()
    assert not Enterprise.objects.filter(uscc=CATL_USCC).exists()
    # Another address is not affected.
    other = client.post(REGISTER, registration_data(), REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 302
    assert Enterprise.objects.filter(uscc=CATL_USCC).exists()


def test_reading_the_form_is_never_limited(client, settings):
    settings.REGISTRATION_ATTEMPTS_PER_HOUR = 0
    assert client.get(REGISTER).status_code == 200
