"""Template context every portal page needs."""

from django.conf import settings


def portal(request) -> dict:
    """Return the portal name and the navigation entries for the current user's role."""
    from enterprises.navigation import menu_for

    return {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "nav_items": menu_for(getattr(request, "user", None), path=request.path),
    }
