"""Pure decisions about enterprises: facts in, decision out; no ORM, no I/O, no clock.

- Registration review (status transitions) is the portal's own procedure: Order No. 73 makes
  enterprises report to the national traceability platform, and the platform admits only
  enterprises a regulator has checked.
- Outlet coverage: Order No. 73 obliges battery producers to keep recycling service outlets
  in every province where they sell batteries, vehicle producers in every prefecture-level
  city where they sell NEVs (DOMAIN.md section 1).
"""

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from common.identifiers import normalize_identifier

# --- Registration review -------------------------------------------------------------------

APPROVE, REJECT, SUSPEND, REINSTATE = "approve", "reject", "suspend", "reinstate"
REVIEW_ACTIONS = {
    APPROVE: _("批准"),
    REJECT: _("驳回"),
    SUSPEND: _("暂停"),
    REINSTATE: _("恢复"),
}

# (current status, action) -> new status. Anything not listed is refused.
ENTERPRISE_TRANSITIONS: dict[tuple[str, str], str] = {
    ("pending", APPROVE): "approved",
    ("pending", REJECT): "rejected",
    ("approved", SUSPEND): "suspended",
    ("suspended", REINSTATE): "approved",
}

# A refusal must be explained to the enterprise (administrative-procedure practice).
REASON_REQUIRED = frozenset({REJECT, SUSPEND})


def enterprise_next_status(*, status: str, action: str) -> str | None:
    """Return the status an action leads to from `status`, or None if it is not allowed."""
    return ENTERPRISE_TRANSITIONS.get((status, action))


def enterprise_actions_allowed(*, status: str) -> list[str]:
    """Return the review actions allowed from `status`, in display order."""
    return [action for action in REVIEW_ACTIONS if (status, action) in ENTERPRISE_TRANSITIONS]


def review_reason_required(action: str) -> bool:
    """Return True if the action must carry a written reason."""
    return action in REASON_REQUIRED


# --- Registration data --------------------------------------------------------------------

BATTERY_PRODUCER_ROLES = frozenset({"battery_producer", "battery_importer"})
VEHICLE_PRODUCER_ROLES = frozenset({"vehicle_producer", "vehicle_importer"})
PRODUCER_ROLES = BATTERY_PRODUCER_ROLES | VEHICLE_PRODUCER_ROLES
MANUFACTURER_CODE = re.compile(r"^[0-9A-Z]{3}$")
_CODE_SEPARATORS = re.compile(r"[,，、;；\s]+")


def enterprise_role_problems(
    *, roles: Iterable[str], dismantler_qualification_no: str
) -> dict[str, list[str]]:
    """Return field -> messages for role data an enterprise cannot be registered with."""
    problems: dict[str, list[str]] = {}
    if "dismantler" in set(roles or []) and not (dismantler_qualification_no or "").strip():
        # Dismantlers hold a MOFCOM qualification (报废机动车回收拆解企业资质认定).
        problems["dismantler_qualification_no"] = [
            _("选择“报废机动车回收拆解企业”时，必须填写商务部拆解资质证书编号。")
        ]
    return problems


def parse_manufacturer_codes(text: str) -> list[str]:
    """Return the codes in a comma-, 、- or space-separated list, normalised and de-duplicated."""
    codes = [normalize_identifier(token) for token in _CODE_SEPARATORS.split(text or "")]
    return list(dict.fromkeys(code for code in codes if code))


def manufacturer_code_problems(
    *, roles: Iterable[str], codes: list[str], taken: Iterable[str]
) -> list[str]:
    """Return the messages explaining why these GB/T 34014 manufacturer codes are refused."""
    roles, taken = set(roles or []), set(taken)
    if codes and not roles & PRODUCER_ROLES:
        return [_("只有电池或汽车的生产企业、进口商才能申报厂商代码。")]
    if not codes and roles & BATTERY_PRODUCER_ROLES:
        # Every pack code starts with its producer's code (GB/T 34014 positions 1-3).
        return [_("电池生产企业或进口商须至少填写一个厂商代码。")]
    problems = []
    for code in codes:
        if not MANUFACTURER_CODE.match(code):
            problems.append(
                _("厂商代码“%(code)s”格式错误，应为3位数字或大写字母（0–9、A–Z）。")
                % {"code": code}
            )
        elif code in taken:
            problems.append(_("厂商代码“%(code)s”已被其他企业备案。") % {"code": code})
    return problems


# --- API keys -----------------------------------------------------------------------------

API_KEY_DEFAULT_YEARS = 1
API_KEY_MAX_YEARS = 2


def add_years(day: dt.date, years: int) -> dt.date:
    """Return the same calendar day `years` later (28 February for 29 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def api_key_expiry_problem(*, expires_on: dt.date, today: dt.date) -> str | None:
    """Return why an API key may not expire on this day, or None if it may."""
    latest = add_years(today, API_KEY_MAX_YEARS)
    if expires_on <= today:
        return _("有效期截止日期必须晚于今天。")
    if expires_on > latest:
        return _("API 密钥有效期最长两年，截止日期不能晚于 %(latest)s。") % {
            "latest": latest.isoformat()
        }
    return None


# --- Outlet coverage ----------------------------------------------------------------------

PROVINCE, PREFECTURE = "province", "prefecture"


@dataclass(frozen=True)
class CoverageRow:
    area: str  # 2-digit province or 4-digit prefecture prefix of a GB/T 2260 code
    active_outlets: int

    @property
    def covered(self) -> bool:
        return self.active_outlets > 0


def coverage_levels(roles: Iterable[str]) -> list[str]:
    """Return the levels at which an enterprise must have outlets (importers count as producers,
    unconfirmed)."""
    roles = set(roles or [])
    levels = []
    if roles & BATTERY_PRODUCER_ROLES:
        levels.append(PROVINCE)
    if roles & VEHICLE_PRODUCER_ROLES:
        levels.append(PREFECTURE)
    return levels


def outlet_coverage(
    *, required_areas: Iterable[str], active_outlets: Mapping[str, int]
) -> list[CoverageRow]:
    """Return one row per required area with its number of active outlets, uncovered first."""
    rows = [CoverageRow(area, active_outlets.get(area, 0)) for area in sorted(set(required_areas))]
    return sorted(rows, key=lambda row: row.covered)
