"""The preview of an edit: what the scans would flag with the new value, saving nothing.

Order No. 73's seeded row: a vehicle producer reports an installation within 20 days
(calendar days, unconfirmed). An installation on Wednesday 6 May 2026 reported on Wednesday
20 May is in time (due Tuesday 26 May); with 5 days it is due Monday 11 May (a working day)
and the report is late.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from simple_history.models import registered_models

from batteries.models import Channel
from batteries.services.events import EventInput, events_record
from batteries.services.packs import PackInput, packs_register
from common.battery_code import make_battery_code
from common.identifiers import make_vin
from enforcement.models import Case, DeadlineRule, Finding, PenaltyRule, ScanRun
from enforcement.services.preview import deadline_preview, penalty_preview
from enforcement.services.setup import enforcement_data_ensure
from enterprises.models import ManufacturerCode
from tests.enforcement.admin_forms import form_data
from tests.factories import enterprise_create, user_of

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
AS_OF = dt.date(2026, 11, 30)


@pytest.fixture(autouse=True)
def legal_rows(db):
    enforcement_data_ensure()


@pytest.fixture
def maker(db):
    return enterprise_create(name="粤乙汽车有限公司", division="440307", roles=["vehicle_producer"])


@pytest.fixture
def installed_on_6_may_reported_on_20_may(maker):
    producer = enterprise_create(name="闽甲电池有限公司", division="350902")
    ManufacturerCode.objects.create(
        code="P01", enterprise=producer, registered_on=dt.date(2025, 1, 1)
    )
    start = dt.datetime(2026, 4, 20, 9, tzinfo=BEIJING)
    code = make_battery_code(manufacturer="P01", produced=dt.date(2026, 4, 15), serial=7)
    created = packs_register(
        items=[PackInput(code=code)], reporter=producer, channel=Channel.WEB, now=start
    )
    assert created.ok, created.errors
    steps = [
        ("produce", producer, dt.datetime(2026, 4, 21, 9, tzinfo=BEIJING), {}, 1),
        (
            "deliver",
            producer,
            dt.datetime(2026, 4, 28, 9, tzinfo=BEIJING),
            {"counterparty_uscc": maker.uscc},
            1,
        ),
        (
            "install",
            maker,
            dt.datetime(2026, 5, 6, 9, tzinfo=BEIJING),
            {"vin": make_vin("LDC12345", "P0000007")},
            14 * 24,
        ),
    ]
    for kind, reporter, occurred, fields, hours_later in steps:
        result = events_record(
            items=[EventInput(code=code, kind=kind, occurred_at=occurred, **fields)],
            reporter=reporter,
            channel=Channel.WEB,
            now=occurred + dt.timedelta(hours=hours_later),
        )
        assert result.ok, (kind, result.errors)
    return code


def install_row() -> DeadlineRule:
    return DeadlineRule.objects.get(
        event_kind="install",
        reporter_role="vehicle_producer",
        anchor="",
        valid_from=dt.date(2026, 4, 1),
    )


def written() -> dict[str, int]:
    """Count what a preview must not write: findings, scan runs, cases, history rows."""
    counts = {
        "findings": Finding.objects.count(),
        "runs": ScanRun.objects.count(),
        "cases": Case.objects.count(),
    }
    for model in registered_models.values():
        if model._meta.app_label == "enforcement":
            counts[model.__name__] = model.history.count()
    return counts


def test_a_shorter_reporting_deadline_shows_one_more_late_report_in_the_makers_province(
    installed_on_6_may_reported_on_20_may,
):
    row = install_row()
    row.days = 5
    preview = deadline_preview(row=row, as_of=AS_OF)
    assert preview.rules == ("late_reporting",)
    assert [
        (line.rule, line.province_name, line.now, line.then, line.difference)
        for line in preview.lines
    ] == [("late_reporting", "广东省", 0, 1, 1)]
    assert preview.changed


def test_the_preview_writes_nothing_and_leaves_the_row_as_stored(
    installed_on_6_may_reported_on_20_may,
):
    before = written()
    row = install_row()
    row.days = 5
    deadline_preview(row=row, as_of=AS_OF)
    assert written() == before
    assert install_row().days == 20
    assert before["findings"] == 0 and before["runs"] == 0


def test_a_new_row_is_previewed_without_being_inserted(installed_on_6_may_reported_on_20_may):
    old = install_row()
    rows_before = DeadlineRule.objects.count()
    new = DeadlineRule(
        event_kind="install",
        reporter_role="vehicle_importer",
        anchor="scrap_vehicle",  # counted from the scrapping: read by the headline scan
        days=3,
        unit="working",
        legal_document=old.legal_document,
        valid_from=dt.date(2026, 4, 1),
    )
    preview = deadline_preview(row=new, as_of=AS_OF)
    assert preview.rules == ("scrapped_pack_not_handed_over",)
    assert not preview.changed
    assert new.pk is None
    assert DeadlineRule.objects.count() == rows_before


def test_the_admin_preview_button_shows_the_table_and_saves_nothing(
    client, installed_on_6_may_reported_on_20_may
):
    miit = user_of("national")
    client.force_login(miit)
    row = install_row()
    before = written()
    url = reverse("admin:enforcement_deadlinerule_change", args=[row.pk])
    page = client.get(url)
    assert 'name="_preview"' in page.content.decode()
    response = client.post(url, form_data(row, days=5, _preview="预览影响"))
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="legal-preview"' in text and 'data-changed="yes"' in text
    assert 'data-rule="late_reporting" data-province="44" data-now="0" data-then="1"' in text
    assert "广东省" in text and "+1" in text
    assert 'value="5"' in text  # the form keeps the edited value for saving
    assert written() == before
    assert install_row().days == 20


def test_an_overlapping_edit_is_reported_by_the_preview_as_a_form_error(client):
    client.force_login(user_of("national"))
    row = install_row()
    earlier = DeadlineRule.objects.get(
        event_kind="install",
        reporter_role="vehicle_producer",
        anchor="",
        valid_to=dt.date(2026, 3, 31),
    )
    response = client.post(
        reverse("admin:enforcement_deadlinerule_change", args=[earlier.pk]),
        form_data(earlier, valid_to="2026-06-30", _preview="预览影响"),
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "与已有的" in text and 'id="legal-preview"' not in text
    assert install_row().valid_from == row.valid_from


def test_a_provincial_regulator_cannot_run_a_preview(client):
    client.force_login(user_of("provincial", province="44"))
    row = install_row()
    url = reverse("admin:enforcement_deadlinerule_change", args=[row.pk])
    assert client.post(url, form_data(row, days=5, _preview="预览影响")).status_code == 403


def test_a_penalty_preview_counts_the_cases_and_findings_its_validity_covers(maker):
    finding = Finding.objects.create(
        rule="late_reporting",
        key="event:1",
        subject="P01",
        enterprise=maker,
        anchor_date=dt.date(2026, 5, 6),
        deadline=dt.date(2026, 5, 26),  # committed on 27 May
        detected_as_of=dt.date(2026, 6, 1),
    )
    from enforcement.services.cases import cases_group

    cases_group(rules=["late_reporting"])
    finding.refresh_from_db()
    assert finding.case is not None
    row = PenaltyRule.objects.get(rule="late_reporting")
    row.valid_from, row.fine_max_yuan = dt.date(2026, 6, 1), 50_000
    preview = penalty_preview(row=row, as_of=AS_OF)
    assert (preview.old.fine_max_yuan, preview.new.fine_max_yuan) == (30_000, 50_000)
    assert [
        (line.province_name, line.cases_now, line.cases_then, line.findings_now, line.findings_then)
        for line in preview.lines
    ] == [("广东省", 1, 0, 1, 0)]
    Case.objects.filter(pk=finding.case_id).update(status="dismissed")
    assert penalty_preview(row=row, as_of=AS_OF).lines == ()


def test_the_admin_penalty_preview_shows_the_old_and_new_fine_range(client):
    client.force_login(user_of("national"))
    row = PenaltyRule.objects.get(rule="late_reporting")
    url = reverse("admin:enforcement_penaltyrule_change", args=[row.pk])
    response = client.post(url, form_data(row, fine_max_yuan=50000, _preview="预览影响"))
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="legal-preview"' in text
    assert "5000 – 30000" in text and "5000 – 50000" in text
    assert PenaltyRule.objects.get(pk=row.pk).fine_max_yuan == 30_000


def test_the_add_form_previews_a_new_row_without_inserting_it(client):
    client.force_login(user_of("national"))
    new = DeadlineRule(
        event_kind="sell",
        reporter_role="dealer",  # no seeded row: dealers' sales have no deadline yet
        anchor="",
        days=5,
        unit="calendar",
        legal_document=install_row().legal_document,
        valid_from=dt.date(2026, 12, 1),
    )
    rows = DeadlineRule.objects.count()
    url = reverse("admin:enforcement_deadlinerule_add")
    response = client.post(url, form_data(new, _preview="预览影响"))
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="legal-preview"' in text and "未按期上报" in text
    assert DeadlineRule.objects.count() == rows
