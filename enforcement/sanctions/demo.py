"""Demo data of the sanction ladder: the Jiangsu dismantler's cases at every rung.

Called by enforcement.demo after its scan. Each case holds a real pack scrapped months
ago and never handed over (the headline rule), found by the real scan, confirmed by the
Jiangsu official and walked up the ladder through the real services at moments in the
past, so that today there is a case awaiting its response, one whose response waits for
review, one closed after a returned and then accepted rectification, one overdue with
its proposed warning, one warned, notices inside and past their defence period, an
unpaid fine (partly paid, surcharge accruing) and a paid one. MIIT orders one case of
its own. The documents' PDFs are rendered by the worker once `make run` starts it.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from batteries.models import Channel
from batteries.services.packs import PackInput, packs_register
from common.battery_code import make_battery_code
from enforcement import rules
from enforcement.models import Case, CaseStep, Rule
from enforcement.sanctions import services as ladder
from enforcement.sanctions.recheck import case_recheck
from enforcement.scans import scan_run
from enforcement.services.cases import case_act
from enterprises.models import User

HEADLINE = Rule.SCRAPPED_PACK_NOT_HANDED_OVER
SERIAL = 80_101


@dataclass
class _Walk:
    """Walk one case up the ladder; `d` counts days before now."""

    case: Case
    driver: object
    official: User
    enterprise_user: User | None

    def at(self, d: int, hour: int = 10) -> dt.datetime:
        return self.driver.ago(d, hour)

    def order(self, d: int) -> None:
        ladder.order_issue(case=self.case, actor=self.official, now=self.at(d))
        self.case.refresh_from_db()

    def lapse(self) -> None:
        due = self.case.due_on
        case_recheck(case_id=self.case.pk, deadline=due, now=self._after(due))
        self.case.refresh_from_db()

    def _after(self, day: dt.date) -> dt.datetime:
        zone = timezone.get_current_timezone()
        return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(2, 30), tzinfo=zone)

    def warn(self, d: int) -> None:
        ladder.warning_issue(case=self.case, actor=self.official, now=self.at(d))
        self.case.refresh_from_db()

    def respond(self, d: int, text: str) -> None:
        ladder.rectification_submit(
            case=self.case, actor=self.enterprise_user, statement=text, now=self.at(d)
        )
        self.case.refresh_from_db()

    def review(self, d: int, action: str, reason: str = "") -> None:
        ladder.rectification_review(
            case=self.case, actor=self.official, action=action, reason=reason, now=self.at(d)
        )
        self.case.refresh_from_db()

    def notice(self, d: int, amount: int) -> None:
        ladder.notice_issue(case=self.case, actor=self.official, amount_yuan=amount, now=self.at(d))
        self.case.refresh_from_db()

    def decide(self, d: int, amount: int, assessment: str) -> None:
        ladder.fine_decide(
            case=self.case,
            actor=self.official,
            amount_yuan=amount,
            assessment=assessment,
            now=self.at(d),
        )
        self.case.refresh_from_db()

    def pay(self, d: int, yuan: int, voucher: str) -> None:
        ladder.payment_record(
            case=self.case,
            actor=self.official,
            paid_on=timezone.localdate(self.at(d)),
            amount_fen=yuan * 100,
            voucher_no=voucher,
            now=self.at(d, 16),
        )
        self.case.refresh_from_db()


def _scrapped_pack(driver, n: int, *, scrapped_ago: int) -> None:
    """A demo pack sold and scrapped `scrapped_ago` days ago, never handed over."""
    sold_ago = scrapped_ago + 60
    produced = timezone.localdate(driver.ago(sold_ago + 50))
    if produced.day > 26:  # GB/T 34014 day letters after 26 differ between sources
        produced -= dt.timedelta(days=5)
    code = make_battery_code(manufacturer="D01", trace="XM26ENF", produced=produced, serial=n)
    result = packs_register(
        items=[PackInput(code=code)],
        reporter=driver.parties["battery"],
        channel=Channel.WEB,
        now=driver.ago(sold_ago + 45),
    )
    battery = result.created[0]
    vin = driver.sold(battery, n, sold_ago=sold_ago)
    driver.scrap(battery, vin, scrapped_ago)


def _open_case(driver, n: int, *, opened_ago: int) -> Case:
    """Drive a new violating pack, scan, and return the new headline case of the dismantler."""
    dismantler = driver.parties["dismantler"]
    _scrapped_pack(driver, n, scrapped_ago=opened_ago + 40)
    scan_run(as_of=timezone.localdate(driver.now), rules=[HEADLINE], started_by="demo-ladder")
    return Case.objects.get(enterprise=dismantler, rule=HEADLINE, status__in=Case.OPEN_STATUSES)


def _confirm(case: Case, official: User, at: dt.datetime) -> Case:
    case = case_act(case=case, actor=official, action=rules.CONFIRM, reason="证据确凿，予以确认。")
    Case.objects.filter(pk=case.pk).update(opened_at=at, decided_at=at, updated_at=at)
    CaseStep.objects.filter(case=case).update(at=at)
    case.refresh_from_db()
    return case


def ladder_seed(driver) -> None:
    """Walk the dismantler's headline cases to every rung (see the module docstring)."""
    jiangsu = User.objects.get(username="jiangsu")
    operator = (
        User.objects.filter(enterprise=driver.parties["dismantler"], is_active=True)
        .order_by("pk")
        .first()
    )
    # Oldest first, so that numbers roughly follow the dates of issue.
    plans = [_paid, _unpaid, _defence_ended, _defending, _warned, _closed, _overdue]
    plans += [_to_review, _awaiting]
    first = Case.objects.filter(
        enterprise=driver.parties["dismantler"], rule=HEADLINE, status__in=Case.OPEN_STATUSES
    ).first()
    for n, plan in enumerate(plans):
        opened_ago = plan.opened_ago
        case = first if n == 0 and first else _open_case(driver, SERIAL + n, opened_ago=opened_ago)
        case = _confirm(case, jiangsu, driver.ago(opened_ago))
        plan(_Walk(case, driver, jiangsu, operator))
    # One last violation opens a case the review desk still has to take (issue 8's demo).
    _scrapped_pack(driver, SERIAL + len(plans), scrapped_ago=30)
    scan_run(as_of=timezone.localdate(driver.now), rules=[HEADLINE], started_by="demo-ladder")
    _miit_order(driver)


