"""Statistics API endpoints, mounted under /api/v1/stats/."""

urlpatterns: list = []
