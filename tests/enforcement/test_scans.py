"""The scans judge the registry: each rule around its deadline edges, with literal dates.

Deadlines (enforcement/seed.py, DOMAIN.md section 5): a dismantler hands a scrapped
vehicle's pack to a qualified receiver within 15 working days of the scrapping (2018
provisions art. 13, carried into Order No. 73 unconfirmed); a receiver confirms a handover
within 30 working days (until 2026-03-31) or 30 days (from 2026-04-01, Order No. 73 art. 24,
unconfirmed); a vehicle producer reports the installation within 15 working days (2018
art. 8) or 20 days (Order No. 73, unconfirmed). A period in days ending on a rest day runs
to the next working day. Dates are counted by hand on the 2026 schedule (see
test_calendar.py).
"""

import datetime as dt

import pytest

from batteries.models import ScrappedVehicle, ScrappedVehiclePack
from common.battery_code import make_battery_code
from enforcement.models import Finding
from enforcement.services.calendar import calendar_table_rebuild
from tests.enforcement.scenario import at, outlet, parties, record, scan, scrapped_pack, sold_pack

pytestmark = pytest.mark.django_db
HEADLINE = "scrapped_pack_not_handed_over"


@pytest.fixture
def p():
    return parties()


def _hand_over(battery, p, day: str, *, to=None):
    return record(
        battery, "handover", p.dismantler, at(day), counterparty_uscc=(to or p.utilizer).uscc
    )


# --- scrapped_pack_not_handed_over ---------------------------------------------------------------


def test_a_pack_handed_over_on_the_last_day_is_not_flagged(p):
    battery = scrapped_pack(p, scrapped="2026-05-06")
    _hand_over(battery, p, "2026-05-26")  # 15 working days after 6 May (9 May worked)
    assert scan("2026-06-30", HEADLINE)[HEADLINE] == []


def test_a_pack_handed_over_a_day_late_is_flagged_and_cured(p):
    battery = scrapped_pack(p, scrapped="2026-05-06")
    handover = _hand_over(battery, p, "2026-05-27")
    [finding] = scan("2026-06-30", HEADLINE)[HEADLINE]
    assert finding["subject"] == battery.code
    assert finding["enterprise"] == p.dismantler.uscc
    assert (finding["anchor_date"], finding["deadline"]) == ("2026-05-06", "2026-05-26")
    assert handover.pk in finding["evidence"]
    stored = Finding.objects.get(rule=HEADLINE, subject=battery.code)
    assert stored.cured_at.date() == dt.date(2026, 5, 27)


def test_a_pack_never_handed_over_is_flagged_the_day_after_its_deadline(p):
    battery = scrapped_pack(p, scrapped="2026-05-06")
    assert scan("2026-05-26", HEADLINE)[HEADLINE] == []
    [finding] = scan("2026-05-27", HEADLINE)[HEADLINE]
    assert finding["subject"] == battery.code and finding["cured_at"] is None


def test_the_spring_festival_and_its_make_up_saturdays_count(p):
    battery = scrapped_pack(p, scrapped="2026-02-10")  # 2018 provisions, 15 working days
    _hand_over(battery, p, "2026-03-09")
    assert scan("2026-04-30", HEADLINE)[HEADLINE] == []
    late = scrapped_pack(p, scrapped="2026-02-10")
    _hand_over(late, p, "2026-03-10")
    [finding] = scan("2026-04-30", HEADLINE)[HEADLINE]
    assert (finding["subject"], finding["deadline"]) == (late.code, "2026-03-09")


def test_national_day_and_the_make_up_days_around_it_count(p):
    battery = scrapped_pack(p, scrapped="2026-09-24")
    assert scan("2026-10-22", HEADLINE)[HEADLINE] == []
    [finding] = scan("2026-10-23", HEADLINE)[HEADLINE]
    assert (finding["subject"], finding["deadline"]) == (battery.code, "2026-10-22")


def test_an_override_moves_the_deadline(p):
    from enforcement.models import CalendarOverride

    battery = scrapped_pack(p, scrapped="2026-05-06")
    _hand_over(battery, p, "2026-05-27")
    assert len(scan("2026-06-30", HEADLINE)[HEADLINE]) == 1
    Finding.objects.all().delete()
    CalendarOverride.objects.create(day=dt.date(2026, 5, 11), is_working=False, reason="示例")
    calendar_table_rebuild()
    assert scan("2026-06-30", HEADLINE)[HEADLINE] == []  # due 27 May now


