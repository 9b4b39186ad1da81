"""Audit records for sign-ins, sign-outs, failed sign-ins and lockouts (connected in apps.py)."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from enterprises.models import AuditAction
from enterprises.services.audit import audit_record


@receiver(user_logged_in, dispatch_uid="enterprises.audit_login")
def audit_login(sender, request, user, **kwargs):
    from enterprises.twofactor import session_start

    audit_record(actor=user, action=AuditAction.LOGIN, request=request, target=user.username)
    if request is not None and hasattr(request, "session"):
        session_start(request, user)


@receiver(user_logged_out, dispatch_uid="enterprises.audit_logout")
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action=AuditAction.LOGOUT, request=request, target=user.username)


@receiver(user_login_failed, dispatch_uid="enterprises.audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))
    locked = bool(getattr(request, "axes_locked_out", False))
    audit_record(
        actor=username,
        action=AuditAction.LOGIN_FAILED,
        request=request,
        target=username,
        details={"locked_out": True} if locked else None,
    )


@receiver(user_locked_out, dispatch_uid="enterprises.audit_lockout")
def audit_lockout(sender, request, username, ip_address, **kwargs):
    audit_record(
        actor=username or "",
        action=AuditAction.LOCKOUT,
        request=request,
        target=username or ip_address or "",
        details={"ip_address": ip_address},
    )
