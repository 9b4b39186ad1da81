"""The statistics pages: dashboards (dashboard.py) and the home page's work items (work.py)."""