def test_a_pack_in_the_register_but_never_scrapped_in_the_portal_is_flagged(p):
    from enforcement.models import ScrapRegisterEntry

    battery = sold_pack(p)
    ScrapRegisterEntry.objects.create(
        certificate_no="BF-REG-0001",
        vin=battery.vehicle.vin,
        scrapped_on=dt.date(2026, 6, 1),
        dismantler_uscc=p.dismantler.uscc,
        dismantler=p.dismantler,
        imported_at=at("2026-06-02"),
    )
    # 1 June + 15 working days (19 June, Dragon Boat, off) = 23 June.
    assert scan("2026-06-23", HEADLINE)[HEADLINE] == []
    [finding] = scan("2026-06-24", HEADLINE)[HEADLINE]
    assert finding["subject"] == battery.code and finding["deadline"] == "2026-06-23"
    assert finding["enterprise"] == p.dismantler.uscc
    assert finding["details"]["source"] == "register"


# --- vehicle_scrapped_without_pack ---------------------------------------------------------------


def _scrap_record(p, battery, *, status, arrived=False, cert="BF-REC-1"):
    record_ = ScrappedVehicle.objects.create(
        certificate_no=cert,
        vin=battery.vehicle.vin,
        vehicle=battery.vehicle,
        dismantler=p.dismantler,
        scrapped_at=at("2026-07-01"),
        pack_status=status,
        channel="web",
    )
    ScrappedVehiclePack.objects.create(record=record_, battery=battery, arrived=arrived)
    return record_


def test_a_scrap_record_without_its_pack_is_flagged(p):
    battery = sold_pack(p)
    _scrap_record(p, battery, status="missing")
    rule = "vehicle_scrapped_without_pack"
    [finding] = scan("2026-07-02", rule)[rule]
    assert finding["subject"] == battery.vehicle.vin
    assert finding["enterprise"] == p.dismantler.uscc


def test_a_swap_model_scrapped_without_its_pack_is_exempt(p):
    battery = sold_pack(p)
    _scrap_record(p, battery, status="swap_pool")
    rule = "vehicle_scrapped_without_pack"
    assert scan("2026-07-02", rule)[rule] == []


def test_a_register_vin_whose_pack_left_before_the_scrapping_is_flagged(p):
    from enforcement.models import ScrapRegisterEntry

    battery = sold_pack(p)
    vin = battery.vehicle.vin
    record(battery, "remove_for_repair", p.repairer, at("2026-03-02"), vin=vin, document_ref="WX-1")
    ScrapRegisterEntry.objects.create(
        certificate_no="BF-REG-0002",
        vin=vin,
        scrapped_on=dt.date(2026, 5, 20),
        dismantler_uscc=p.dismantler.uscc,
        dismantler=p.dismantler,
        imported_at=at("2026-05-20"),
    )
    rule = "vehicle_scrapped_without_pack"
    [finding] = scan("2026-05-21", rule)[rule]
    assert finding["subject"] == vin and finding["details"]["source"] == "register"
    # The pack left the vehicle: the headline rule does not also hold the dismantler for it.
    assert scan("2026-07-31", HEADLINE)[HEADLINE] == []


# --- handover_not_confirmed ----------------------------------------------------------------------


def _handed_over(p, day: str, reported: str | None = None):
    battery = scrapped_pack(p, scrapped="2026-03-02")
    record(
        battery,
        "handover",
        p.dismantler,
        at(day),
        at(reported) if reported else None,
        counterparty_uscc=p.utilizer.uscc,
    )
    return battery


RULE_UNCONFIRMED = "handover_not_confirmed"


def test_a_handover_of_31_march_has_30_working_days_to_be_confirmed(p):
    battery = _handed_over(p, "2026-03-31")
    record(battery, "receipt_confirm", p.utilizer, at("2026-05-15"))
    assert scan("2026-06-30", RULE_UNCONFIRMED)[RULE_UNCONFIRMED] == []


