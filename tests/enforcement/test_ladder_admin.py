"""The back office of the ladder: MIIT edits an authority's name and number prefix (with
a reason kept in the history); provinces read; documents are listed by scope."""

import pytest
from django.urls import reverse

from enforcement.models import Authority
from enforcement.sanctions import services as ladder
from tests.enforcement.ladder import confirmed, ordered
from tests.enforcement.scenario import at

pytestmark = pytest.mark.django_db


def test_every_mainland_province_has_its_department_and_prefix_seeded(desk):
    assert Authority.objects.count() == 32
    jiangsu = Authority.objects.get(province="32")
    assert (jiangsu.name, jiangsu.number_prefix) == ("江苏省工业和信息化厅", "苏工信")
    assert Authority.objects.get(code="miit").name == "中华人民共和国工业和信息化部"


def test_miit_renames_a_prefix_with_a_reason_and_the_next_number_carries_it(client, desk):
    jiangsu = Authority.objects.get(province="32")
    url = reverse("admin:enforcement_authority_change", args=[jiangsu.pk])
    data = {"code": "32", "province": "32", "name": jiangsu.name, "number_prefix": "苏工信执"}
    client.force_login(desk.national)
    refused = client.post(url, data)
    assert refused.status_code == 200 and "请填写修改理由" in refused.content.decode()
    assert client.post(url, data | {"change_reason": "省厅来函更正文号"}).status_code == 302
    assert jiangsu.history.first().history_change_reason == "省厅来函更正文号"
    order = ladder.order_issue(case=confirmed(desk), actor=desk.jiangsu, now=at("2026-11-02"))
    assert order.number == "苏工信执改〔2026〕1号"
    client.force_login(desk.jiangsu)
    assert client.get(reverse("admin:enforcement_authority_changelist")).status_code == 200
    assert client.post(url, data | {"change_reason": "越权"}).status_code == 403


def test_the_documents_changelist_shows_a_province_its_own_documents_only(client, desk):
    _case, mine = ordered(desk)
    _case, other = ordered(desk, enterprise=desk.zhejiang_dismantler)
    client.force_login(desk.jiangsu)
    page = client.get(reverse("admin:enforcement_document_changelist")).content.decode()
    assert f">{mine.number}<" in page and f">{other.number}<" not in page  # 工信改 ⊂ 苏工信改
    client.force_login(desk.national)
    page = client.get(reverse("admin:enforcement_document_changelist")).content.decode()
    assert f">{mine.number}<" in page and f">{other.number}<" in page
