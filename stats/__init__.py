"""Statistics for officials: rollups, the glossary, dashboards and the statistics API.

Named ``stats``, not ``statistics``: a top-level ``statistics`` package would shadow the
standard library module of that name (decision 0013).
"""
