"""Sign regulators out after a period without requests (等保 2.0: session timeout)."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

LAST_SEEN_KEY = "last_seen"


class RegulatorIdleTimeoutMiddleware:
    """After REGULATOR_IDLE_MINUTES without a request, a regulator's session ends."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _watched(getattr(request, "user", None)):
            now = int(time.time())
            seen = request.session.get(LAST_SEEN_KEY)
            if seen is not None and now - seen > settings.REGULATOR_IDLE_MINUTES * 60:
                logout(request)
                messages.info(
                    request,
                    _("您已超过%(minutes)s分钟未操作，为安全起见已自动退出，请重新登录。")
                    % {"minutes": settings.REGULATOR_IDLE_MINUTES},
                )
                return redirect(f"{reverse('login')}?{urlencode({'next': request.path})}")
            if seen is None or now - seen > 30:  # write the session at most twice a minute
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


def _watched(user) -> bool:
    return bool(
        user is not None
        and getattr(user, "pk", None)
        and user.is_authenticated
        and (user.is_regulator or user.is_staff)
    )
