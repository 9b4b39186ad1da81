"""Nobody exports more than they may read: the scope of the requester bounds every export."""

from enforcement.models import Case
from tests.stats.exports.conftest import FUJIAN_CODE_1, FUJIAN_CODE_2, JIANGSU_CODE
from tests.stats.exports.helpers import csv_rows, export


def _codes(response) -> set[str]:
    return {row[0] for row in csv_rows(response)[1:]}


def test_a_provincial_regulator_exports_only_the_packs_of_its_province(
    client, fujian_regulator, packs
):
    client.force_login(fujian_regulator)
    assert _codes(export(client, "packs", "csv")) == {FUJIAN_CODE_1, FUJIAN_CODE_2}


def test_a_province_filter_narrows_within_the_scope_and_never_widens_it(
    client, fujian_regulator, packs
):
    client.force_login(fujian_regulator)
    assert _codes(export(client, "packs", "csv", province="32")) == set()


def test_an_enterprise_exports_only_its_own_packs_and_cases(
    client, jiangsu_user, packs, fujian_producer, jiangsu_producer
):
    Case.objects.create(enterprise=fujian_producer, rule="late_reporting", province="35")
    Case.objects.create(enterprise=jiangsu_producer, rule="coding_violation", province="32")
    client.force_login(jiangsu_user)
    assert _codes(export(client, "packs", "csv")) == {JIANGSU_CODE}
    assert _codes(export(client, "packs", "csv", holder_uscc=fujian_producer.uscc)) == set()
    cases = csv_rows(export(client, "cases", "csv"))[1:]
    assert [row[1] for row in cases] == ["丙电池有限公司"]
    enterprises = csv_rows(export(client, "enterprises", "csv"))[1:]
    assert [row[0] for row in enterprises] == ["丙电池有限公司"]


def test_the_statistics_filters_apply_to_the_pack_list_by_its_holder(
    client, national_regulator, packs
):
    client.force_login(national_regulator)
    jiangsu = export(client, "packs", "csv", province="32", role="battery_producer")
    assert _codes(jiangsu) == {JIANGSU_CODE}
    assert _codes(export(client, "packs", "csv", role="utilizer")) == set()
    march = {"month_from": "2026-03", "month_to": "2026-03"}
    assert len(_codes(export(client, "packs", "csv", **march))) == 3
    assert _codes(export(client, "packs", "csv", month_from="2026-04")) == set()
