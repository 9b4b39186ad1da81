"""The regulators' review desk and the enterprises' read-only view of their cases."""

urlpatterns: list = []
