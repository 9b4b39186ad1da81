"""Who sees which cases, findings, evidence and pack pages: MIIT everything, a province its
enterprises' cases, an enterprise its own. Every hidden check is paired with the same page
working for a user allowed to see it."""

import pytest
from django.test import Client
from django.urls import reverse

from enforcement import selectors
from enforcement.models import Case, Finding
from tests.enforcement.builders import headline_scan, page_text, scrapped_at
from tests.scoping import assert_page_hides, assert_sees_only

pytestmark = pytest.mark.django_db

LIST = "/enforcement/cases/"


@pytest.fixture
def two_cases(desk):
    """One headline case in Jiangsu (苏拆解公司) and one in Zhejiang (浙拆解公司)."""
    jiangsu_pack = scrapped_at(desk, scrapped="2026-04-28")
    zhejiang_pack = scrapped_at(desk, scrapped="2026-04-28", dismantler=desk.zhejiang_dismantler)
    headline_scan("2026-06-01")
    return (
        Case.objects.get(enterprise=desk.dismantler),
        Case.objects.get(enterprise=desk.zhejiang_dismantler),
        jiangsu_pack,
        zhejiang_pack,
    )


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_selectors_scope_cases_and_findings(desk, two_cases):
    js_case, zj_case, js_pack, zj_pack = two_cases
    for user, allowed, forbidden in (
        (desk.jiangsu, js_case, zj_case),
        (desk.zhejiang, zj_case, js_case),
        (desk.dismantler_user, js_case, zj_case),
        (desk.zhejiang_user, zj_case, js_case),
    ):
        assert_sees_only(selectors.case_list(user=user, queue="open"), [allowed], [forbidden])
        assert_sees_only(
            Finding.objects.scoped_for(user), allowed.findings.all(), forbidden.findings.all()
        )
    everything = selectors.case_list(user=desk.national, queue="open")
    assert set(everything) == {js_case, zj_case}


def test_queue_counts_cover_only_the_users_scope(desk, two_cases):
    assert selectors.case_queue_counts(user=desk.national) == {
        "new": 2,
        "mine": 0,
        "open": 2,
        "confirmed": 0,
        "dismissed": 0,
    }
    assert selectors.case_queue_counts(user=desk.jiangsu)["open"] == 1
    assert selectors.case_queue_counts(user=desk.dismantler_user) == {
        "all": 1,
        "open": 1,
        "confirmed": 0,
        "dismissed": 0,
    }


def test_a_province_sees_its_enterprises_cases_in_the_queue_and_not_others(desk, two_cases):
    # Zhejiang's desk lists its own dismantler; Jiangsu's desk never shows it.
    assert_page_hides(
        _client(desk.jiangsu), LIST, ["浙拆解公司"], owner_client=_client(desk.zhejiang)
    )
    assert_page_hides(
        _client(desk.zhejiang), LIST, ["苏拆解公司"], owner_client=_client(desk.jiangsu)
    )
    national = page_text(_client(desk.national).get(LIST))
    assert "苏拆解公司" in national and "浙拆解公司" in national
    assert "全国全部 2" in national and "本省全部" not in national
    assert "本省全部 1" in page_text(_client(desk.jiangsu).get(LIST))


def test_an_enterprise_sees_only_its_own_cases_under_my_cases(desk, two_cases):
    js_case, zj_case, *_ = two_cases
    assert_page_hides(
        _client(desk.zhejiang_user),
        LIST,
        [js_case.number],
        owner_client=_client(desk.dismantler_user),
    )
    page = _client(desk.dismantler_user).get(LIST)
    text = page_text(page)
    assert text.startswith("我的案件") and "报废车辆电池未按期移交" in text
    assert "全部 1 未办结 1 已确认 0 已驳回 0" in text  # its queues, its own counts
    assert zj_case.number not in text
    assert 'name="cases"' not in page.content.decode()  # no bulk actions for enterprises


def test_a_case_page_answers_404_outside_the_users_scope(desk, two_cases):
    js_case, zj_case, *_ = two_cases
    url = js_case.get_absolute_url()
    for user in (desk.jiangsu, desk.national, desk.dismantler_user):
        response = _client(user).get(url)
        assert response.status_code == 200 and js_case.number in page_text(response)
    for user in (desk.zhejiang, desk.zhejiang_user):
        assert _client(user).get(url).status_code == 404
    assert _client(desk.zhejiang_user).get(zj_case.get_absolute_url()).status_code == 200


