from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Regulators read the digital identity in the admin; nobody changes it there.
REGULATOR_VIEW_PERMISSIONS = [
    f"batteries.view_{model}"
    for model in (
        "battery",
        "lifecycleevent",
        "vehicle",
        "handover",
        "importbatch",
        "coderejection",
        "scrappedvehicle",
    )
]


class BatteriesConfig(AppConfig):
    name = "batteries"
    verbose_name = _("电池数字身份")

    def ready(self) -> None:
        from batteries.sql import register_lookups
        from enterprises.roles import EXTRA_PERMISSIONS

        register_lookups()

        for kind in ("national", "provincial"):
            EXTRA_PERMISSIONS[kind] += [
                p for p in REGULATOR_VIEW_PERMISSIONS if p not in EXTRA_PERMISSIONS[kind]
            ]
