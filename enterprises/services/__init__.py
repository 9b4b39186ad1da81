"""Writes for enterprises and users. Split by sub-domain; import from the submodules."""
