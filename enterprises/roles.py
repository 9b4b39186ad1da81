"""Role groups and the permissions each carries.

The user's `kind` decides what they may read (see scoping.py); these groups decide what
the Django admin lets them change. `role_groups_sync` runs after every migrate, so a new
permission reaches its group without a hand-written data migration.
"""

from django.contrib.auth.models import Group, Permission

# kind -> (group name, permission codenames as "app_label.codename")
ROLE_GROUPS: dict[str, tuple[str, list[str]]] = {
    "national": (
        "国家监管（工业和信息化部）",
        [
            "enterprises.view_enterprise",
            "enterprises.change_enterprise",
            "enterprises.review_enterprise",
            "enterprises.import_enterprise",
            "enterprises.export_enterprise",
            "enterprises.view_whitelistentry",
            "enterprises.add_whitelistentry",
            "enterprises.change_whitelistentry",
            "enterprises.import_whitelistentry",
            "enterprises.export_whitelistentry",
            "enterprises.view_outlet",
            "enterprises.view_manufacturercode",
            "enterprises.add_manufacturercode",
            "enterprises.change_manufacturercode",
            "enterprises.view_user",
        ],
    ),
    "provincial": (
        "省级监管",
        [
            "enterprises.view_enterprise",
            "enterprises.change_enterprise",
            "enterprises.review_enterprise",
            "enterprises.export_enterprise",
            "enterprises.view_whitelistentry",
            "enterprises.view_outlet",
            "enterprises.view_manufacturercode",
        ],
    ),
    "enterprise_admin": ("企业管理员", []),
    "enterprise_operator": ("企业操作员", []),
}

# Later apps append their permissions here from their AppConfig.ready().
EXTRA_PERMISSIONS: dict[str, list[str]] = {kind: [] for kind in ROLE_GROUPS}


def _permissions(labels: list[str]) -> list[Permission]:
    wanted = {tuple(label.split(".", 1)) for label in labels}
    perms = Permission.objects.select_related("content_type").filter(
        codename__in=[codename for _, codename in wanted]
    )
    return [p for p in perms if (p.content_type.app_label, p.codename) in wanted]


def role_groups_sync(**kwargs) -> None:
    """Create each role's group and give it exactly its permissions."""
    for kind, (name, labels) in ROLE_GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(_permissions(labels + EXTRA_PERMISSIONS[kind]))


def group_for(kind: str) -> Group:
    name, _ = ROLE_GROUPS[kind]
    return Group.objects.get_or_create(name=name)[0]
