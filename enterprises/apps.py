from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = _("企业与用户")

    def ready(self) -> None:
        from enterprises import signals  # noqa: F401  (audit records of sign-ins and lockouts)
        from enterprises.api import schema  # noqa: F401  (registers the OpenAPI auth scheme)
        from enterprises.roles import role_groups_sync

        post_migrate.connect(role_groups_sync, dispatch_uid="enterprises.role_groups_sync")
