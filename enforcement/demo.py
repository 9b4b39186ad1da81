"""Enforcement demo: a scan has run as of today and every review queue holds cases.

Runs after the enterprises and batteries demos. A few more demo packs (traceability code
XM26ENF) are driven through the real services into situations the scans flag — a sale
reported months late, sales where no outlet operates, a vehicle scrapped without its pack,
a handover to an unqualified receiver, a repurposing for e-bikes —, refused codes are
submitted, the sample of the commerce authorities' scrapped-vehicle register is loaded,
every scan runs, and a few cases go through the review desk. Idempotent.
"""

import datetime as dt
import sys

from django.utils import timezone

from batteries.models import Battery, Channel
from batteries.services.events import EventInput, events_record
from batteries.services.packs import PackInput, packs_register
from common.battery_code import make_battery_code
from common.identifiers import make_vin
from enforcement.models import Case, Rule
from enforcement.scans import scan_run
from enforcement.services.cases import CaseRefused, case_act
from enterprises.demo import demo_enterprise
from enterprises.models import User

MANUFACTURER = "D01"
TRACE = "XM26ENF"
DAY = dt.timedelta(days=1)


def _unambiguous(day: dt.date) -> dt.date:
    return day - 5 * DAY if day.day > 26 else day


def _check(result, what: str) -> None:
    if not result.ok:
        raise RuntimeError(f"enforcement demo {what}: {[str(e.message) for e in result.errors]}")


class _Driver:
    """Record demo events at chosen past moments, through the one service path."""

    def __init__(self, now: dt.datetime):
        self.now = now
        self.parties = {
            key: demo_enterprise(key)
            for key in ("battery", "vehicle", "dismantler", "utilizer", "swap", "dealer")
        }

    def ago(self, days: float, hours: int = 10) -> dt.datetime:
        moment = timezone.localtime(self.now - days * DAY)
        return moment.replace(hour=hours, minute=0, second=0, microsecond=0)

    def step(self, battery, kind, reporter, days_ago, *, reported_days_ago=None, **fields):
        occurred = self.ago(days_ago)
        reported = self.ago(reported_days_ago, 16) if reported_days_ago is not None else None
        result = events_record(
            items=[EventInput(code=battery.code, kind=kind, occurred_at=occurred, **fields)],
            reporter=self.parties[reporter],
            channel=Channel.WEB,
            now=reported or occurred + dt.timedelta(hours=3),
        )
        _check(result, kind)
        battery.refresh_from_db()

    def sold(self, battery, index: int, *, sold_ago: int, dealer: bool = False, **sale) -> str:
        vin = make_vin("LDP31B96", f"E{index:07d}")
        uscc = self.parties["vehicle"].uscc
        self.step(battery, "produce", "battery", sold_ago + 40)
        self.step(battery, "deliver", "battery", sold_ago + 35, counterparty_uscc=uscc)
        self.step(battery, "install", "vehicle", sold_ago + 30, vin=vin)
        # A dealer, who cannot read the pack, proves the sale with the VIN (decision 0012).
        self.step(battery, "sell", "dealer" if dealer else "vehicle", sold_ago, vin=vin, **sale)
        return vin

    def scrap(self, battery, vin: str, days_ago: int, **declared) -> None:
        from batteries.services.scrap import ScrapInput, vehicles_scrap_record

        result = vehicles_scrap_record(
            items=[
                ScrapInput(
                    vin=vin,
                    certificate_no=f"BF320526{battery.pk:06d}",
                    scrapped_at=self.ago(days_ago),
                    **declared,
                )
            ],
            reporter=self.parties["dismantler"],
            channel=Channel.WEB,
            now=self.ago(days_ago, 17),
        )
        _check(result, "scrap")
        battery.refresh_from_db()


def _packs(driver: _Driver, today: dt.date) -> list[Battery]:
    codes = [
        make_battery_code(
            manufacturer=MANUFACTURER,
            trace=TRACE,
            produced=_unambiguous(today - 260 * DAY),
            serial=80001 + n,
        )
        for n in range(5)
    ]
    result = packs_register(
        items=[PackInput(code=code) for code in codes],
        reporter=driver.parties["battery"],
        channel=Channel.WEB,
        now=driver.ago(250),
    )
    _check(result, "packs")
    return sorted(result.created, key=lambda b: b.code)


