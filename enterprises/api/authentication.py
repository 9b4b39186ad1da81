"""API-key authentication for enterprise systems.

A request carries `Authorization: Api-Key <key>` (or `X-Api-Key: <key>`). The key must be
neither revoked nor expired and its enterprise must be approved; the request then acts as
that enterprise's service identity, scoped exactly like one of its users.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from enterprises.models import Enterprise, EnterpriseApiKey


class ApiKeyUser:
    """The identity of a request authenticated by an enterprise API key."""

    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_superuser = False
    is_staff = False
    is_regulator = False
    is_enterprise_admin = False
    kind = "enterprise_operator"
    province = ""

    def __init__(self, api_key: EnterpriseApiKey):
        self.api_key = api_key
        self.enterprise = api_key.enterprise
        self.enterprise_id = api_key.enterprise_id
        self.pk = None
        self.id = None
        self.username = f"api-key:{api_key.prefix}"

    def __str__(self) -> str:
        return self.username

    def has_perm(self, perm, obj=None) -> bool:
        return False


def _key_from_request(request) -> str | None:
    header = authentication.get_authorization_header(request).decode("latin-1")
    if header.lower().startswith("api-key "):
        return header[8:].strip()
    return request.META.get("HTTP_X_API_KEY") or None


class EnterpriseApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Api-Key"

    def authenticate(self, request):
        key = _key_from_request(request)
        if key is None:
            return None
        prefix = key.partition(".")[0]
        api_key = (
            EnterpriseApiKey.objects.select_related("enterprise").filter(prefix=prefix).first()
        )
        if api_key is None or not api_key.is_valid(key):
            raise exceptions.AuthenticationFailed(_("API 密钥无效。"))
        if api_key.revoked:
            raise exceptions.AuthenticationFailed(_("API 密钥已吊销。"))
        if api_key.has_expired:
            raise exceptions.AuthenticationFailed(_("API 密钥已过期。"))
        if api_key.enterprise.status != Enterprise.Status.APPROVED:
            raise exceptions.AuthenticationFailed(_("企业未获批准或已暂停。"))
        # One UPDATE per request at most once a minute keeps "last used" honest but cheap.
        now = timezone.now()
        if api_key.last_used_at is None or (now - api_key.last_used_at).total_seconds() > 60:
            EnterpriseApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        return ApiKeyUser(api_key), api_key

    def authenticate_header(self, request) -> str:
        return self.keyword
