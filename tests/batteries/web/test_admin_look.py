"""The back office looks and speaks like the portal: colours, wording, labels not codes."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import user_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def national(db):
    client = Client()
    client.force_login(user_of("national"))
    return client


def test_the_back_office_uses_the_portal_colours_and_words(national):
    body = national.get(reverse("admin:index")).content.decode()
    assert "css/admin.css" in body and "dark_mode.css" not in body
    assert "退出登录" in body and "注销" not in body
    assert body.count(f'href="{reverse("home")}"') == 1 and "查看站点" not in body


def test_change_lists_take_the_whole_width(national, pack):
    page = national.get(reverse("admin:batteries_battery_change", args=[pack.pk]))
    changelist = national.get(reverse("admin:batteries_battery_changelist")).content.decode()
    assert 'id="nav-sidebar"' in page.content.decode()  # other pages keep the model menu
    assert 'id="nav-sidebar"' not in changelist


def test_the_battery_page_shows_labels_not_stored_codes(national, pack):
    url = reverse("admin:batteries_battery_change", args=[pack.pk])
    body = national.get(url).content.decode()
    assert "磷酸铁锂电池（B）" in body
    assert ">lfp<" not in body and "lfp</div>" not in body
    listing = national.get(reverse("admin:batteries_battery_changelist")).content.decode()
    assert "磷酸铁锂电池" in listing and pack.holder.name in listing


def test_the_export_page_names_columns_by_their_chinese_headers(national):
    body = national.get(reverse("admin:enterprises_whitelistentry_export")).content.decode()
    assert "企业名称" in body
    assert "Enterprise Name" not in body and "Announced On" not in body


def test_the_enterprise_form_offers_roles_as_labelled_checkboxes(national, parties):
    url = reverse("admin:enterprises_enterprise_change", args=[parties.producer.pk])
    body = national.get(url).content.decode()
    assert 'type="checkbox" name="roles" value="battery_producer"' in body
    assert "电池生产企业" in body and 'value="battery_producer,' not in body


def test_the_event_page_shows_its_details_as_labelled_text(national, parties, pack):
    from tests.batteries.web.conftest import drive

    drive(pack, "produce", parties)
    event = pack.events.order_by("seq").last()
    body = national.get(reverse("admin:batteries_lifecycleevent_change", args=[event.pk]))
    assert body.status_code == 200 and "补充信息" in body.content.decode()
