"""Writes for enterprise API keys: the plaintext exists only in the creation response."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises import rules
from enterprises.models import AuditAction, EnterpriseApiKey, User
from enterprises.selectors import enterprise_is_active
from enterprises.services.audit import audit_record


def _require_admin(actor) -> None:
    if getattr(actor, "kind", "") != User.Kind.ENTERPRISE_ADMIN or not actor.enterprise_id:
        raise PermissionDenied(_("只有企业管理员可以管理 API 密钥。"))


def api_key_expiry(expires_on: dt.date) -> dt.datetime:
    """Return the moment a key chosen to run until `expires_on` stops working (end of day)."""
    end_of_day = dt.datetime.combine(expires_on, dt.time(23, 59, 59))
    return timezone.make_aware(end_of_day, timezone.get_default_timezone())


@transaction.atomic
def api_key_create(
    *,
    actor: User,
    name: str,
    expires_on: dt.date | None = None,
    today: dt.date | None = None,
    request=None,
) -> tuple[EnterpriseApiKey, str]:
    """Create a key for the administrator's approved enterprise; return it and its plaintext."""
    _require_admin(actor)
    if not enterprise_is_active(actor):
        raise PermissionDenied(_("企业获批准后才能创建 API 密钥。"))
    today = today or timezone.localdate()
    expires_on = expires_on or rules.add_years(today, rules.API_KEY_DEFAULT_YEARS)
    problem = rules.api_key_expiry_problem(expires_on=expires_on, today=today)
    if problem:
        raise ValidationError({"expires_on": [problem]})
    api_key = EnterpriseApiKey(
        name=(name or "").strip(),
        enterprise=actor.enterprise,
        created_by=actor,
        expiry_date=api_key_expiry(expires_on),
    )
    plaintext = EnterpriseApiKey.objects.assign_key(api_key)
    api_key.full_clean()
    api_key.save()
    audit_record(
        actor=actor,
        action=AuditAction.API_KEY_CREATE,
        request=request,
        target=api_key.prefix,
        details={"name": api_key.name, "expires": api_key.expiry_date.isoformat()},
    )
    return api_key, plaintext


@transaction.atomic
def api_key_revoke(*, actor: User, api_key: EnterpriseApiKey, request=None) -> EnterpriseApiKey:
    """Revoke a key of the administrator's enterprise; this cannot be undone."""
    _require_admin(actor)
    if api_key.enterprise_id != actor.enterprise_id:
        raise PermissionDenied(_("只能吊销本企业的 API 密钥。"))
    api_key.revoked = True
    api_key.save(update_fields=["revoked"])
    audit_record(
        actor=actor, action=AuditAction.API_KEY_REVOKE, request=request, target=api_key.prefix
    )
    return api_key
