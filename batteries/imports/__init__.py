"""Streaming file imports of packs and events (CSV/XLSX), run by Celery."""