def test_a_handover_of_1_april_has_30_days_extended_past_labour_day(p):
    battery = _handed_over(p, "2026-04-01")
    record(battery, "receipt_confirm", p.utilizer, at("2026-05-07"))
    [finding] = scan("2026-06-30", RULE_UNCONFIRMED)[RULE_UNCONFIRMED]
    assert finding["enterprise"] == p.utilizer.uscc
    assert (finding["deadline"], finding["cured_at"][:10]) == ("2026-05-06", "2026-05-07")


def test_an_open_handover_is_flagged_once_its_deadline_has_passed(p):
    battery = _handed_over(p, "2026-04-01")
    assert scan("2026-05-06", RULE_UNCONFIRMED)[RULE_UNCONFIRMED] == []
    [finding] = scan("2026-05-07", RULE_UNCONFIRMED)[RULE_UNCONFIRMED]
    assert finding["subject"] == battery.code and finding["cured_at"] is None


def test_the_receivers_deadline_counts_from_when_the_handover_was_reported(p):
    battery = _handed_over(p, "2026-04-01", reported="2026-04-10")
    # 10 April + 30 days = 10 May, a Sunday: the deadline is Monday 11 May.
    record(battery, "receipt_confirm", p.utilizer, at("2026-05-11"))
    assert scan("2026-06-30", RULE_UNCONFIRMED)[RULE_UNCONFIRMED] == []


def test_a_dispute_left_unsettled_is_a_finding_for_both_sides(p):
    battery = _handed_over(p, "2026-05-25")
    record(battery, "receipt_dispute", p.utilizer, at("2026-06-01"), details={"reason": "破损"})
    # Settled within 30 days of the dispute: by 1 July.
    assert scan("2026-07-01", RULE_UNCONFIRMED)[RULE_UNCONFIRMED] == []
    findings = scan("2026-07-02", RULE_UNCONFIRMED)[RULE_UNCONFIRMED]
    assert {f["enterprise"] for f in findings} == {p.dismantler.uscc, p.utilizer.uscc}
    _hand_over(battery, p, "2026-07-03")
    scan("2026-07-04", RULE_UNCONFIRMED)
    cured = Finding.objects.filter(rule=RULE_UNCONFIRMED, cured_at__isnull=False)
    assert cured.count() == 2


# --- late_reporting ------------------------------------------------------------------------------

LATE = "late_reporting"


_SERIALS = iter(range(900, 999))


def _installed(p, occurred: str, reported: str):
    code = make_battery_code(
        manufacturer="S01", produced=dt.date(2026, 1, 5), serial=next(_SERIALS)
    )
    from batteries.models import Channel
    from batteries.services.packs import PackInput, packs_register
    from common.identifiers import make_vin

    battery = packs_register(
        items=[PackInput(code=code)], reporter=p.producer, channel=Channel.WEB, now=at("2026-01-06")
    ).created[0]
    record(battery, "produce", p.producer, at("2026-01-07"))
    record(battery, "deliver", p.producer, at("2026-01-08"), counterparty_uscc=p.maker.uscc)
    return record(
        battery,
        "install",
        p.maker,
        at(occurred),
        at(reported),
        vin=make_vin("LSC12B34", f"L{battery.pk:07d}"),
    )


def test_an_installation_reported_on_the_extended_last_day_is_on_time(p):
    # Order No. 73: 20 days; 1 June + 20 = 21 June (Dragon Boat holiday) → 22 June.
    _installed(p, "2026-06-01", "2026-06-22")
    assert scan("2026-07-31", LATE)[LATE] == []


def test_an_installation_reported_a_day_after_is_late(p):
    event = _installed(p, "2026-06-01", "2026-06-23")
    [finding] = scan("2026-07-31", LATE)[LATE]
    assert finding["evidence"] == [event.pk] and finding["deadline"] == "2026-06-22"
    assert finding["enterprise"] == p.maker.uscc


def test_an_event_is_judged_by_the_rule_in_force_on_the_day_it_occurred(p):
    # Occurred 10 March (2018 provisions: 15 working days → 31 March); Order No. 73's
    # 20 days would end on 30 March.
    _installed(p, "2026-03-10", "2026-03-31")
    assert scan("2026-07-31", LATE)[LATE] == []
    _installed(p, "2026-03-10", "2026-04-01")
    [finding] = scan("2026-07-31", LATE)[LATE]
    assert finding["deadline"] == "2026-03-31"


