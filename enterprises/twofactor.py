"""Two-factor authentication (django-otp TOTP) and recovery codes; who must use it.

Regulators (national and provincial) and back-office staff must verify a TOTP code (or a
recovery code) after their password before any page opens; enterprise users may enrol,
and once enrolled are asked the same way. The session says whether it is verified (the
user's id under VERIFIED_KEY, set by a good code, gone at logout) and, from the sign-in,
whether its user has enrolled: no query on an ordinary request.
"""

import base64

import segno
from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from enterprises.models import AuditAction
from enterprises.services.audit import audit_record

VERIFIED_KEY = "two_factor_verified_user"
ENROLLED_KEY = "two_factor_enrolled"
RECOVERY_CODES = 10
RECOVERY_DEVICE = "recovery"
# Pages an unverified session may open: the second step itself, signing out, the language.
OPEN_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/i18n/", "/static/", "/health/")


def requires_two_factor(user) -> bool:
    """Regulators and the back office must use a second factor (decision 0012)."""
    return bool(
        user.is_authenticated
        and getattr(user, "pk", None)
        and (user.is_superuser or user.is_staff or getattr(user, "is_regulator", False))
    )


def needs_verification(request) -> bool:
    """Return True if the signed-in user must still give a code in this session."""
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "pk", None) or not user.is_authenticated:
        return False
    session = request.session
    if session.get(VERIFIED_KEY) == user.pk:
        return False
    return requires_two_factor(user) or bool(session.get(ENROLLED_KEY))


def session_start(request, user) -> None:
    """At sign-in, note whether the user has enrolled (signals.py calls this)."""
    import time

    from enterprises.idle import LAST_SEEN_KEY

    request.session[ENROLLED_KEY] = user_has_device(user)
    request.session[LAST_SEEN_KEY] = int(time.time())  # idle time counts from the sign-in


def _session_verified(request, device) -> None:
    otp_login(request, device)
    request.session[VERIFIED_KEY] = request.user.pk
    request.session[ENROLLED_KEY] = True


def totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def totp_pending(user) -> TOTPDevice:
    """Return the user's unconfirmed TOTP device, made if none (one per user)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def otpauth_qr_svg(device: TOTPDevice) -> str:
    """Return the otpauth:// URI of the device as an SVG data URI (no request leaves)."""
    qr = segno.make(device.config_url, error="m")
    svg = qr.svg_inline(scale=4, omitsize=False)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def totp_secret(device: TOTPDevice) -> str:
    """Return the base32 secret an authenticator app accepts when typed by hand."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def recovery_codes_create(*, user, request=None) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODES new one-time codes."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE)
    device.confirmed = True
    device.save()
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    audit_record(
        actor=user, action=AuditAction.RECOVERY_CODES, request=request, target=user.username
    )
    return codes


def totp_confirm(*, user, device: TOTPDevice, token: str, request) -> bool:
    """Confirm a new authenticator with its first code; verify the session with it."""
    if not device.verify_token(token.strip()):
        return False
    device.confirmed = True
    device.save()
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    _session_verified(request, device)
    audit_record(actor=user, action=AuditAction.OTP_ENROLLED, request=request, target=user.username)
    return True


def second_factor_verify(*, user, token: str, request) -> bool:
    """Verify a TOTP code or a recovery code (used up) for this session; record either way."""
    token = "".join(token.split())
    for device in devices_for_user(user, confirmed=True):
        if device.verify_token(token):
            _session_verified(request, device)
            used_recovery = isinstance(device, StaticDevice)
            action = AuditAction.RECOVERY_CODE_USED if used_recovery else AuditAction.OTP_VERIFIED
            audit_record(actor=user, action=action, request=request, target=user.username)
            return True
    audit_record(actor=user, action=AuditAction.OTP_FAILED, request=request, target=user.username)
    return False


def two_factor_disable(*, user, request) -> None:
    """Remove the user's authenticator and recovery codes (not allowed where required)."""
    from django.core.exceptions import PermissionDenied

    if requires_two_factor(user):
        raise PermissionDenied(_("监管人员和后台管理人员必须使用双因素认证，不能停用。"))
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    request.session[ENROLLED_KEY] = False
    audit_record(actor=user, action=AuditAction.OTP_DISABLED, request=request, target=user.username)


def _next(request) -> str:
    target = request.get_full_path()
    ok = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    return target if ok else settings.LOGIN_REDIRECT_URL


class TwoFactorRequiredMiddleware:
    """Send a session that still owes its second factor to the code (or enrolment) page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if needs_verification(request) and not _open(request.path):
            if request.path.startswith("/api/"):
                from django.http import JsonResponse

                detail = _("请先完成双因素认证（在门户登录页输入验证码）。")
                return JsonResponse({"detail": detail, "errors": []}, status=403)
            name = "otp_verify" if user_has_device(request.user) else "otp_setup"
            return redirect(f"{reverse(name)}?{urlencode({REDIRECT_FIELD_NAME: _next(request)})}")
        return self.get_response(request)


def _open(path: str) -> bool:
    return path.startswith(OPEN_PREFIXES)
