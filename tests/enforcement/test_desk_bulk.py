"""Bulk actions on the ticked cases of a queue: each case handled on its own, the page says
how many succeeded and lists each refusal with its reason; a bad form shows every error."""

import pytest
from django.urls import reverse

from enforcement.models import Case
from enforcement.services.cases import case_act
from tests.enforcement.builders import case_of, page_text

pytestmark = pytest.mark.django_db

BULK = reverse("enforcement:case_bulk")


@pytest.fixture
def mixed(desk):
    """Three Jiangsu cases of the dismantler: one new, one confirmed, one dismissed."""
    new = case_of(desk.dismantler, "late_reporting", subject="T01PB01A1B2C3DG4F0000001")
    confirmed = case_of(desk.dismantler, "coding_violation", subject="XYZPB01")
    case_act(case=confirmed, actor=desk.jiangsu, action="confirm")
    dismissed = case_of(desk.dismantler, "prohibited_reuse", subject="T01PB01A1B2C3DG4F0000002")
    case_act(case=dismissed, actor=desk.jiangsu, action="dismiss", reason="用途申报错误")
    return new, confirmed, dismissed


def test_a_bulk_confirm_confirms_the_open_case_and_lists_each_refusal(desk, client, mixed):
    new, confirmed, dismissed = mixed
    client.force_login(desk.jiangsu)
    response = client.post(
        f"{BULK}?queue=open",
        {"action": "confirm", "reason": "批量确认", "cases": [new.pk, confirmed.pk, dismissed.pk]},
    )
    assert response.status_code == 302 and response.url == "/enforcement/cases/?queue=open"
    text = page_text(client.get(response.url))
    assert "确认：成功 1 件，未能办理 2 件。" in text
    assert f"{confirmed.number} · 苏拆解公司：案件当前状态为“已确认”，不能执行该操作。" in text
    assert (
        f"{dismissed.number} · 苏拆解公司：案件当前状态为“已驳回（不予立案）”，不能执行该操作。"
        in text
    )
    statuses = dict(Case.objects.values_list("pk", "status"))
    assert statuses == {new.pk: "confirmed", confirmed.pk: "confirmed", dismissed.pk: "dismissed"}
    new.refresh_from_db()
    assert new.decision_reason == "批量确认"


def test_a_bulk_assign_takes_each_case_and_fills_my_queue(desk, client):
    cases = [
        case_of(desk.dismantler, rule, subject=f"S{n}")
        for n, rule in enumerate(("late_reporting", "coding_violation", "outlet_coverage_gap"))
    ]
    client.force_login(desk.jiangsu)
    response = client.post(BULK, {"action": "assign", "cases": [c.pk for c in cases]}, follow=True)
    text = page_text(response)
    assert "分配给我：成功 3 件，未能办理 0 件。" in text
    assert "新发现 0" in text
    mine = page_text(client.get("/enforcement/cases/?queue=mine"))
    assert "分配给我 3" in mine and all(c.number in mine for c in cases)
    assert set(Case.objects.values_list("status", "assigned_to")) == {
        ("under_review", desk.jiangsu.pk)
    }


def test_a_bulk_dismiss_needs_a_reason_and_a_case_and_says_both_at_once(desk, client, mixed):
    new, *_ = mixed
    client.force_login(desk.jiangsu)
    response = client.post(BULK, {"action": "dismiss", "reason": ""})
    assert response.status_code == 400
    text = page_text(response)
    assert "请至少勾选一件案件。" in text and "驳回必须填写理由。" in text
    new.refresh_from_db()
    assert new.status == "detected"


def test_a_bulk_dismiss_without_a_reason_keeps_the_ticked_cases_ticked(desk, client, mixed):
    new, *_ = mixed
    client.force_login(desk.jiangsu)
    response = client.post(f"{BULK}?queue=new", {"action": "dismiss", "cases": [new.pk]})
    assert response.status_code == 400
    assert f'value="{new.pk}" form="bulk-form" aria-label="选择案件 {new.number}" checked' in (
        response.content.decode()
    )
    new.refresh_from_db()
    assert new.status == "detected"


def test_a_bulk_dismiss_with_a_reason_dismisses_each_open_case(desk, client, mixed):
    new, confirmed, _ = mixed
    client.force_login(desk.national)
    response = client.post(
        BULK,
        {"action": "dismiss", "reason": "数据错误", "cases": [new.pk, confirmed.pk]},
        follow=True,
    )
    assert "驳回：成功 1 件，未能办理 1 件。" in page_text(response)
    new.refresh_from_db()
    assert (new.status, new.decision_reason, new.assigned_to) == (
        "dismissed",
        "数据错误",
        desk.national,
    )
