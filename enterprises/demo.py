"""Demo enterprises and accounts for the one-command run. Idempotent."""

import datetime as dt

from common.identifiers import make_uscc
from enterprises.models import (
    Enterprise,
    EnterpriseApiKey,
    ManufacturerCode,
    Outlet,
    Role,
    User,
    WhitelistEntry,
)
from enterprises.services.api_keys import api_key_create
from enterprises.services.users import user_create

DEMO_PASSWORD = "demo-pass-2026"
# The demo regulators' authenticator keys (hex), printed with the logins: add the base32
# form to an authenticator app, or print the current code with `manage.py otp_code miit`.
DEMO_TOTP_DEVICE = "demo authenticator"
DEMO_TOTP_KEYS = {
    "miit": "3132333435363738393031323334353637383930",
    "jiangsu": "3231303938373635343332313039383736353433",
}

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
    # Sells the demo vehicles in Changsha, where neither producer runs an operating outlet.
    ("dealer", "湖南示例汽车销售服务有限公司", "430104", [Role.DEALER], None, "approved"),
]


# Demo values, clearly labelled: not real announcements.
WHITELIST = [
    (
        "recycling",
        "第五批（演示）",
        "工业和信息化部公告2024年第12号（演示）",
        dt.date(2024, 1, 15),
        50000,
    ),
    (
        "cascade",
        "第四批（演示）",
        "工业和信息化部公告2022年第35号（演示）",
        dt.date(2022, 12, 20),
        8000,
    ),
]

# enterprise key -> (outlet name, division code, status)
OUTLETS = {
    "battery": [
        ("示例动力电池 福州鼓楼回收服务网点", "350102", "active"),
        ("示例动力电池 南京鼓楼回收服务网点", "320106", "active"),
        ("示例动力电池 广州天河回收服务网点", "440106", "active"),
        ("示例动力电池 长沙岳麓回收服务网点", "430104", "closed"),
    ],
    "vehicle": [
        ("示例新能源汽车 深圳南山回收服务网点", "440305", "active"),
        ("示例新能源汽车 广州天河回收服务网点", "440106", "active"),
        ("示例新能源汽车 东莞回收服务网点", "441900", "closed"),
    ],
}
DEMO_API_KEY_NAME = "演示密钥 / demo key"


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


# People's names, as data: the same in both languages (no "battery 管理员" half-translations).
ADMIN_NAMES = {
    "battery": "陈静",
    "vehicle": "刘洋",
    "dismantler": "王磊",
    "utilizer": "赵敏",
    "swap": "孙涛",
    "applicant": "吴昊",
    "dealer": "周婷",
}


def _user(username: str, kind: str, full_name: str, **kwargs) -> tuple[str, str, str]:
    # A demo database seeded before keeps its users; only their names are brought up to date.
    User.objects.filter(username=username).exclude(first_name=full_name).update(
        first_name=full_name
    )
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


def _whitelist(enterprise: Enterprise) -> None:
    for category, batch, number, announced_on, capacity in WHITELIST:
        WhitelistEntry.objects.get_or_create(
            enterprise=enterprise,
            category=category,
            announcement_no=number,
            defaults={"batch": batch, "announced_on": announced_on, "capacity_tonnes": capacity},
        )


def _outlets(enterprise: Enterprise, rows: list[tuple[str, str, str]]) -> None:
    for name, division, status in rows:
        Outlet.objects.get_or_create(
            owner=enterprise,
            name=name,
            defaults={
                "address": f"{name}（演示地址）",
                "division_code": division,
                "status": status,
            },
        )


def _api_key(enterprise: Enterprise) -> tuple[str, str, str]:
    """Create the battery producer's demo key once; its plaintext can be shown only then."""
    label = f"API key of {enterprise.name}"
    if EnterpriseApiKey.objects.filter(enterprise=enterprise, name=DEMO_API_KEY_NAME).exists():
        return (
            "api-key battery",
            "(already created; revoke and create a new one in the portal)",
            label,
        )
    admin = User.objects.get(username="battery-admin")
    _, plaintext = api_key_create(actor=admin, name=DEMO_API_KEY_NAME)
    return "api-key battery", plaintext, label


def _demo_authenticator(username: str) -> tuple[str, str, str]:
    """Enrol a demo regulator's second factor with a fixed, printed key (demo data only)."""
    import base64

    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = User.objects.get(username=username)
    key = DEMO_TOTP_KEYS[username]
    TOTPDevice.objects.get_or_create(
        user=user, name=DEMO_TOTP_DEVICE, defaults={"key": key, "confirmed": True}
    )
    secret = base64.b32encode(bytes.fromhex(key)).decode().rstrip("=")
    return (
        f"  {username} 2FA",
        secret,
        f"TOTP key; current code: .venv/bin/python manage.py otp_code {username}",
    )


def seed() -> list[tuple[str, str, str]]:
    """Create the demo enterprises and one login per role; return the logins."""
    enterprises = {row[0]: _enterprise(i, row) for i, row in enumerate(ENTERPRISES)}
    logins = [
        _user("miit", User.Kind.NATIONAL_REGULATOR, "李明"),
        _user("jiangsu", User.Kind.PROVINCIAL_REGULATOR, "王芳", province="32"),
    ]
    for key, full_name in ADMIN_NAMES.items():
        logins.append(
            _user(
                f"{key}-admin",
                User.Kind.ENTERPRISE_ADMIN,
                full_name,
                enterprise=enterprises[key],
            )
        )
    logins.append(
        _user(
            "battery-operator",
            User.Kind.ENTERPRISE_OPERATOR,
            "黄伟",
            enterprise=enterprises["battery"],
        )
    )
    _whitelist(enterprises["utilizer"])
    for key, rows in OUTLETS.items():
        _outlets(enterprises[key], rows)
    logins.append(_api_key(enterprises["battery"]))
    logins += [_demo_authenticator("miit"), _demo_authenticator("jiangsu")]
    return logins
