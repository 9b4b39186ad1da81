"""Who may do the national regulator's work: the legal parameters and the register import."""

from django.utils.translation import gettext_lazy as _

from enterprises.views.access import requires


def is_national(user) -> bool:
    """Return True for MIIT's regulators and superusers."""
    return bool(
        getattr(user, "is_authenticated", False)
        and (user.is_superuser or getattr(user, "kind", "") == "national")
    )


national_required = requires(is_national, _("仅限工业和信息化部监管人员访问。"))
