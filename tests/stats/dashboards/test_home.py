"""The home page is a work page: each role's to-do counts (with the lists they open) and figures."""

import datetime as dt

import pytest
from django.utils import timezone

from batteries.models import ImportBatch
from enforcement.models import Case
from tests.batteries.builders import pack_create, producer_create
from tests.batteries.web.conftest import drive
from tests.factories import enterprise_create, user_of

pytestmark = pytest.mark.django_db


def _case(enterprise, rule, status, **fields) -> Case:
    return Case.objects.create(
        enterprise=enterprise, rule=rule, status=status, province=enterprise.province, **fields
    )


def _work(client, user) -> dict[str, tuple[int, str]]:
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return {str(i["label"]): (i["count"], i["url"]) for i in response.context["work_items"]}


def test_a_provincial_regulator_counts_only_its_provinces_work(client, db):
    me = user_of("provincial", province="35")
    fj1 = enterprise_create(name="闽一", division="350902")
    fj2 = enterprise_create(name="闽二", division="350102")
    js = enterprise_create(name="苏一", division="320506")
    enterprise_create(name="闽申请一", division="350902", status="pending")
    enterprise_create(name="闽申请二", division="350103", status="pending")
    enterprise_create(name="苏申请", division="320506", status="pending")
    _case(fj1, "late_reporting", "detected")  # new
    _case(fj2, "late_reporting", "detected")  # new
    _case(fj1, "coding_violation", "under_review", assigned_to=me)  # mine
    _case(fj2, "coding_violation", "ordered", response_pending=True)  # a response to review
    _case(fj1, "handover_not_confirmed", "overdue")
    _case(js, "late_reporting", "detected")  # Jiangsu's: none of its counts
    _case(js, "coding_violation", "ordered", response_pending=True)

    work = _work(client, me)

    assert work == {
        "待审核的企业申请": (2, "/enterprises/review/"),
        "新发现的案件": (2, "/enforcement/cases/?queue=new"),
        "分配给我的案件": (1, "/enforcement/cases/?queue=mine"),
        "待审查的整改材料": (1, "/enforcement/cases/?queue=to_review"),
        "逾期未改正待处理": (1, "/enforcement/cases/?queue=overdue"),
        "申辩期满待决定": (0, "/enforcement/cases/?queue=defence_ended"),
    }


def test_the_national_regulator_counts_the_whole_nation(client, db):
    enterprise_create(name="闽申请", division="350902", status="pending")
    enterprise_create(name="苏申请", division="320506", status="pending")
    _case(enterprise_create(name="苏一", division="320506"), "late_reporting", "detected")

    work = _work(client, user_of("national"))

    assert work["待审核的企业申请"][0] == 2 and work["新发现的案件"][0] == 1


def _batch(enterprise, user, status, failed=0, days_ago=0) -> ImportBatch:
    return ImportBatch.objects.create(
        enterprise=enterprise, uploaded_by=user, kind="events", file="imports/x.csv",
        original_name="x.csv", status=status, rows_failed=failed,
        created_at=timezone.now() - dt.timedelta(days=days_ago),
    )  # fmt: skip


def test_an_enterprise_counts_its_handovers_cases_and_import_problems(client, db):
    from types import SimpleNamespace

    parties = SimpleNamespace(
        producer=producer_create(),
        maker=enterprise_create(name="乙汽车", division="440307", roles=["vehicle_producer"]),
        dismantler=enterprise_create(name="丙拆解", division="320506", roles=["dismantler"]),
        utilizer=enterprise_create(name="丁利用", division="430181", roles=["utilizer"]),
    )
    drive(pack_create(parties.producer), "handover", parties)  # awaits the utilizer
    me = user_of("enterprise_admin", enterprise=parties.utilizer)
    other = user_of("enterprise_admin", enterprise=parties.dismantler)
    today = timezone.localdate()
    _case(parties.utilizer, "late_reporting", "ordered", due_on=today + dt.timedelta(days=3))
    _case(parties.utilizer, "coding_violation", "detected")
    _case(parties.dismantler, "late_reporting", "ordered", due_on=today)  # not mine
    _batch(parties.utilizer, me, "rejected")
    _batch(parties.utilizer, me, "done", failed=2)
    _batch(parties.utilizer, me, "done")  # clean
    _batch(parties.utilizer, me, "failed", days_ago=40)  # too old
    _batch(parties.dismantler, other, "failed")  # not mine

    work = _work(client, me)

    assert work == {
        "待我确认的移交": (1, "/batteries/handovers/inbox/"),
        "待本企业办理的案件": (1, "/enforcement/cases/?queue=todo"),
        "未办结的案件": (1, "/enforcement/cases/?queue=open"),
        "近 30 天有错误的导入": (2, "/batteries/imports/"),
    }
    assert _work(client, other)["待我确认的移交"][0] == 0  # the giver confirms nothing


def test_an_enterprise_awaiting_approval_has_no_work_items_and_no_figures(client, db):
    pending = enterprise_create(name="待审企业", status="pending")
    client.force_login(user_of("enterprise_admin", enterprise=pending))
    response = client.get("/")

    assert response.context["work_items"] == [] and response.context["headline"] is None


def test_the_headline_figures_come_from_the_rollups_of_the_scope(client, world):
    from stats import models as m
    from tests.stats.dashboards.conftest import DEC

    this_month = timezone.localdate().replace(day=1)  # inside the last 12 months, whenever run
    m.FlowCell.objects.exclude(month=DEC).update(month=this_month)
    m.RecyclingCell.objects.update(month=this_month)
    m.FindingCell.objects.update(month=this_month)
    client.force_login(world.jiangsu)
    response = client.get("/")
    figures = {str(f["label"]): f["value"] for f in response.context["headline"]["figures"]}

    # Jiangsu: 3 scrapped (1 handed over on time, 1 late, 1 with its deadline to come: out of
    # the rate, 1 / 2), 1 open finding; Fujian's production unseen.
    assert figures == {"生产电池包": 0, "退役电池包": 3, "规范回收率": "50.0%", "未纠正线索": 1}
    assert "数据截至 2026-04-02 09:30（北京时间）" in response.content.decode()
