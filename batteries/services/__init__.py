"""Writes for the digital identity. One path for every channel (web, import, API)."""
