"""Views of the portal shell: the home page, the health check and the error pages."""

import logging
import re
import time

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from stats.views.work import headline, work_items

logger = logging.getLogger(__name__)
_CJK = re.compile(r"[\u4e00-\u9fff]")


@login_required
def home(request):
    """Show the work page: the user's to-do counts, headline figures and the menu's tiles."""
    context = {"work_items": work_items(request.user), "headline": headline(request.user)}
    return render(request, "home.html", context)


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_broker() -> str:
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


@never_cache
@require_GET
def health(request):
    """Report whether the database and the Celery broker answer (200) or not (503)."""
    checks, healthy = {}, True
    for name, check in (("database", _check_database), ("broker", _check_broker)):
        started = time.monotonic()
        try:
            status = check()
        except Exception as exc:  # a health check reports every failure, whatever it is
            status, healthy = f"error: {exc.__class__.__name__}: {exc}", False
        checks[name] = {"status": status, "ms": round((time.monotonic() - started) * 1000, 1)}
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )


# --- Error pages ------------------------------------------------------------------------------
# The portal's own 403, 404 and 500 pages: inside the frame, in the user's language, with a
# way back. API paths answer in JSON, as the rest of the API does.

ERROR_TEMPLATES = {403: "403.html", 404: "404.html", 500: "500.html"}
API_PREFIX = "/api/v1/"


def _own_message(exception) -> str:
    """Return the exception's message if the portal wrote it (translatable), else ''.

    Django's own 404s say things like "No Battery matches the given query." in English, and
    a failed URL match carries the patterns tried: neither is for the person reading.
    """
    if exception is None or not exception.args:
        return ""
    message = exception.args[0]
    if isinstance(message, Promise):
        return str(message)
    if isinstance(message, str) and (
        isinstance(exception, PermissionDenied) or _CJK.search(message)
    ):
        return message
    return ""


def _way_back(request) -> str:
    """Return the page the user came from, when it is a page of this portal."""
    referer = request.META.get("HTTP_REFERER", "")
    same_site = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return referer if same_site and referer != request.build_absolute_uri() else ""


def error_page(request, status: int, exception=None) -> HttpResponse:
    """Render the portal's error page for `status` (JSON under the API)."""
    message = _own_message(exception)
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": message or str(ERROR_TITLES[status])}, status=status)
    context = {"status": status, "message": message, "way_back": _way_back(request)}
    return render(request, ERROR_TEMPLATES[status], context, status=status)


ERROR_TITLES = {
    403: _("无权访问该页面"),
    404: _("未找到该页面"),
    500: _("系统出错"),
}


def permission_denied(request, exception=None):
    return error_page(request, 403, exception)


def page_not_found(request, exception=None):
    return error_page(request, 404, exception)


def server_error(request):
    """Render the 500 page in the frame; fall back to plain HTML if the frame fails too.

    The frame reads the session, the user and the menu: when the database is what failed,
    rendering it fails as well, and the person still gets a page that says what to do.
    """
    try:
        return error_page(request, 500)
    except Exception:  # the page that reports errors must not raise one itself
        logger.exception("the 500 page could not be rendered in the portal frame")
        html = loader.get_template("500_plain.html").render({"PORTAL_NAME": settings.PORTAL_NAME})
        return HttpResponseServerError(html)
