"""URLs of the pack pages and forms (batteries.web)."""

urlpatterns: list = []
