"""Exports of tables and statistics reports (XLSX, CSV), produced in Celery and logged."""
