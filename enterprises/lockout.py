"""Login protection on django-axes: two limits, the lockout page, unlocking by a regulator.

django-axes counts failures per lockout parameter (here the account, then the address) and
compares the largest count with one limit. An address is shared by every user of an office
behind one NAT address, so it gets a higher limit: its count is scaled to the account's.
"""

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Sum
from django.forms.utils import ErrorDict, ErrorList
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LockoutBackend(AxesStandaloneBackend):
    """Refuse locked-out sign-ins; one made in code, with no request (a shell), is not counted."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def _failures(attempts) -> int:
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


class PortalAxesHandler(AxesDatabaseHandler):
    """Lock an account after AXES_FAILURE_LIMIT failures, an address after its own limit."""

    def get_failures(self, request, credentials=None) -> int:
        by_account, by_address = self.get_user_attempts(request, credentials)
        scaled = _failures(by_address) * settings.AXES_FAILURE_LIMIT
        return max(_failures(by_account), scaled // settings.LOGIN_ADDRESS_FAILURE_LIMIT)


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _(
        "登录失败次数过多，该账号或当前网络地址已被暂时锁定，请%(minutes)s分钟后再试；"
        "如需立即解锁，请联系工业和信息化部监管人员。"
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """Answer a locked-out login with the login page and a translated message (HTTP 429)."""
    from django.contrib import admin
    from django.contrib.auth.forms import AuthenticationForm

    username = get_client_username(request, credentials) or ""
    form = AuthenticationForm(request, initial={"username": username})
    # An unbound form that carries the message as its only error: both login templates show it.
    form._errors = ErrorDict({NON_FIELD_ERRORS: ErrorList([lockout_message()], "nonfield")})
    context = {"form": form, "locked_out": True, "next": ""}
    if request.path.startswith("/admin/"):
        context |= admin.site.each_context(request)
        return render(request, "admin/login.html", context, status=429)
    return render(request, "registration/login.html", context, status=429)


def lockouts_current():
    """Return the attempts that lock an account or address now (newest first)."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(attempt_time__gte=since).order_by("-attempt_time")


def lockout_clear(*, actor, request, username: str = "", ip_address: str = "") -> int:
    """Unlock an account or an address (national regulators only); return attempts removed."""
    from django.core.exceptions import PermissionDenied

    from enterprises.services.audit import audit_record

    if not (actor.is_superuser or actor.kind == "national"):
        raise PermissionDenied(_("只有工业和信息化部监管人员可以解除登录锁定。"))
    attempts = AccessAttempt.objects.none()
    if username:
        attempts = AccessAttempt.objects.filter(username=username)
    elif ip_address:
        attempts = AccessAttempt.objects.filter(ip_address=ip_address)
    removed, _counts = attempts.delete()
    target = username or ip_address
    audit_record(actor=actor, action="unlock", request=request, target=target)
    return removed