def test_an_override_can_make_a_late_report_timely(p):
    from enforcement.models import CalendarOverride

    _installed(p, "2026-06-01", "2026-06-23")
    CalendarOverride.objects.create(day=dt.date(2026, 6, 22), is_working=False, reason="示例")
    calendar_table_rebuild()
    assert scan("2026-07-31", LATE)[LATE] == []


# --- outlet_coverage_gap, coding_violation, prohibited_reuse -------------------------------------


def test_sales_in_a_province_without_an_outlet_are_a_gap_until_one_opens(p):
    sold_pack(p, sold="2026-06-10")  # sold by the Hunan dealer (430104)
    rule = "outlet_coverage_gap"
    findings = {(f["enterprise"], f["subject"]) for f in scan("2026-11-30", rule)[rule]}
    assert findings == {(p.producer.uscc, "43"), (p.maker.uscc, "4301")}
    outlet(p.producer, "430102", status="closed")
    assert len(scan("2026-11-30", rule)[rule]) == 2  # a closed outlet covers nothing
    outlet(p.producer, "430102")
    outlet(p.maker, "430111")
    assert scan("2026-11-30", rule)[rule] == []
    assert Finding.objects.filter(rule=rule, cured_at__isnull=False).count() == 2


def test_sales_older_than_twelve_months_are_not_a_gap(p):
    sold_pack(p, sold="2026-01-20")
    rule = "outlet_coverage_gap"
    assert scan("2027-02-01", rule)[rule] == []


def test_a_rejected_code_is_a_coding_violation_of_its_submitter(p):
    from batteries.models import CodeRejection

    CodeRejection.objects.create(
        enterprise=p.producer,
        code="S01PB01ABCDEFGZ1A0000001",
        error_code="code.year",
        message="年份错误",
        channel="api",
        first_at=at("2026-11-02"),
        last_at=at("2026-11-03"),
    )
    rule = "coding_violation"
    [finding] = scan("2026-11-30", rule)[rule]
    assert (finding["subject"], finding["enterprise"]) == (
        "S01PB01ABCDEFGZ1A0000001",
        p.producer.uscc,
    )


def test_a_repurposing_for_e_bikes_is_prohibited_reuse(p):
    battery = _handed_over(p, "2026-04-01")
    record(battery, "receipt_confirm", p.utilizer, at("2026-04-02"))
    new_code = make_battery_code(
        manufacturer="S01", produced=dt.date(2026, 4, 3), serial=7, repurposed=True
    )
    event = record(
        battery,
        "repurpose",
        p.utilizer,
        at("2026-04-10"),
        details={"new_code": new_code, "declared_use": "电动自行车电池组"},
    )
    rule = "prohibited_reuse"
    [finding] = scan("2026-11-30", rule)[rule]
    assert finding["evidence"] == [event.pk] and finding["enterprise"] == p.utilizer.uscc


def test_a_repurposing_for_energy_storage_is_not_flagged(p):
    battery = _handed_over(p, "2026-04-01")
    record(battery, "receipt_confirm", p.utilizer, at("2026-04-02"))
    new_code = make_battery_code(
        manufacturer="S01", produced=dt.date(2026, 4, 3), serial=8, repurposed=True
    )
    record(
        battery,
        "repurpose",
        p.utilizer,
        at("2026-04-10"),
        details={"new_code": new_code, "declared_use": "储能电站"},
    )
    rule = "prohibited_reuse"
    assert scan("2026-11-30", rule)[rule] == []


def test_a_late_report_is_a_finding_only_once_its_deadline_has_passed(p):
    _installed(p, "2026-06-01", "2026-06-23")  # due 22 June
    assert scan("2026-06-22", LATE)[LATE] == []
    assert len(scan("2026-06-23", LATE)[LATE]) == 1


def test_importers_have_the_reporting_deadlines_of_producers():
    from enforcement.models import DeadlineRule

    for kind, role in (
        ("handover", "battery_importer"),
        ("handover", "vehicle_importer"),
        ("sell", "vehicle_importer"),
    ):
        rows = DeadlineRule.objects.filter(event_kind=kind, reporter_role=role, anchor="")
        assert {(r.days, r.unit, r.valid_from.isoformat()) for r in rows} == {
            (30, "working", "2018-08-01"),
            (30, "working", "2026-04-01"),
        }
