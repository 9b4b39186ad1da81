"""URLs of the import screens (batteries.imports)."""

urlpatterns: list = []