def test_the_evidence_links_open_pack_pages_the_user_may_read(desk, two_cases):
    js_case, _, js_pack, zj_pack = two_cases
    scrap_event = js_pack.events.get(kind="scrap_vehicle")
    link = f'href="/batteries/packs/{js_pack.code}/#event-{scrap_event.seq}"'
    for user in (desk.jiangsu, desk.dismantler_user):
        client = _client(user)
        page = client.get(js_case.get_absolute_url()).content.decode()
        assert link in page
        pack_page = client.get(js_pack.get_absolute_url())
        assert pack_page.status_code == 200 and js_pack.code in pack_page.content.decode()
    # The other province and the other enterprise can open neither the case nor the pack.
    for user in (desk.zhejiang, desk.zhejiang_user):
        assert _client(user).get(js_pack.get_absolute_url()).status_code == 404
    assert _client(desk.zhejiang).get(zj_pack.get_absolute_url()).status_code == 200


def test_the_evidence_of_a_pack_the_user_cannot_open_is_shown_without_a_link(desk, two_cases):
    js_case, *_ = two_cases
    rows = selectors.finding_rows(user=desk.zhejiang, findings=js_case.findings.all())
    [row] = rows
    assert not row.subject_linked and not row.evidence[0].linked
    [allowed] = selectors.finding_rows(user=desk.jiangsu, findings=js_case.findings.all())
    assert allowed.subject_linked and allowed.evidence[0].linked


def test_a_bulk_action_cannot_reach_a_case_outside_the_province(desk, two_cases):
    js_case, zj_case, *_ = two_cases
    response = _client(desk.jiangsu).post(
        reverse("enforcement:case_bulk"),
        {"action": "assign", "cases": [zj_case.pk, js_case.pk]},
        follow=True,
    )
    text = page_text(response)
    assert "分配给我：成功 1 件，未能办理 1 件。" in text
    assert "1 件案件未找到或无权查看。" in text
    zj_case.refresh_from_db()
    js_case.refresh_from_db()
    assert zj_case.assigned_to is None and js_case.assigned_to == desk.jiangsu


def test_enterprise_users_cannot_post_bulk_actions(desk, two_cases):
    js_case, *_ = two_cases
    response = _client(desk.dismantler_user).post(
        reverse("enforcement:case_bulk"), {"action": "confirm", "cases": [js_case.pk]}
    )
    assert response.status_code == 403
    js_case.refresh_from_db()
    assert js_case.status == "detected"


def test_the_navigation_names_the_desk_for_officials_and_my_cases_for_enterprises(desk, two_cases):
    # The menu only: the home page's to-do list names "分配给我的案件" on its own.
    def menu(user) -> str:
        page = _client(user).get("/").content.decode()
        nav = page[page.index('aria-label="主导航"') :]
        return nav[: nav.index("</nav>")]

    official, enterprise = menu(desk.jiangsu), menu(desk.dismantler_user)
    assert f'<a href="{LIST}">案件审查</a>' in official and "我的案件" not in official
    assert f'<a href="{LIST}">我的案件</a>' in enterprise and "案件审查" not in enterprise


# --- The back office ---------------------------------------------------------------------------


def test_the_admin_changelists_are_scoped_to_the_province(desk, two_cases):
    for url in ("/admin/enforcement/case/", "/admin/enforcement/finding/"):
        assert_page_hides(
            _client(desk.jiangsu), url, ["浙拆解公司"], owner_client=_client(desk.zhejiang)
        )
        everything = _client(desk.national).get(url).content.decode()
        assert "浙拆解公司" in everything and "苏拆解公司" in everything


def test_the_admin_is_read_only_and_closed_to_enterprise_users(desk, two_cases):
    js_case, *_ = two_cases
    national = _client(desk.national)
    change = national.get(f"/admin/enforcement/case/{js_case.pk}/change/")
    assert change.status_code == 200 and js_case.number in change.content.decode()
    assert 'name="_save"' not in change.content.decode()
    assert national.get("/admin/enforcement/case/add/").status_code == 403
    finding = js_case.findings.get()
    delete = national.get(f"/admin/enforcement/finding/{finding.pk}/delete/")
    assert delete.status_code == 403
    response = _client(desk.dismantler_user).get("/admin/enforcement/case/")
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_a_cases_admin_history_is_scoped_like_its_changelist(desk, two_cases):
    from enforcement.services.cases import case_act

    js_case, *_ = two_cases
    case_act(case=js_case, actor=desk.jiangsu, action="dismiss", reason="误报")
    url = f"/admin/enforcement/case/{js_case.pk}/history/"
    allowed = _client(desk.jiangsu).get(url)
    assert allowed.status_code == 200 and "误报" in allowed.content.decode()
    assert _client(desk.zhejiang).get(url).status_code == 404


def test_scan_runs_are_listed_for_miit_only(desk, two_cases):
    runs = _client(desk.national).get("/admin/enforcement/scanrun/")
    assert runs.status_code == 200 and "报废车辆电池未按期移交" in runs.content.decode()
    assert _client(desk.jiangsu).get("/admin/enforcement/scanrun/").status_code == 403
