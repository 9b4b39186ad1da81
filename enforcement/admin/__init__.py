"""The MIIT back office for enforcement: legal parameters (legal.py), cases (cases.py), the
ladder's authorities, periods and documents (ladder.py)."""

from enforcement.admin import cases, ladder, legal  # noqa: F401  (registers the model admins)
