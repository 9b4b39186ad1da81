"""The back office of the legal parameters: who may edit, history, overlaps, the calendar.

The seeded rows (enforcement/seed.py): the headline deadline — a dismantler hands a scrapped
vehicle's pack over within 15 working days — runs under Order No. 73 from 2026-04-01 with no
end; the 2026 schedule has the Labour Day holiday on 1–5 May and 9 May (Saturday) worked, so
15 working days after Wednesday 6 May end on Tuesday 26 May.
"""

import datetime as dt
import re

import pytest
from django.urls import reverse

from enforcement.models import (
    CalendarDay,
    CalendarOverride,
    DeadlineRule,
    OfficialScheduleYear,
    PenaltyRule,
)
from enforcement.services.setup import enforcement_data_ensure
from tests.enforcement.admin_forms import add_url, change_url, form_data, row_fields
from tests.factories import user_of

pytestmark = pytest.mark.django_db

ORDER_73 = dt.date(2026, 4, 1)


@pytest.fixture(autouse=True)
def legal_rows(db):
    enforcement_data_ensure()


@pytest.fixture
def miit(db):
    return user_of("national")


@pytest.fixture
def jiangsu(db):
    return user_of("provincial", province="32")


def headline_row() -> DeadlineRule:
    return DeadlineRule.objects.get(
        event_kind="handover",
        reporter_role="dismantler",
        anchor="scrap_vehicle",
        valid_from=ORDER_73,
    )


def due(start: dt.date, working_days: int) -> dt.date:
    """Return the deadline as the scans read it from the calendar table: one ordinal join."""
    ordinal = CalendarDay.objects.get(day=start).working_ordinal
    return CalendarDay.objects.get(is_working=True, working_ordinal=ordinal + working_days).day


# --- Who may edit ------------------------------------------------------------------------------


def test_a_national_regulator_changes_a_deadline_and_the_scans_read_the_new_value(client, miit):
    row = headline_row()
    client.force_login(miit)
    response = client.post(change_url(row), form_data(row, days=10, change_reason="部长办公会纪要"))
    assert response.status_code == 302, response.content.decode()[:2000]
    row.refresh_from_db()
    assert row.days == 10


def test_a_provincial_regulator_reads_the_rows_but_may_not_change_or_add_them(client, jiangsu):
    row = headline_row()
    client.force_login(jiangsu)
    listing = client.get(reverse("admin:enforcement_deadlinerule_changelist"))
    assert listing.status_code == 200
    assert "拆解企业" in listing.content.decode()
    page = client.get(change_url(row))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert 'name="_preview"' not in page.content.decode()
    refused = client.post(change_url(row), form_data(row, days=1, change_reason="试图修改"))
    assert refused.status_code == 403
    assert client.get(add_url(DeadlineRule)).status_code == 403
    assert client.get(add_url(CalendarOverride)).status_code == 403
    row.refresh_from_db()
    assert row.days == 15


def test_an_enterprise_user_cannot_open_the_back_office(client, enterprise_a):
    operator = user_of("enterprise_admin", enterprise=enterprise_a)
    client.force_login(operator)
    response = client.get(reverse("admin:enforcement_deadlinerule_changelist"))
    assert response.status_code == 302  # to the admin login: not staff
    assert "/admin/login/" in response["Location"]


def test_a_provincial_regulator_with_a_stray_change_permission_still_cannot_edit(client, jiangsu):
    from django.contrib.auth.models import Permission

    jiangsu.user_permissions.add(Permission.objects.get(codename="change_deadlinerule"))
    row = headline_row()
    client.force_login(jiangsu)
    response = client.post(change_url(row), form_data(row, days=1, change_reason="越权"))
    assert response.status_code == 403


