"""Where the pages show a province, they show it in the page's language."""

import pytest
from django.urls import reverse
from django.utils import translation

from enterprises.models import Enterprise
from tests.factories import user_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def language_restored():
    with translation.override(translation.get_language()):
        yield


def test_the_model_choices_name_the_province_in_the_active_language():
    enterprise = Enterprise(division_code="320506", province="32")
    with translation.override("en"):
        assert enterprise.get_province_display() == "Jiangsu"
    with translation.override("zh-hans"):
        assert enterprise.get_province_display() == "江苏省"


def test_the_home_page_names_the_regulators_province_in_english(client):
    client.force_login(user_of("provincial", province="32"))
    client.cookies["django_language"] = "en"
    body = client.get(reverse("home")).content.decode()
    assert "Jiangsu" in body and "江苏省" not in body
    client.cookies["django_language"] = "zh-hans"
    assert "江苏省" in client.get(reverse("home")).content.decode()


def test_the_pack_list_province_filter_speaks_the_page_language(client):
    client.force_login(user_of("national"))
    client.cookies["django_language"] = "en"
    body = client.get(reverse("batteries:pack_list")).content.decode()
    assert ">Fujian</option>" in body and "福建省" not in body
