"""Development shows the error pages production shows.

With DEBUG on, Django answers a 404 with its technical page (URL patterns, settings) and an
exception with its traceback page: `make run` would then show people pages they never see
in production. This middleware renders the portal's own 404 and 500 pages instead, unless a
developer asks for the debug pages with DEBUG_PAGES=1. With DEBUG off it steps aside at
start-up: Django calls the handlers in config/urls.py itself.
"""

import logging

from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    MiddlewareNotUsed,
    PermissionDenied,
    SuspiciousOperation,
)
from django.http import Http404

from config import views
from config.env import env_bool

logger = logging.getLogger("django.request")
PASSED_ON = (PermissionDenied, BadRequest, SuspiciousOperation)


class ErrorPagesMiddleware:
    """Render the portal's 404 and 500 pages in development (DEBUG=1, DEBUG_PAGES unset)."""

    def __init__(self, get_response):
        if not settings.DEBUG or env_bool("DEBUG_PAGES", default=False):
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # No view matched: Django rendered its technical 404 with the URL patterns tried.
        if (
            response.status_code == 404
            and getattr(request, "resolver_match", None) is None
            and not request.path.startswith(views.API_PREFIX)
        ):
            return views.page_not_found(request)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, Http404):
            return views.page_not_found(request, exception)
        # Refusals Django answers the same way with DEBUG on (403, 400), and the API's own.
        if isinstance(exception, PASSED_ON) or request.path.startswith(views.API_PREFIX):
            return None
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exception,
            extra={"status_code": 500, "request": request},
        )
        return views.server_error(request)