def test_deadline_and_penalty_rows_are_never_deleted(client, miit):
    client.force_login(miit)
    deadline = headline_row()
    penalty = PenaltyRule.objects.get(rule="late_reporting")
    for row in (deadline, penalty):
        url = reverse(f"admin:enforcement_{row._meta.model_name}_delete", args=[row.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, {"post": "yes"}).status_code == 403
    listing = client.get(reverse("admin:enforcement_deadlinerule_changelist"))
    assert "delete_selected" not in listing.content.decode()
    assert DeadlineRule.objects.filter(pk=deadline.pk).exists()


# --- History --------------------------------------------------------------------------------------


def test_every_change_is_kept_with_who_when_why_and_each_old_and_new_value(client, miit):
    row = headline_row()
    client.force_login(miit)
    client.post(
        change_url(row), form_data(row, days=10, unit="calendar", change_reason="令73号细则")
    )
    latest = row.history.order_by("-history_id").first()
    assert latest.history_user == miit
    assert latest.history_change_reason == "令73号细则"
    changes = {c.field: (c.old, c.new) for c in latest.diff_against(latest.prev_record).changes}
    assert changes == {"days": (15, 10), "unit": ("working", "calendar")}

    page = client.get(reverse("admin:enforcement_deadlinerule_history", args=[row.pk]))
    text = re.sub(r"\s+", " ", page.content.decode())
    assert re.search(r"期限（天）:</strong> 15 &nbsp;&rarr;&nbsp;&nbsp;10", text)
    assert re.search(r"计算方式:</strong> 工作日 &nbsp;&rarr;&nbsp;&nbsp;自然日", text)
    assert miit.username in text and "令73号细则" in text


def test_changing_a_row_without_a_reason_is_refused_with_a_message(client, miit):
    row = headline_row()
    client.force_login(miit)
    response = client.post(change_url(row), form_data(row, days=10))
    assert response.status_code == 200
    assert "请填写修改理由" in response.content.decode()
    row.refresh_from_db()
    assert row.days == 15


# --- Overlapping validity ------------------------------------------------------------------------


def test_an_overlapping_validity_is_a_form_error_that_names_the_row_in_force(client, miit):
    client.force_login(miit)
    new_row = DeadlineRule(
        **{**row_fields(headline_row()), "days": 20, "valid_from": dt.date(2026, 7, 1)}
    )
    response = client.post(add_url(DeadlineRule), form_data(new_row))
    assert response.status_code == 200
    text = response.content.decode()
    assert "有效期 2026-07-01 – 长期 与已有的" in text
    assert "2026-04-01 – 长期" in text
    assert "Constraint" not in text and "约束" not in text
    assert DeadlineRule.objects.filter(days=20, anchor="scrap_vehicle").count() == 0


def test_ending_the_row_in_force_first_lets_the_next_row_start(client, miit):
    client.force_login(miit)
    row = headline_row()
    ended = client.post(
        change_url(row), form_data(row, valid_to="2026-06-30", change_reason="新细则自7月起施行")
    )
    assert ended.status_code == 302
    new_row = DeadlineRule(**{**row_fields(row), "days": 20, "valid_from": dt.date(2026, 7, 1)})
    added = client.post(add_url(DeadlineRule), form_data(new_row))
    assert added.status_code == 302, added.content.decode()[:3000]
    assert list(
        DeadlineRule.objects.filter(
            event_kind="handover", anchor="scrap_vehicle", valid_from__gte=ORDER_73
        )
        .order_by("valid_from")
        .values_list("valid_from", "valid_to", "days")
    ) == [(ORDER_73, dt.date(2026, 6, 30), 15), (dt.date(2026, 7, 1), None, 20)]


def test_a_penalty_row_overlapping_another_or_with_an_upside_down_fine_range_is_a_form_error(
    client, miit
):
    client.force_login(miit)
    row = PenaltyRule.objects.get(rule="late_reporting")
    overlapping = PenaltyRule(**{**row_fields(row), "valid_from": dt.date(2026, 9, 1)})
    response = client.post(add_url(PenaltyRule), form_data(overlapping))
    assert "有效期 2026-09-01 – 长期 与已有的" in response.content.decode()
    upside_down = client.post(
        change_url(row),
        form_data(row, fine_min_yuan=50000, fine_max_yuan=1000, change_reason="测试"),
    )
    assert upside_down.status_code == 200
    assert "罚款上限（1000 元）低于罚款下限（50000 元）" in upside_down.content.decode()


# --- The working-day calendar --------------------------------------------------------------------


def test_making_11_may_a_holiday_moves_a_working_day_deadline_by_one_day(client, miit):
    assert due(dt.date(2026, 5, 6), 15) == dt.date(2026, 5, 26)
    client.force_login(miit)
    response = client.post(
        add_url(CalendarOverride),
        {"day": "2026-05-11", "is_working": "", "reason": "临时放假（测试）"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert CalendarDay.objects.get(day=dt.date(2026, 5, 11)).is_working is False
    assert due(dt.date(2026, 5, 6), 15) == dt.date(2026, 5, 27)
    override = CalendarOverride.objects.get(day=dt.date(2026, 5, 11))
    assert override.history.get().history_user == miit

    url = reverse("admin:enforcement_calendaroverride_delete", args=[override.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert due(dt.date(2026, 5, 6), 15) == dt.date(2026, 5, 26)
    assert override.history.order_by("-history_id").first().history_type == "-"


def test_a_working_override_on_a_rest_day_is_saved_with_a_note_that_nothing_changed(client, miit):
    client.force_login(miit)
    response = client.post(
        add_url(CalendarOverride),
        {"day": "2026-05-12", "is_working": "on", "reason": "重复录入"},
        follow=True,
    )
    assert "本来就是工作日" in response.content.decode()
    assert due(dt.date(2026, 5, 6), 15) == dt.date(2026, 5, 26)


def test_entering_a_year_the_package_carries_is_refused_and_a_later_year_rebuilds_the_table(
    client, miit
):
    client.force_login(miit)
    url = add_url(OfficialScheduleYear)
    refused = client.post(url, {"year": "2026", "source": "国办发明电〔2025〕7号"})
    assert "已由 chinesecalendar 软件包提供" in refused.content.decode()
    assert CalendarDay.objects.get(day=dt.date(2036, 3, 3)).official is False
    accepted = client.post(url, {"year": "2036", "source": "国办发明电〔2035〕1号（测试）"})
    assert accepted.status_code == 302
    assert CalendarDay.objects.get(day=dt.date(2036, 3, 3)).official is True


@pytest.mark.parametrize(
    ("model", "shown"),
    [
        (DeadlineRule, "该事件发生之日"),
        (PenaltyRule, "未按期上报"),
        (CalendarOverride, "劳动节后临时放假（测试）"),
        (OfficialScheduleYear, "2036"),
    ],
)
def test_each_changelist_shows_its_rows_to_both_kinds_of_regulator(
    client, miit, jiangsu, model, shown
):
    CalendarOverride.objects.create(
        day=dt.date(2026, 5, 11), is_working=False, reason="劳动节后临时放假（测试）"
    )
    OfficialScheduleYear.objects.create(year=2036, source="国办发明电〔2035〕1号（测试）")
    url = reverse(f"admin:enforcement_{model._meta.model_name}_changelist")
    for user in (miit, jiangsu):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert shown in response.content.decode()
    assert 'class="addlink"' not in response.content.decode()  # the province may not add


def test_the_history_says_any_role_where_the_old_value_was_blank(client, miit):
    row = DeadlineRule.objects.get(
        event_kind="receipt_confirm", reporter_role="", anchor="handover", valid_from=ORDER_73
    )
    client.force_login(miit)
    response = client.post(
        change_url(row), form_data(row, reporter_role="utilizer", change_reason="限定接收方")
    )
    assert response.status_code == 302
    page = client.get(reverse("admin:enforcement_deadlinerule_history", args=[row.pk]))
    text = re.sub(r"\s+", " ", page.content.decode())
    assert re.search(
        r"上报企业类型:</strong> 任何企业类型 &nbsp;&rarr;&nbsp;&nbsp;综合利用企业", text
    )
