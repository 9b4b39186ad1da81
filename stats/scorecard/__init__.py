"""Compliance scorecards per enterprise and the monthly inspection priority list."""
