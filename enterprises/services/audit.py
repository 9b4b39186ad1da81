"""The security audit log: record who did what, when and from where; purge past retention.

Any app records an act with `audit_record(actor=..., action=..., request=..., target=...,
details=...)`. Actions are short slugs; the common ones are `AuditAction` values, and an app
may use its own (their label then is the slug itself).
"""

import datetime as dt
import json

from django.conf import settings
from django.db import connection
from django.utils import timezone

from enterprises.models import AuditAction, AuditEvent

__all__ = ["AuditAction", "audit_purge", "audit_record", "client_address"]

MAX_DETAILS = 4_000  # characters of JSON: a record says what happened, it stores no payloads


def client_address(request) -> str | None:
    """Return the client's address as the lockout counts it (proxy-aware, see AXES_IPWARE_*)."""
    if request is None:
        return None
    address = getattr(request, "axes_ip_address", None)
    if address is None:
        from axes.helpers import get_client_ip_address

        address = get_client_ip_address(request)
    return address or None


def _actor_fields(actor) -> dict:
    """Describe a user, an API key's identity, an attempted user name, or nobody."""
    if actor is None or isinstance(actor, str):
        return {"actor_name": _clean(actor or "", 150)}
    if not getattr(actor, "is_authenticated", False):
        return {}
    enterprise = getattr(actor, "enterprise", None)
    province = getattr(actor, "province", "") or (enterprise.province if enterprise else "")
    return {
        "actor_id": getattr(actor, "pk", None),
        "actor_name": _clean(getattr(actor, "username", actor), 150),
        "actor_kind": getattr(actor, "kind", "") or ("superuser" if actor.is_superuser else ""),
        "enterprise_id": enterprise.pk if enterprise else None,
        "province": province,
    }


def _clean(text: str, limit: int) -> str:
    """Drop control characters (a NUL cannot be stored) and cut to the column's length."""
    return "".join(c if c.isprintable() else "\ufffd" for c in str(text))[:limit]


def _details(details: dict | None) -> dict:
    if not details:
        return {}
    text = json.dumps(details, ensure_ascii=False, default=str).replace("\\u0000", "\ufffd")
    if len(text) > MAX_DETAILS:
        return {"truncated": text[:MAX_DETAILS]}
    return json.loads(text)


def audit_record(
    *,
    actor,
    action: str,
    request=None,
    target: str = "",
    details: dict | None = None,
) -> AuditEvent:
    """Append one record to the audit log and return it.

    `actor` is a user (or an API key's identity), a user name that was tried, or None;
    `request` gives the client's address, user agent and path; `target` names the object
    acted on (a user name, a key prefix, a document number); `details` is small JSON.
    The record is written at once, in the caller's transaction if there is one.
    """
    fields = _actor_fields(actor)
    if request is not None:
        fields |= {
            "ip_address": client_address(request),
            "user_agent": _clean(request.META.get("HTTP_USER_AGENT", ""), 300),
            "path": _clean(request.path, 300),
        }
    return AuditEvent.objects.create(
        occurred_at=timezone.now(),
        action=_clean(action, 64),
        target=_clean(target, 300),
        details=_details(details),
        **fields,
    )


def audit_purge(*, now: dt.datetime | None = None) -> int:
    """Delete the records older than AUDIT_RETENTION_DAYS; return how many went."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.AUDIT_RETENTION_DAYS)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM enterprises_auditevent WHERE occurred_at < %s", [cutoff])
        return cursor.rowcount