def _plan(opened_ago: int):
    def wrap(fn):
        fn.opened_ago = opened_ago
        return fn

    return wrap


@_plan(8)
def _awaiting(w: _Walk) -> None:
    w.order(6)
    order = w.case.documents.get()
    ladder.document_reissue(
        document=order,
        actor=w.official,
        reason="原通知书当事人地址有误，予以更正。",
        now=w.at(5),
    )


@_plan(15)
def _to_review(w: _Walk) -> None:
    w.order(12)
    w.respond(2, "已与综合利用企业签订回收协议，全部废旧电池已移交，附签收单。")


@_plan(64)
def _closed(w: _Walk) -> None:
    w.order(60)
    w.respond(50, "已完成移交。")
    w.review(48, rules.RETURN, "未附接收方签收单，请补充。")
    w.respond(45, "补充接收方签收单及入库记录。")
    w.review(44, rules.ACCEPT)
    ladder.case_close(case=w.case, actor=w.official, reason="整改到位。", now=w.at(43))


@_plan(52)
def _overdue(w: _Walk) -> None:
    w.order(50)
    w.lapse()


@_plan(124)
def _warned(w: _Walk) -> None:
    w.order(120)
    w.lapse()
    w.warn(12)


def _to_notice(w: _Walk, order_ago: int) -> None:
    w.order(order_ago)
    w.lapse()
    w.warn(order_ago - 30)
    w.lapse()


@_plan(208)
def _defending(w: _Walk) -> None:
    _to_notice(w, 205)
    w.notice(2, 60_000)


@_plan(212)
def _defence_ended(w: _Walk) -> None:
    _to_notice(w, 210)
    w.notice(14, 30_000)
    ladder.defence_submit(
        case=w.case,
        actor=w.enterprise_user,
        kind="statement",
        text="逾期系车辆积压所致，现已整改，请求从轻处罚。",
        now=w.at(12),
    )


@_plan(218)
def _unpaid(w: _Walk) -> None:
    _to_notice(w, 215)
    w.notice(80, 40_000)
    w.decide(60, 40_000, "当事人在规定期限内未提出陈述、申辩。")
    w.pay(50, 10_000, "JS2026-000101")


@_plan(228)
def _paid(w: _Walk) -> None:
    _to_notice(w, 225)
    w.notice(160, 20_000)
    w.decide(145, 20_000, "当事人在规定期限内未提出陈述、申辩。")
    w.pay(135, 20_000, "JS2026-000088")


def _miit_order(driver) -> None:
    """MIIT confirms and orders the utilizer's prohibited-reuse case: the ministry's number."""
    miit = User.objects.get(username="miit")
    case = Case.objects.filter(
        enterprise=driver.parties["utilizer"],
        rule=Rule.PROHIBITED_REUSE,
        status__in=Case.OPEN_STATUSES,
    ).first()
    if case is None:
        return
    case = _confirm(case, miit, driver.ago(4))
    ladder.order_issue(case=case, actor=miit, now=driver.ago(3))
