"""Builders for the enterprise tests: a registration form's data and uploadable documents."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import PASSWORD

CATL_USCC = "91350900587527783P"  # public, passes both check characters
BYD_USCC = "91440300192317458F"


def pdf_upload(name: str = "营业执照.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% demo licence\n", content_type="application/pdf")


def registration_data(**overrides) -> dict:
    """Return a valid registration POST for a battery producer; override any field."""
    data = {
        "name": "宁德示例新能源科技有限公司",
        "uscc": CATL_USCC,
        "address": "福建省宁德市蕉城区示例路1号",
        "division_code": "350902",
        "contact_name": "陈联系",
        "contact_phone": "0593-0000000",
        "contact_email": "contact@ningde.example.cn",
        "roles": ["battery_producer"],
        "dismantler_qualification_no": "",
        "manufacturer_codes": "N01, N02",
        "supporting_document": pdf_upload(),
        "username": "ningde-admin",
        "full_name": "林管理",
        "email": "admin@ningde.example.cn",
        "phone": "13800000000",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
    }
    data.update(overrides)
    return data


@pytest.fixture
def jiangsu_regulator(db):
    from tests.factories import user_of

    return user_of("provincial", province="32")
