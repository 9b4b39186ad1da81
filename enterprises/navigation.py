"""Navigation per role: each app adds its entries here, in display order."""

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


REGULATOR = frozenset({"regulator"})
ENTERPRISE = frozenset({"enterprise", "enterprise_admin"})
EVERYONE = REGULATOR | ENTERPRISE

ITEMS: list[NavItem] = [
    NavItem(_("首页"), "home", EVERYONE),
    NavItem(_("企业审核"), "enterprises:review_list", REGULATOR),
    NavItem(_("企业名录"), "enterprises:enterprise_list", REGULATOR),
    NavItem(_("案件审查"), "enforcement:case_list", REGULATOR),
    NavItem(_("本企业"), "enterprises:my_enterprise", ENTERPRISE),
    NavItem(
        pgettext_lazy("navigation: the list of packs", "电池包"), "batteries:pack_list", EVERYONE
    ),
    NavItem(_("编码校验"), "batteries:code_check", EVERYONE),
    NavItem(_("待我确认的移交"), "batteries:handover_inbox", ENTERPRISE),
    # Dismantlers report scrapped vehicles here; regulators read the records.
    NavItem(_("报废车辆"), "batteries:scrap_list", EVERYONE, frozenset({"dismantler"})),
    NavItem(_("我的案件"), "enforcement:case_list", ENTERPRISE),
    NavItem(_("数据导入"), "batteries:import_list", EVERYONE),
    NavItem(_("API 文档"), "api_docs", EVERYONE),
    NavItem(_("管理后台"), "admin:index", REGULATOR),
    NavItem(_("回收服务网点"), "enterprises:outlet_list", ENTERPRISE),
    NavItem(_("API 密钥"), "enterprises:api_key_list", frozenset({"enterprise_admin"})),
]


def audience_of(user) -> str | None:
    if user is None or not user.is_authenticated:
        return None
    if user.is_regulator:
        return "regulator"
    if user.is_enterprise_admin:
        return "enterprise_admin"
    return "enterprise"


def _has_role(user, roles: frozenset[str]) -> bool:
    if not roles or user.is_regulator:
        return True
    enterprise = getattr(user, "enterprise", None)
    return bool(enterprise and roles & set(enterprise.roles or []))


def menu_for(user) -> list[dict]:
    """Return the menu entries the user may see; entries whose page is not built are skipped."""
    audience = audience_of(user)
    if audience is None:
        return []
    items = []
    for item in ITEMS:
        if audience not in item.audience or not _has_role(user, item.roles):
            continue
        try:
            items.append({"label": item.label, "url": reverse(item.url_name)})
        except NoReverseMatch:
            continue
    return items
