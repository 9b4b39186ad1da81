"""What the desk shows: how each deadline was computed, the legal basis with its flags, the
details that matter per rule, the filters, and a constant number of queries per page.

Deadlines are counted by hand on the State Council's 2026 schedule: Labour Day 1–5 May off,
Saturday 9 May worked; Dragon Boat Festival 19 June. 2027 is not in the installed schedule.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enforcement.models import CalendarOverride, Case, DeadlineRule, OfficialScheduleYear
from tests.enforcement.builders import (
    HEADLINE,
    case_of,
    finding_insert,
    headline_scan,
    page_text,
    scrapped_at,
)
from tests.enforcement.scenario import at, record, scrapped_pack
from tests.factories import enterprise_create

pytestmark = pytest.mark.django_db

LIST = "/enforcement/cases/"
BEIJING = ZoneInfo("Asia/Shanghai")


def _order_73(kind: str, anchor: str) -> DeadlineRule:
    return DeadlineRule.objects.get(
        event_kind=kind,
        anchor=anchor,
        valid_from=dt.date(2026, 4, 1),
        reporter_role__in=["", "dismantler"],
    )


# --- Deadlines as computed -----------------------------------------------------------------------


def test_a_working_day_deadline_across_labour_day_is_written_out(desk, client):
    scrapped_at(desk, scrapped="2026-04-28")
    headline_scan("2026-06-01")
    case = Case.objects.get(rule=HEADLINE)
    client.force_login(desk.jiangsu)
    text = page_text(client.get(case.get_absolute_url()))
    assert (
        "报废 2026-04-28 + 15 个工作日 = 2026-05-21"
        "（期间休息日：5月1日–5日 劳动节，5月10日 周日，5月16日–17日 周末；"
        "调休上班：5月9日 周六）"
    ) in text
    assert "2026-04-28 2026-05-21 未经确认" in text  # anchor date, deadline and its flag
    assert "官方放假安排尚未录入" not in text


def test_the_headline_deadline_after_labour_day_counts_the_make_up_saturday(desk, client):
    case = case_of(
        desk.dismantler,
        HEADLINE,
        subject="T01PB01A1B2C3DG4F0000009",
        anchor_date=dt.date(2026, 5, 6),
        deadline=dt.date(2026, 5, 26),
        deadline_rule=_order_73("handover", "scrap_vehicle"),
    )
    client.force_login(desk.jiangsu)
    text = page_text(client.get(case.get_absolute_url()))
    assert (
        "报废 2026-05-06 + 15 个工作日 = 2026-05-26"
        "（期间休息日：5月10日 周日，5月16日–17日 周末，5月23日–24日 周末；调休上班：5月9日 周六）"
    ) in text


def test_a_calendar_day_deadline_ending_on_a_weekend_is_extended(desk, client):
    case = case_of(
        desk.p.utilizer,
        "handover_not_confirmed",
        subject="T01PB01A1B2C3DG4F0000010",
        anchor_date=dt.date(2026, 6, 4),
        deadline=dt.date(2026, 7, 6),
        deadline_rule=_order_73("receipt_confirm", "handover"),
        details={"kind": "unconfirmed", "resolved_on": None},
    )
    client.force_login(desk.national)
    text = page_text(client.get(case.get_absolute_url()))
    assert "移交 2026-06-04 + 30 日 = 2026-07-04，遇休息日顺延至 2026-07-06" in text
    assert "情形 接收方未按期确认接收或提出异议 确认或异议日期 尚未处理" in text


def test_a_deadline_in_a_year_without_an_official_schedule_says_so(desk, client):
    finding = dict(
        subject="T01PB01A1B2C3DG4F0000011",
        anchor_date=dt.date(2026, 12, 24),
        deadline=dt.date(2027, 1, 15),
        deadline_rule=_order_73("handover", "scrap_vehicle"),
    )
    case = case_of(desk.dismantler, HEADLINE, **finding)
    client.force_login(desk.jiangsu)
    text = page_text(client.get(case.get_absolute_url()))
    # 2027-01-01 counted as a working day (Monday–Friday): the 15th working day is 14 January.
    assert "报废 2026-12-24 + 15 个工作日 = 2027-01-14" in text
    assert "2027 年官方放假安排尚未录入，按周一至周五计算" in text
    assert "扫描时记录的期限为 2027-01-15" in text  # the stored deadline differs
    # Once regulators enter the 2027 schedule (New Year's Day off), the notice goes.
    OfficialScheduleYear.objects.create(year=2027, source="国办发明电〔2026〕X号")
    CalendarOverride.objects.create(day=dt.date(2027, 1, 1), is_working=False, reason="元旦")
    text = page_text(client.get(case.get_absolute_url()))
    assert (
        "报废 2026-12-24 + 15 个工作日 = 2027-01-15（期间休息日：12月26日–27日 周末，1月1日 元旦"
        in text
    )
    assert "官方放假安排尚未录入" not in text
    assert "扫描时记录的期限为" not in text


# --- Legal basis, evidence and details -----------------------------------------------------------


def test_the_legal_basis_shows_the_deadline_row_and_the_penalty_schedule_with_their_flags(
    desk, client
):
    scrapped_at(desk, scrapped="2026-04-28")
    headline_scan("2026-06-01")
    case = Case.objects.get(rule=HEADLINE)
    client.force_login(desk.dismantler_user)
    text = page_text(client.get(case.get_absolute_url()))
    basis = text[text.index("法律依据") : text.index("办理记录")]
    assert (
        "期限 《新能源汽车废旧动力电池回收和综合利用管理暂行办法》（六部门令第73号） 未经确认 "
        "移交（自“车辆报废回收”起算） · 15 工作日"
    ) in basis
    assert (
        "处罚标准 《新能源汽车废旧动力电池回收和综合利用管理暂行办法》（六部门令第73号） "
        "（条款待确认） 演示数值 未经确认" in basis
    )
    assert "责令限期改正：20 个工作日 逾期未改正先予警告 罚款 10000–100000 元" in basis


def test_the_case_page_shows_the_enterprise_with_a_link_for_officials(desk, client):
    case = case_of(desk.dismantler, "late_reporting", subject="T01PB01A1B2C3DG4F0000012")
    client.force_login(desk.jiangsu)
    page = client.get(case.get_absolute_url()).content.decode()
    assert f'<a href="/enterprises/{desk.dismantler.pk}/">苏拆解公司</a>' in page
    text = page_text(client.get(case.get_absolute_url()))
    assert (
        f"统一社会信用代码 {desk.dismantler.uscc} 省份 江苏省 企业类型 报废机动车回收拆解企业"
        in text
    )
    client.force_login(desk.dismantler_user)
    own = client.get(case.get_absolute_url()).content.decode()
    assert "苏拆解公司" in own and f"/enterprises/{desk.dismantler.pk}/" not in own


def test_a_cured_finding_shows_its_evidence_and_when_it_was_cured(desk, client):
    battery = scrapped_pack(desk.p, scrapped="2026-05-06")  # scrapped, then dismantled
    record(
        battery,
        "handover",
        desk.dismantler,
        at("2026-05-27"),
        counterparty_uscc=desk.p.utilizer.uscc,
    )
    headline_scan("2026-06-30")
    case = Case.objects.get(rule=HEADLINE)
    client.force_login(desk.jiangsu)
    page = client.get(case.get_absolute_url()).content.decode()
    events = {e.kind: e.seq for e in battery.events.all()}
    for kind, label in (("scrap_vehicle", "车辆报废回收"), ("handover", "移交")):
        url = f"/batteries/packs/{battery.code}/#event-{events[kind]}"
        assert f'<a href="{url}">#{events[kind]} {label}</a>' in page
    text = page_text(client.get(case.get_absolute_url()))
    assert "来源 平台报废上报 移交至合格接收方 2026-05-27 已纠正于 2026-05-27 10:00" in text


DETAILS = [
    (
        "handover_to_unqualified_receiver",
        "T01PB01A1B2C3DG4F0000020",
        {
            "receiver_name": "浙维修公司",
            "receiver_uscc": "91330110000000016X",
            "receiver_roles": ["repair_shop"],
        },
        "T01PB01A1B2C3DG4F0000020",
        "接收方 浙维修公司（91330110000000016X） 接收方企业类型 维修企业",
    ),
    (
        "coding_violation",
        "Q01PB01A1B2C3DG4F0000001",
        {
            "error_code": "code.manufacturer_unregistered",
            "message": "厂商代码未备案",
            "attempts": 3,
            "channel": "import",
            "last_on": "2026-05-02",
        },
        "Q01PB01A1B2C3DG4F0000001",
        "错误代码 code.manufacturer_unregistered 说明 厂商代码未备案 尝试次数 3 "
        "上报渠道 文件导入 最近一次 2026-05-02",
    ),
    (
        "outlet_coverage_gap",
        "32",
        {"level": "province", "area": "32", "sales": 57},
        "江苏省",
        "区域 江苏省（省级） 近12个月销售（件） 57",
    ),
    (
        "outlet_coverage_gap",
        "3205",
        {"level": "prefecture", "area": "3205", "sales": 8},
        "3205（江苏省）",
        "区域 3205（江苏省）（地级市） 近12个月销售（件） 8",
    ),
    (
        "prohibited_reuse",
        "T01PB01A1B2C3DG4F0000021",
        {"declared_use": "电动自行车", "new_code": "T01PB01G4F0000021RP"},
        "T01PB01A1B2C3DG4F0000021",
        "申报用途 电动自行车 新编码 T01PB01G4F0000021RP",
    ),
    (
        "vehicle_scrapped_without_pack",
        "LSC12B34XS0000001",
        {"source": "record", "certificate_no": "BF-2026-000123", "pack_status": "missing"},
        "LSC12B34XS0000001",
        "来源 平台报废车辆登记 回收证明编号 BF-2026-000123 电池情况 电池缺失",
    ),
    (
        "late_reporting",
        "T01PB01A1B2C3DG4F0000022",
        {"kind": "install", "reported_on": "2026-05-30"},
        "T01PB01A1B2C3DG4F0000022",
        "事件 装车（合格证） 上报日期 2026-05-30",
    ),
    (
        "handover_not_confirmed",
        "T01PB01A1B2C3DG4F0000023",
        {"kind": "dispute", "side": "giver", "settled_on": None},
        "T01PB01A1B2C3DG4F0000023",
        "情形 接收方提出异议后，移交方未按期重新移交 责任方 移交方 重新移交日期 尚未重新移交",
    ),
]


@pytest.mark.parametrize(("rule", "subject", "details", "shown", "facts"), DETAILS)
def test_each_rule_shows_the_details_that_matter(
    desk, client, rule, subject, details, shown, facts
):
    case = case_of(desk.dismantler, rule, subject=subject, details=details)
    client.force_login(desk.jiangsu)
    text = page_text(client.get(case.get_absolute_url()))
    findings = text[text.index("违法线索与证据") :]
    assert f"{shown} — — — — {facts}" in findings  # no evidence, dates or deadline here


# --- The queue's filters -------------------------------------------------------------------------


@pytest.fixture
def filed(desk):
    """Three cases: Jiangsu headline (opened 1 June 23:30 Beijing), Jiangsu late reporting
    (2 June), Zhejiang headline (3 June)."""
    cases = {
        "js_headline": case_of(desk.dismantler, HEADLINE, subject="A"),
        "js_late": case_of(desk.dismantler, "late_reporting", subject="B"),
        "zj_headline": case_of(desk.zhejiang_dismantler, HEADLINE, subject="C"),
    }
    for key, opened in (
        ("js_headline", dt.datetime(2026, 6, 1, 23, 30, tzinfo=BEIJING)),
        ("js_late", dt.datetime(2026, 6, 2, 9, 0, tzinfo=BEIJING)),
        ("zj_headline", dt.datetime(2026, 6, 3, 9, 0, tzinfo=BEIJING)),
    ):
        Case.objects.filter(pk=cases[key].pk).update(opened_at=opened)
        cases[key].refresh_from_db()
    return cases


def _listed(client, query: str, cases: dict) -> set[str]:
    text = page_text(client.get(f"{LIST}?queue=open&{query}"))
    return {key for key, case in cases.items() if case.number in text}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"js_headline", "js_late", "zj_headline"}),
        (f"rule={HEADLINE}", {"js_headline", "zj_headline"}),
        ("province=33", {"zj_headline"}),
        ("enterprise=苏拆解", {"js_headline", "js_late"}),
        ("detected_from=2026-06-02", {"js_late", "zj_headline"}),
        ("detected_to=2026-06-01", {"js_headline"}),  # 23:30 Beijing is still 1 June
        ("detected_from=2026-06-02&detected_to=2026-06-02", {"js_late"}),
    ],
)
def test_the_national_desk_filters_cases(desk, client, filed, query, expected):
    client.force_login(desk.national)
    assert _listed(client, query, filed) == expected


def test_the_enterprise_filter_takes_the_start_of_a_uscc(desk, client, filed):
    client.force_login(desk.national)
    uscc = desk.zhejiang_dismantler.uscc
    assert _listed(client, f"enterprise={uscc[:10].lower()}", filed) == {"zj_headline"}


def test_the_status_filter_and_the_queues_narrow_each_other(desk, client, filed):
    from enforcement.services.cases import case_act

    case_act(case=filed["js_late"], actor=desk.national, action="assign")
    client.force_login(desk.national)
    assert _listed(client, "status=under_review", filed) == {"js_late"}
    text = page_text(client.get(f"{LIST}?queue=new"))
    assert filed["js_late"].number not in text and filed["js_headline"].number in text


def test_a_provincial_desk_has_no_province_filter(desk, client, filed):
    client.force_login(desk.jiangsu)
    page = client.get(LIST).content.decode()
    assert 'name="province"' not in page and 'name="rule"' in page
    assert _listed(client, "province=33", filed) == {"js_headline", "js_late"}  # ignored


def test_a_reversed_date_range_is_an_error_not_an_empty_success(desk, client, filed):
    client.force_login(desk.national)
    response = client.get(f"{LIST}?detected_from=2026-06-03&detected_to=2026-06-01")
    text = page_text(response)
    assert "结束日期不能早于开始日期。" in text
    assert not any(case.number in text for case in filed.values())


# --- Size: pages that cost the same with 2 cases or 20, 1 finding or 60 ------------------------


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_queue_page_runs_a_fixed_number_of_queries(desk, client, django_assert_max_num_queries):
    for n in range(2):
        case_of(desk.dismantler if n % 2 else desk.zhejiang_dismantler, HEADLINE, subject=f"F{n}")
    client.force_login(desk.national)
    few = _queries(client, f"{LIST}?queue=open")
    for n in range(6):
        enterprise = enterprise_create(name=f"企业{n}", division="320506", roles=["dismantler"])
        for rule in ("late_reporting", "coding_violation", "prohibited_reuse"):
            case_of(enterprise, rule, subject=f"G{n}")
    assert Case.objects.count() == 20
    with django_assert_max_num_queries(6):  # session, user, queue counts, page, finding counts
        client.get(f"{LIST}?queue=open")
    assert _queries(client, f"{LIST}?queue=open") == few


def test_a_case_page_reads_one_page_of_findings_at_a_fixed_cost(
    desk, client, django_assert_max_num_queries
):
    case = case_of(desk.dismantler, "coding_violation", subject="Z000")
    client.force_login(desk.national)
    one = _queries(client, case.get_absolute_url())
    for n in range(1, 60):
        finding_insert(desk.dismantler, "coding_violation", subject=f"Z{n:03d}", case=case)
    with django_assert_max_num_queries(one):
        first = client.get(case.get_absolute_url())
    text = page_text(first)
    assert "Z059" in text and "Z010" in text and "Z009" not in text  # newest 50 first
    next_page = [line for line in first.content.decode().splitlines() if 'rel="next"' in line][0]
    after = next_page.split("after=")[1].split("#")[0]
    second = page_text(client.get(f"{case.get_absolute_url()}?after={after}"))
    assert "Z009" in second and "Z000" in second and "Z010" not in second


def test_the_queue_stops_counting_a_huge_case_at_its_cap(desk, client, monkeypatch):
    from enforcement import selectors

    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    big = case_of(desk.dismantler, "coding_violation", subject="Y0")
    for n in range(1, 5):
        finding_insert(desk.dismantler, "coding_violation", subject=f"Y{n}", case=big)
    small = case_of(desk.dismantler, "late_reporting", subject="W0")
    finding_insert(desk.dismantler, "late_reporting", subject="W1", case=small)
    client.force_login(desk.jiangsu)
    page = client.get(f"{LIST}?queue=open").content.decode()
    row = page[page.index(f'id="case-{big.pk}"') :]
    assert '<td class="num">3+</td>' in row[: row.index("</tr>")]
    row = page[page.index(f'id="case-{small.pk}"') :]
    assert '<td class="num">2</td>' in row[: row.index("</tr>")]
