"""The monthly priority list of a province, its order and reasons, and who may open a card."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from enforcement.models import Case
from stats.scorecard.models import ScorecardSnapshot
from stats.scorecard.services import snapshot_build
from tests.enforcement.builders import finding_insert, page_text
from tests.factories import enterprise_create, user_of

pytestmark = pytest.mark.django_db
NOVEMBER = dt.date(2026, 11, 1)
RULE = "handover_to_unqualified_receiver"


def _findings(enterprise, n: int) -> None:
    for i in range(n):
        finding_insert(
            enterprise, RULE, subject=f"S{enterprise.pk}-{i}", detected_as_of=dt.date(2026, 11, 10)
        )


@pytest.fixture
def world():
    """Jiangsu: A (3 open findings: 15), B (1 open finding: 5, and a 50,000-yuan fine due
    2026-10-20 of which 10,000 paid: +25 → 30), C (nothing: 0). Zhejiang: Z (8 findings: 40)."""
    a = enterprise_create(name="苏甲公司", division="320506", roles=["dismantler"])
    b = enterprise_create(name="苏乙公司", division="320102", roles=["repair_shop"])
    c = enterprise_create(name="苏丙公司", division="320211", roles=["dealer"])
    z = enterprise_create(name="浙丁公司", division="330106", roles=["dismantler"])
    _findings(a, 3)
    _findings(b, 1)
    _findings(z, 8)
    Case.objects.create(
        enterprise=b,
        rule="late_reporting",
        status=Case.Status.DECIDED,
        province="32",
        fine_fen=5_000_000,
        paid_fen=1_000_000,
        due_on=dt.date(2026, 10, 20),
    )
    snapshot_build(month=NOVEMBER)
    return a, b, c, z


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_province_is_ranked_by_score_with_the_reasons(world):
    a, b, c, z = world
    rows = ScorecardSnapshot.objects.filter(month=NOVEMBER, province="32").order_by("rank")
    assert [(r.enterprise_id, r.score, r.rank) for r in rows] == [
        (b.pk, 30, 1),
        (a.pk, 15, 2),
        (c.pk, 0, 3),
    ]
    assert rows[0].reasons == [
        {"code": "overdue_fine", "points": 25, "yuan": 40000.0},
        {"code": "open_findings", "points": 5, "count": 1},
    ]
    jiangsu = user_of("provincial", province="32")
    text = page_text(_client(jiangsu).get(reverse("stats_scorecard:priority_list")))
    assert text.index("苏乙公司") < text.index("苏甲公司") < text.index("苏丙公司")
    assert "罚款 40,000 元逾期未缴：+25" in text
    assert "3 条违法线索未纠正、未结案：+15" in text
    assert "浙丁公司" not in text


def test_a_rebuild_gives_the_same_ranking(world):
    a, b, c, z = world
    before = list(ScorecardSnapshot.objects.values_list("enterprise_id", "score", "rank"))
    snapshot_build(month=NOVEMBER)
    after = list(ScorecardSnapshot.objects.values_list("enterprise_id", "score", "rank"))
    assert sorted(before) == sorted(after)


def test_a_provincial_regulator_sees_only_its_province_even_when_asking_for_another(world):
    jiangsu = user_of("provincial", province="32")
    url = reverse("stats_scorecard:priority_list") + "?province=33&month=2026-11"
    text = page_text(_client(jiangsu).get(url))
    assert "苏乙公司" in text and "浙丁公司" not in text


def test_a_national_regulator_chooses_the_province(world):
    national = user_of("national")
    url = reverse("stats_scorecard:priority_list") + "?province=33&month=2026-11"
    text = page_text(_client(national).get(url))
    assert "浙丁公司" in text and "苏乙公司" not in text


def test_a_national_regulator_first_sees_the_province_of_the_highest_score(world):
    # Zhejiang's Z scores 40, above Jiangsu's first (30): the list opens on Zhejiang.
    text = page_text(_client(user_of("national")).get(reverse("stats_scorecard:priority_list")))
    assert "浙丁公司" in text and "苏乙公司" not in text


def test_a_provincial_regulator_cannot_open_another_provinces_card(world):
    a, b, c, z = world
    jiangsu = _client(user_of("provincial", province="32"))
    assert jiangsu.get(reverse("stats_scorecard:card", args=[z.pk])).status_code == 404
    response = jiangsu.get(reverse("stats_scorecard:card", args=[b.pk]))
    assert response.status_code == 200
    assert "优先度分值 30 · 省内第 1 名" in page_text(response)
    national = _client(user_of("national"))
    assert national.get(reverse("stats_scorecard:card", args=[z.pk])).status_code == 200


def test_an_enterprise_sees_only_its_own_card(world):
    a, b, c, z = world
    own = _client(user_of("enterprise_admin", enterprise=b))
    list_response = own.get(reverse("stats_scorecard:priority_list"))
    assert list_response.status_code == 302
    assert list_response["Location"] == reverse("stats_scorecard:card", args=[b.pk])
    card = own.get(reverse("stats_scorecard:card", args=[b.pk]))
    assert card.status_code == 200
    assert "40,000" in page_text(card)
    assert own.get(reverse("stats_scorecard:card", args=[a.pk])).status_code == 404


def test_only_national_regulators_queue_a_build(world):
    jiangsu = _client(user_of("provincial", province="32"))
    assert jiangsu.post(reverse("stats_scorecard:build")).status_code == 403
