"""Navigation per role: each app adds its entries here, in display order.

A menu offers only what the user can use: regulators the desk and the registry, enterprise
users what their enterprise's roles allow, and an enterprise not (or no longer) approved
only its own page and the public code check until a regulator approves it.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    audience: frozenset[str]  # "regulator", "enterprise", "enterprise_admin"
    # For enterprise users: shown only to enterprises holding one of these roles (empty: all).
    roles: frozenset[str] = frozenset()
    # Shown to users of an enterprise that is not approved (pending, rejected, suspended).
    before_approval: bool = False


REGULATOR = frozenset({"regulator"})
ENTERPRISE = frozenset({"enterprise", "enterprise_admin"})
ENTERPRISE_ADMIN = frozenset({"enterprise_admin"})
EVERYONE = REGULATOR | ENTERPRISE

# Outlets are set up by battery and vehicle producers (and importers) and run by them or
# by an outlet operator: dismantlers, utilizers, dealers, repairers have none to manage.
OUTLET_ROLES = frozenset(
    {
        "battery_producer",
        "battery_importer",
        "vehicle_producer",
        "vehicle_importer",
        "outlet_operator",
    }
)

ITEMS: list[NavItem] = [
    NavItem(_("企业审核"), "enterprises:review_list", REGULATOR),
    NavItem(_("企业名录"), "enterprises:enterprise_list", REGULATOR),
    NavItem(_("案件审查"), "enforcement:case_list", REGULATOR),
    # The figures of the scope (stats.views.dashboard); enterprises see theirs further on.
    NavItem(_("统计分析"), "stats:dashboard", REGULATOR),
    # The monthly inspection priority list (stats.scorecard): who to inspect first, and why.
    NavItem(_("重点检查"), "stats_scorecard:priority_list", REGULATOR),
    NavItem(_("本企业"), "enterprises:my_enterprise", ENTERPRISE, before_approval=True),
    NavItem(
        pgettext_lazy("navigation: the list of packs", "电池包"), "batteries:pack_list", EVERYONE
    ),
    NavItem(_("待我确认的移交"), "batteries:handover_inbox", ENTERPRISE),
    # Dismantlers report scrapped vehicles here; regulators read the records.
    NavItem(_("报废车辆"), "batteries:scrap_list", EVERYONE, frozenset({"dismantler"})),
    NavItem(_("数据导入"), "batteries:import_list", EVERYONE),
    NavItem(_("编码校验"), "batteries:code_check", EVERYONE, before_approval=True),
    NavItem(_("我的案件"), "enforcement:case_list", ENTERPRISE),
    NavItem(_("统计分析"), "stats:dashboard", ENTERPRISE),
    NavItem(_("回收服务网点"), "enterprises:outlet_list", ENTERPRISE, OUTLET_ROLES),
    NavItem(_("API 密钥"), "enterprises:api_key_list", ENTERPRISE_ADMIN),
    NavItem(_("管理后台"), "admin:index", REGULATOR),
]


def audience_of(user) -> str | None:
    if user is None or not user.is_authenticated:
        return None
    if user.is_regulator:
        return "regulator"
    if user.is_enterprise_admin:
        return "enterprise_admin"
    return "enterprise"


def _enterprise_approved(user) -> bool:
    enterprise = getattr(user, "enterprise", None)
    return enterprise is not None and enterprise.is_approved


def _shown(item: NavItem, user, audience: str) -> bool:
    if audience not in item.audience:
        return False
    if audience == "regulator":
        return True
    if not _enterprise_approved(user):
        return item.before_approval
    return not item.roles or bool(item.roles & set(user.enterprise.roles or []))


def menu_for(user, path: str = "") -> list[dict]:
    """Return the menu entries the user may see; entries whose page is not built are skipped.

    The entry whose address is the longest prefix of `path` is marked `current`.
    """
    audience = audience_of(user)
    if audience is None:
        return []
    items = []
    for item in ITEMS:
        if not _shown(item, user, audience):
            continue
        try:
            items.append({"label": item.label, "url": reverse(item.url_name), "current": False})
        except NoReverseMatch:
            continue
    matches = [entry for entry in items if path.startswith(entry["url"])]
    if matches:
        max(matches, key=lambda entry: len(entry["url"]))["current"] = True
    return items
