"""Who may open which page of the digital identity. Rows are scoped by the selectors."""

from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from enterprises.views.access import regulator_required, requires


def acts_for_enterprise(user) -> bool:
    """Return True if the user reports for an approved enterprise (operator or admin)."""
    enterprise = getattr(user, "enterprise", None)
    return bool(
        user.is_authenticated
        and user.is_active
        and enterprise is not None
        and enterprise.status == Enterprise.Status.APPROVED
    )


approved_enterprise_required = requires(
    acts_for_enterprise, _("仅限已获批准企业的用户办理（企业审核通过后可用）。")
)

__all__ = ["acts_for_enterprise", "approved_enterprise_required", "regulator_required"]
