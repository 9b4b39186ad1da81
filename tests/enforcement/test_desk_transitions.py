"""Each review transition from the case page, and each refusal, as the official sees it.

The workflow of issue 8: detected → under review (an official takes it) → confirmed
(reason optional) or dismissed (reason required); every step by whom, when and why.
Provincial officials act on cases of their province only; enterprise users never act.
"""

import pytest

from enforcement.models import Case, CaseStep
from enforcement.services.cases import CaseRefused, case_act
from enforcement.services.review import case_review
from tests.enforcement.builders import HEADLINE, act, case_of, headline_scan, page_text, scrapped_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def jiangsu_case(desk) -> Case:
    """A headline case of the Jiangsu dismantler: a pack scrapped on 28 April, never handed
    over, found by the scan of 1 June."""
    scrapped_at(desk, scrapped="2026-04-28")
    headline_scan("2026-06-01")
    return Case.objects.get(enterprise=desk.dismantler)


def _steps(case: Case) -> list[tuple]:
    return list(
        CaseStep.objects.filter(case=case)
        .order_by("at", "pk")
        .values_list("action", "status_before", "status_after", "actor__username", "reason")
    )


def test_a_provincial_official_takes_a_new_case_and_it_moves_under_review(
    desk, client, jiangsu_case
):
    client.force_login(desk.jiangsu)
    response = act(client, jiangsu_case, "assign")
    assert response.status_code == 302
    page = page_text(client.get(response.url))
    assert f"已将案件 {jiangsu_case.number} 分配给 jiangsu-desk。" in page
    jiangsu_case.refresh_from_db()
    assert (jiangsu_case.status, jiangsu_case.assigned_to) == ("under_review", desk.jiangsu)
    assert _steps(jiangsu_case)[-1][:4] == ("assign", "detected", "under_review", "jiangsu-desk")
    assert "承办人 jiangsu-desk" in page


def test_another_official_takes_over_a_case_under_review(desk, client, jiangsu_case):
    case_act(case=jiangsu_case, actor=desk.jiangsu, action="assign")
    client.force_login(desk.jiangsu_2)
    assert act(client, jiangsu_case, "assign").status_code == 302
    jiangsu_case.refresh_from_db()
    assert (jiangsu_case.status, jiangsu_case.assigned_to) == ("under_review", desk.jiangsu_2)


def test_a_case_under_review_is_confirmed_with_its_reason(desk, client, jiangsu_case):
    case_act(case=jiangsu_case, actor=desk.jiangsu, action="assign")
    client.force_login(desk.jiangsu)
    response = act(client, jiangsu_case, "confirm", reason="报废后逾期未移交，证据确凿。")
    assert response.status_code == 302
    jiangsu_case.refresh_from_db()
    assert jiangsu_case.status == "confirmed"
    assert jiangsu_case.decision_reason == "报废后逾期未移交，证据确凿。"
    assert jiangsu_case.decided_at is not None
    assert _steps(jiangsu_case)[-1] == (
        "confirm",
        "under_review",
        "confirmed",
        "jiangsu-desk",
        "报废后逾期未移交，证据确凿。",
    )
    page = page_text(client.get(jiangsu_case.get_absolute_url()))
    assert f"已确认案件 {jiangsu_case.number}。" in page
    assert "确认 审查中 → 已确认 报废后逾期未移交，证据确凿。" in page  # the history row
    assert "分配给我" not in page  # nothing left to do on a confirmed case


def test_a_new_case_is_confirmed_without_a_reason_and_the_official_becomes_its_assignee(
    desk, client, jiangsu_case
):
    client.force_login(desk.national)
    assert act(client, jiangsu_case, "confirm", reason="").status_code == 302
    jiangsu_case.refresh_from_db()
    assert (jiangsu_case.status, jiangsu_case.assigned_to) == ("confirmed", desk.national)
    assert _steps(jiangsu_case)[-1][:3] == ("confirm", "detected", "confirmed")


def test_a_case_is_dismissed_with_its_reason(desk, client, jiangsu_case):
    client.force_login(desk.jiangsu)
    response = act(client, jiangsu_case, "dismiss", reason="该车辆为换电车型，电池属换电池。")
    assert response.status_code == 302
    jiangsu_case.refresh_from_db()
    assert jiangsu_case.status == "dismissed"
    assert _steps(jiangsu_case)[-1][:3] == ("dismiss", "detected", "dismissed")
    page = page_text(client.get(jiangsu_case.get_absolute_url()))
    assert "已驳回（不予立案）" in page and "该车辆为换电车型，电池属换电池。" in page


def test_dismissing_without_a_reason_is_refused_and_changes_nothing(desk, client, jiangsu_case):
    client.force_login(desk.jiangsu)
    response = act(client, jiangsu_case, "dismiss", reason="   ")
    assert response.status_code == 400
    assert "驳回必须填写理由。" in page_text(response)
    jiangsu_case.refresh_from_db()
    assert jiangsu_case.status == "detected"
    assert [s[0] for s in _steps(jiangsu_case)] == ["detect"]
    with pytest.raises(CaseRefused) as refused:
        case_act(case=jiangsu_case, actor=desk.jiangsu, action="dismiss", reason="")
    assert refused.value.code == "case.reason_required"


