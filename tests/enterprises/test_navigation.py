"""Each role's menu offers what the role can use, and marks where the user is."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from enterprises.models import Enterprise
from enterprises.navigation import menu_for
from tests.factories import enterprise_create, user_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def language_restored():
    """Requests in English leave English active in the thread (LocaleMiddleware): undo it."""
    with translation.override(translation.get_language()):
        yield


OUTLETS = reverse("enterprises:outlet_list")
REGISTER = reverse("batteries:pack_register")


def _labels(user, path: str = "") -> list[str]:
    return [str(item["label"]) for item in menu_for(user, path=path)]


def _admin_of(roles: list[str], status: str = Enterprise.Status.APPROVED):
    enterprise = enterprise_create(name=f"{roles[0]}企业", roles=roles, status=status)
    return user_of("enterprise_admin", enterprise=enterprise)


@pytest.mark.parametrize("role", ["dismantler", "utilizer", "dealer", "repair_shop"])
def test_enterprises_without_outlets_get_no_outlet_menu(role):
    labels = _labels(_admin_of([role]))
    assert "回收服务网点" not in labels
    assert "电池包" in labels and "本企业" in labels


@pytest.mark.parametrize("role", ["battery_producer", "vehicle_importer", "outlet_operator"])
def test_producers_and_outlet_operators_get_the_outlet_menu(role):
    assert "回收服务网点" in _labels(_admin_of([role]))


def test_only_dismantlers_among_enterprises_get_the_scrapped_vehicle_menu():
    assert "报废车辆" in _labels(_admin_of(["dismantler"]))
    assert "报废车辆" not in _labels(_admin_of(["battery_producer"]))
    assert "报废车辆" in _labels(user_of("national"))


@pytest.mark.parametrize("status", ["pending", "rejected", "suspended"])
def test_an_enterprise_not_approved_sees_a_short_menu(status):
    labels = _labels(_admin_of(["battery_producer"], status=status))
    assert labels == ["本企业", "编码校验"]


def test_an_approved_producer_admin_sees_its_whole_menu():
    labels = _labels(_admin_of(["battery_producer"]))
    assert labels == [
        "本企业",
        "电池包",
        "待我确认的移交",
        "数据导入",
        "编码校验",
        "我的案件",
        "统计分析",
        "回收服务网点",
        "API 密钥",
    ]


def test_operators_get_no_api_key_menu():
    enterprise = enterprise_create(name="甲电池有限公司")
    assert "API 密钥" not in _labels(user_of("enterprise_operator", enterprise=enterprise))


def test_regulators_get_the_desk_and_the_back_office_not_enterprise_pages():
    labels = _labels(user_of("provincial", province="32"))
    assert labels[:3] == ["企业审核", "企业名录", "案件审查"]
    assert "管理后台" in labels
    assert not {"本企业", "待我确认的移交", "API 密钥", "回收服务网点"} & set(labels)


def test_the_entry_of_the_page_and_of_its_sub_pages_is_marked_current():
    regulator = user_of("national")
    review = reverse("enterprises:review_list")
    current = [i["url"] for i in menu_for(regulator, path=review) if i["current"]]
    assert current == [review]  # not the directory at /enterprises/, its prefix
    pack = reverse("batteries:pack_detail", args=["D01PB01A1B2C3DG4F0000001"])
    current = [i["url"] for i in menu_for(regulator, path=pack) if i["current"]]
    assert current == [reverse("batteries:pack_list")]
    assert not [i for i in menu_for(regulator, path="/") if i["current"]]


def test_the_page_marks_the_current_entry_for_assistive_technology():
    client = Client()
    client.force_login(user_of("national"))
    body = client.get(reverse("batteries:pack_list")).content.decode()
    assert f'<a href="{reverse("batteries:pack_list")}" aria-current="page">' in body
    assert f'<a href="{reverse("batteries:code_check")}">' in body


def test_a_dismantler_is_not_offered_code_registration():
    client = Client()
    client.force_login(_admin_of(["dismantler"]))
    body = client.get(reverse("batteries:pack_list")).content.decode()
    assert REGISTER not in body
    producer = Client()
    producer.force_login(_admin_of(["battery_producer"]))
    assert REGISTER in producer.get(reverse("batteries:pack_list")).content.decode()


def test_the_language_menu_names_each_language_in_itself():
    client = Client()
    for language in ("zh-hans", "en"):
        client.cookies["django_language"] = language
        body = client.get(reverse("login")).content.decode()
        assert ">English</option>" in body and ">简体中文</option>" in body, language
        assert "英语" not in body
