"""URLs of this part of the statistics pages (see config/urls.py for the mount point)."""

app_name = "stats_exports"

urlpatterns: list = []
