"""The lists a figure opens hold the rows the figure counts, and only what the reader may see."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from batteries.models import Battery, Channel
from batteries.services.corrections import event_void
from enforcement.models import Case
from tests.batteries.builders import pack_create, producer_create, record
from tests.factories import enterprise_create, user_of

pytestmark = pytest.mark.django_db
BEIJING = ZoneInfo("Asia/Shanghai")


def _at(day: int, month: int = 2, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=BEIJING)


def _produced(producer, mfr, when):
    pack = pack_create(producer, mfr, produced=dt.date(2026, 1, 20))
    assert record(pack, "produce", producer, occurred_at=when).ok
    return pack


@pytest.fixture
def packs(db):
    """Packs produced in Fujian (2 in February, 1 on 1 March 00:30 Beijing) and Jiangsu (1)."""
    fujian = producer_create(name="闽电池有限公司", division="350902", mfr="F01")
    jiangsu = producer_create(name="苏电池有限公司", division="320506", mfr="J01")
    return {
        "feb": [_produced(fujian, "F01", _at(3)), _produced(fujian, "F01", _at(28, hour=23))],
        "march": _produced(fujian, "F01", _at(1, month=3, hour=0)),
        "jiangsu": _produced(jiangsu, "J01", _at(10)),
        "fujian": fujian,
    }


def _codes(client, user, query: str) -> set[str]:
    client.force_login(user)
    response = client.get(f"/batteries/packs/?{query}")
    assert response.status_code == 200
    return {b.code for b in response.context["rows"]}


def test_the_packs_produced_in_a_month_in_a_province(client, packs):
    codes = _codes(
        client, user_of("national"), "flow=produced&month_from=2026-02&month_to=2026-02&province=35"
    )

    assert codes == {b.code for b in packs["feb"]}  # 28 Feb 23:00 Beijing is still February


def test_the_statistics_filter_is_said_in_words_above_the_list(client, packs):
    client.force_login(user_of("national"))
    html = client.get(
        "/batteries/packs/?flow=produced&month_from=2026-02&month_to=2026-02&province=35"
    ).content.decode()

    assert "统计口径筛选：生产 · 2026-02 · 福建省" in html
    assert 'type="hidden" name="flow" value="produced"' in html  # kept by the other filters


def test_a_voided_event_no_longer_counts_its_pack(client, packs):
    voided = packs["feb"][0]
    event = voided.events.get(kind="produce")
    event_void(event=event, reporter=packs["fujian"], reason="生产时间填错", channel=Channel.WEB)

    codes = _codes(client, user_of("national"), "flow=produced&month_from=2026-02&month_to=2026-02")
    assert voided.code not in codes and packs["feb"][1].code in codes


def test_a_provincial_regulator_asking_for_another_province_gets_nothing_of_it(client, packs):
    codes = _codes(client, user_of("provincial", province="32"), "flow=produced&province=35")

    assert codes == set()  # Fujian's packs never touched Jiangsu


def test_an_enterprise_narrowed_to_what_it_reported(client, packs):
    user = user_of("enterprise_operator", enterprise=packs["fujian"])
    codes = _codes(
        client,
        user,
        f"flow=produced&month_from=2026-01&month_to=2026-03&reporter={packs['fujian'].uscc}",
    )

    assert codes == {b.code for b in [*packs["feb"], packs["march"]]}


def test_a_period_without_events_lists_nothing(client, packs):
    assert (
        _codes(client, user_of("national"), "flow=recycled&month_from=2026-02&month_to=2026-02")
        == set()
    )
    assert Battery.objects.count() == 4


# --- Cases: every status of a rule, and the fines decided in a month -------------------------


def _case(enterprise, rule: str, status: str) -> Case:
    return Case.objects.create(
        enterprise=enterprise, rule=rule, status=status, province=enterprise.province
    )


def test_a_regulator_opens_every_status_of_the_cases_through_the_all_queue(client, db):
    fujian = enterprise_create(name="闽企业", division="350902")
    jiangsu = enterprise_create(name="苏企业", division="320506")
    ordered = _case(fujian, "late_reporting", "ordered")
    detected = _case(fujian, "coding_violation", "detected")
    _case(jiangsu, "late_reporting", "closed")
    client.force_login(user_of("provincial", province="35"))

    response = client.get("/enforcement/cases/?queue=all&province=32")
    assert {c.pk for c, *_ in response.context["rows"]} == {ordered.pk, detected.pk}
    response = client.get(
        f"/enforcement/cases/?queue=all&enterprise={fujian.uscc}&rule=late_reporting"
    )
    assert [c.pk for c, *_ in response.context["rows"]] == [ordered.pk]
