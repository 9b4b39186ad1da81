"""Demo enterprises and accounts for the one-command run. Idempotent."""

import datetime as dt

from common.identifiers import make_uscc
from enterprises.models import Enterprise, ManufacturerCode, Role, User
from enterprises.services.users import user_create

DEMO_PASSWORD = "demo-pass-2026"

# (key, name, division, roles, manufacturer code, status)
ENTERPRISES = [
    ("battery", "示例动力电池股份有限公司", "350902", [Role.BATTERY_PRODUCER], "D01", "approved"),
    ("vehicle", "示例新能源汽车有限公司", "440307", [Role.VEHICLE_PRODUCER], None, "approved"),
    (
        "dismantler",
        "江苏示例报废汽车回收拆解有限公司",
        "320506",
        [Role.DISMANTLER],
        None,
        "approved",
    ),
    ("utilizer", "湖南示例资源循环科技有限公司", "430181", [Role.UTILIZER], None, "approved"),
    (
        "swap",
        "示例换电服务有限公司",
        "310115",
        [Role.SWAP_OPERATOR, Role.REPAIR_SHOP],
        None,
        "approved",
    ),
    ("applicant", "浙江待审电池回收有限公司", "330110", [Role.UTILIZER], None, "pending"),
]


def demo_enterprise(key: str) -> Enterprise:
    """Return the demo enterprise with this key (for the other apps' demo data)."""
    index = [row[0] for row in ENTERPRISES].index(key)
    return Enterprise.objects.get(uscc=make_uscc(ENTERPRISES[index][2], 7000 + index))


def _enterprise(index: int, row: tuple) -> Enterprise:
    key, name, division, roles, mfr, status = row
    enterprise, _ = Enterprise.objects.get_or_create(
        uscc=make_uscc(division, 7000 + index),
        defaults=dict(
            name=name,
            address=f"{name}厂区",
            division_code=division,
            contact_name="张工",
            contact_phone="0591-00000000",
            contact_email=f"{key}@example.cn",
            roles=[str(r) for r in roles],
            status=status,
            dismantler_qualification_no="商务部拆解资质 320500-0001" if key == "dismantler" else "",
        ),
    )
    if mfr:
        ManufacturerCode.objects.get_or_create(
            code=mfr, defaults={"enterprise": enterprise, "registered_on": dt.date(2026, 1, 5)}
        )
    return enterprise


def _user(username: str, kind: str, full_name: str, **kwargs) -> tuple[str, str, str]:
    if not User.objects.filter(username=username).exists():
        user_create(
            username=username,
            password=DEMO_PASSWORD,
            kind=kind,
            full_name=full_name,
            email=f"{username}@example.cn",
            **kwargs,
        )
    return username, DEMO_PASSWORD, str(User.Kind(kind).label)


def seed() -> list[tuple[str, str, str]]:
    """Create the demo enterprises and one login per role; return the logins."""
    enterprises = {row[0]: _enterprise(i, row) for i, row in enumerate(ENTERPRISES)}
    logins = [
        _user("miit", User.Kind.NATIONAL_REGULATOR, "工信部 李监管"),
        _user("jiangsu", User.Kind.PROVINCIAL_REGULATOR, "江苏省工信厅 王监管", province="32"),
    ]
    for key in ("battery", "vehicle", "dismantler", "utilizer", "swap", "applicant"):
        logins.append(
            _user(
                f"{key}-admin",
                User.Kind.ENTERPRISE_ADMIN,
                f"{key} 管理员",
                enterprise=enterprises[key],
            )
        )
    logins.append(
        _user(
            "battery-operator",
            User.Kind.ENTERPRISE_OPERATOR,
            "电池企业 操作员",
            enterprise=enterprises["battery"],
        )
    )
    return logins