def _scenarios(driver: _Driver, packs: list[Battery]) -> None:
    late, changsha, missing, unqualified, ebike = packs
    # A sale reported about 110 days after it happened (30 working days allowed).
    driver.sold(late, 1, sold_ago=130, reported_days_ago=20)
    # A sale in Changsha: no operating outlet of either producer there.
    driver.sold(changsha, 2, sold_ago=60, dealer=True)
    # A vehicle scrapped without its pack.
    vin = driver.sold(missing, 3, sold_ago=120)
    driver.scrap(missing, vin, 45, pack_missing=True)
    # A dismantled pack handed over to a swap and repair company (no outlet, no utilization).
    vin = driver.sold(unqualified, 4, sold_ago=150)
    driver.scrap(unqualified, vin, 70)
    driver.step(unqualified, "dismantle", "dismantler", 68)
    swap = driver.parties["swap"].uscc
    driver.step(unqualified, "handover", "dismantler", 66, counterparty_uscc=swap)
    # A pack repurposed for e-bikes by the utilizer.
    vin = driver.sold(ebike, 5, sold_ago=160)
    driver.scrap(ebike, vin, 100)
    driver.step(ebike, "dismantle", "dismantler", 98)
    utilizer = driver.parties["utilizer"].uscc
    driver.step(ebike, "handover", "dismantler", 95, counterparty_uscc=utilizer)
    driver.step(ebike, "receipt_confirm", "utilizer", 93)
    new_code = make_battery_code(
        manufacturer=MANUFACTURER, produced=_unambiguous(driver.ago(90).date()), serial=801,
        repurposed=True,
    )  # fmt: skip
    declared = {"new_code": new_code, "declared_use": "低速电动自行车换电电池组"}
    driver.step(ebike, "repurpose", "utilizer", 80, details=declared)


def _refused_codes(driver: _Driver, today: dt.date) -> None:
    """Submit codes the registry refuses: they are logged, never registered."""
    good = make_battery_code(
        manufacturer=MANUFACTURER, trace=TRACE, produced=_unambiguous(today - 30 * DAY), serial=1
    )
    for code in (good[:14] + "Z" + good[15:], "E77" + good[3:]):  # a bad year; a foreign maker
        packs_register(
            items=[PackInput(code=code)], reporter=driver.parties["battery"], channel=Channel.WEB
        )


def _review() -> None:
    """Take some cases through the review desk so each queue shows something, for both."""
    miit, jiangsu = User.objects.get(username="miit"), User.objects.get(username="jiangsu")
    dismantler = demo_enterprise("dismantler")
    confirmed = "移交对象无综合利用资质，证据确凿。"
    dismissed = "企业已说明系录入错误，编码未实际使用。"
    settled = "接收方异议系包装破损所致，双方已另行协商处理，不予立案。"
    cases = Case.objects.filter(status__in=Case.OPEN_STATUSES).order_by("pk")
    unconfirmed = cases.filter(rule=Rule.HANDOVER_NOT_CONFIRMED)
    steps = [
        (cases.filter(rule=Rule.SCRAPPED_PACK_NOT_HANDED_OVER), jiangsu, "assign", ""),
        (cases.filter(rule=Rule.HANDOVER_TO_UNQUALIFIED_RECEIVER), jiangsu, "confirm", confirmed),
        (unconfirmed.filter(enterprise=dismantler), jiangsu, "dismiss", settled),
        (unconfirmed.exclude(enterprise=dismantler), miit, "assign", ""),
        (cases.filter(rule=Rule.CODING_VIOLATION), miit, "dismiss", dismissed),
    ]
    for candidates, actor, action, reason in steps:
        case = candidates.first()
        if case is None:
            continue
        try:
            case_act(case=case, actor=actor, action=action, reason=reason)
        except CaseRefused:
            continue


def seed() -> list[tuple[str, str, str]]:
    """Drive the enforcement demo, scan as of today and review a few cases."""
    if Battery.objects.filter(manufacturer_code=MANUFACTURER, trace_code=TRACE).exists():
        return []
    now = timezone.now()
    today = timezone.localdate(now)
    driver = _Driver(now)
    _scenarios(driver, _packs(driver, today))
    _refused_codes(driver, today)
    try:
        from enforcement.services.register import register_sample_load

        register_sample_load(User.objects.get(username="miit"))
    except ImportError:
        pass
    outcomes = scan_run(as_of=today, started_by="demo")
    from enforcement.sanctions.demo import ladder_seed

    ladder_seed(driver)
    _review()
    found = ", ".join(f"{o.run.rule} {o.run.found}" for o in outcomes)
    sys.stdout.write(f"违法线索扫描 / Scan as of {today}: {found}\n")
    return []
