"""Who may open which page of the digital identity. Rows are scoped by the selectors."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise


def acts_for_enterprise(user) -> bool:
    """Return True if the user reports for an approved enterprise (operator or admin)."""
    enterprise = getattr(user, "enterprise", None)
    return bool(
        user.is_authenticated
        and user.is_active
        and enterprise is not None
        and enterprise.status == Enterprise.Status.APPROVED
    )


def _requires(test, message):
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if not test(request.user):
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


approved_enterprise_required = _requires(
    acts_for_enterprise, _("仅限已获批准企业的用户办理（企业审核通过后可用）。")
)
regulator_required = _requires(lambda user: user.is_regulator, _("仅限监管人员访问。"))