def test_a_dismissed_case_cannot_be_confirmed(desk, client, jiangsu_case):
    case_act(case=jiangsu_case, actor=desk.jiangsu, action="dismiss", reason="重复线索")
    client.force_login(desk.jiangsu)
    response = act(client, jiangsu_case, "confirm")
    assert response.status_code == 400
    assert "未能办理 案件当前状态为“已驳回（不予立案）”，不能执行该操作。" in page_text(response)
    jiangsu_case.refresh_from_db()
    assert jiangsu_case.status == "dismissed"
    assert [s[0] for s in _steps(jiangsu_case)] == ["detect", "dismiss"]


def test_a_provincial_official_cannot_act_outside_its_province(desk, client, jiangsu_case):
    client.force_login(desk.zhejiang)
    assert act(client, jiangsu_case, "assign").status_code == 404
    with pytest.raises(CaseRefused) as refused:
        case_act(case=jiangsu_case, actor=desk.zhejiang, action="assign")
    assert refused.value.code == "case.out_of_scope"
    jiangsu_case.refresh_from_db()
    assert (jiangsu_case.status, jiangsu_case.assigned_to) == ("detected", None)
    # The same action works for the official of the case's province.
    client.force_login(desk.jiangsu)
    assert act(client, jiangsu_case, "assign").status_code == 302


def test_an_enterprise_user_cannot_act_on_its_own_case(desk, client, jiangsu_case):
    client.force_login(desk.dismantler_user)
    page = client.get(jiangsu_case.get_absolute_url())
    assert page.status_code == 200 and jiangsu_case.number in page_text(page)
    assert 'name="action"' not in page.content.decode()  # read-only: no action forms
    response = act(client, jiangsu_case, "confirm", reason="自认")
    assert response.status_code == 403
    assert "只有监管人员可以办理案件。" in page_text(response)
    jiangsu_case.refresh_from_db()
    assert jiangsu_case.status == "detected"


def test_miit_assigns_a_case_to_an_official_of_its_province(desk, client, jiangsu_case):
    client.force_login(desk.national)
    page = client.get(jiangsu_case.get_absolute_url()).content.decode()
    assert "jiangsu-desk（江苏省）" in page and "zhejiang-desk" not in page  # the choices
    response = act(client, jiangsu_case, "assign", assignee=desk.jiangsu.pk)
    assert response.status_code == 302
    jiangsu_case.refresh_from_db()
    assert (jiangsu_case.status, jiangsu_case.assigned_to) == ("under_review", desk.jiangsu)
    assert _steps(jiangsu_case)[-1][3] == "miit-desk"  # the step names who dispatched it


def test_miit_cannot_assign_a_case_to_an_official_of_another_province(desk, client, jiangsu_case):
    client.force_login(desk.national)
    response = act(client, jiangsu_case, "assign", assignee=desk.zhejiang.pk)
    assert response.status_code == 400
    assert "所选人员不能承办该案件。" in page_text(response)
    jiangsu_case.refresh_from_db()
    assert jiangsu_case.assigned_to is None


def test_only_miit_hands_a_case_to_another_official(desk, jiangsu_case):
    with pytest.raises(CaseRefused) as refused:
        case_review(case=jiangsu_case, actor=desk.jiangsu, action="assign", assignee=desk.jiangsu_2)
    assert refused.value.code == "case.assign_others"
    taken = case_review(
        case=jiangsu_case, actor=desk.jiangsu, action="assign", assignee=desk.jiangsu
    )
    assert taken.assigned_to == desk.jiangsu


def test_the_history_shows_the_scans_filings_and_each_decision(desk, client):
    scrapped_at(desk, scrapped="2026-04-28")
    headline_scan("2026-06-01")
    scrapped_at(desk, scrapped="2026-05-06")  # due 26 May (9 May worked): found on 1 June too
    scrapped_at(desk, scrapped="2026-05-20")  # due 10 June: found by the scan of 11 June
    headline_scan("2026-06-11")
    case = Case.objects.get(enterprise=desk.dismantler, rule=HEADLINE)
    case_act(case=case, actor=desk.jiangsu, action="assign")
    case_act(case=case, actor=desk.jiangsu, action="confirm", reason="三件均逾期")
    client.force_login(desk.jiangsu)
    page = page_text(client.get(case.get_absolute_url()))
    history = page[page.index("办理记录") : page.index("违法线索与证据")]
    assert "系统（自动扫描） 扫描发现 新发现 新增 1 条违法线索" in history
    assert "系统（自动扫描） 扫描追加线索 新发现 新增 2 条违法线索" in history
    assert "jiangsu-desk 承办 新发现 → 审查中" in history
    assert "jiangsu-desk 确认 审查中 → 已确认 三件均逾期" in history


def test_an_enterprise_sees_its_history_without_the_officials_names(desk, client, jiangsu_case):
    case_act(case=jiangsu_case, actor=desk.jiangsu, action="dismiss", reason="已补报移交")
    client.force_login(desk.dismantler_user)
    page = page_text(client.get(jiangsu_case.get_absolute_url()))
    assert "监管部门 驳回 新发现 → 已驳回（不予立案） 已补报移交" in page
    assert "jiangsu-desk" not in page


def test_a_case_found_by_an_inserted_finding_follows_the_same_workflow(desk, client):
    case = case_of(desk.zhejiang_dismantler, "coding_violation", subject="T0XPB01")
    client.force_login(desk.zhejiang)
    assert act(client, case, "confirm").status_code == 302
    case.refresh_from_db()
    assert case.status == "confirmed"
