"""Who may open which page. Scoping of the rows themselves is the selectors' job."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _


def requires(test, message):
    """Return a view decorator: log in first, then refuse (403) unless test(user) holds."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if not test(request.user):
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


regulator_required = requires(lambda user: user.is_regulator, _("仅限监管人员访问。"))
enterprise_user_required = requires(lambda user: bool(user.enterprise_id), _("仅限企业用户访问。"))
enterprise_admin_required = requires(
    lambda user: bool(user.enterprise_id) and user.is_enterprise_admin,
    _("仅限企业管理员访问。"),
)
