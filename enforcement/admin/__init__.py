"""The MIIT back office for enforcement: legal parameters (legal.py), cases (cases.py)."""

from enforcement.admin import cases, legal  # noqa: F401  (registers the model admins)
