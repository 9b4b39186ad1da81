"""Endpoints of the digital-identity API, one module per resource."""
