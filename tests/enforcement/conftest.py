"""Fixtures of the review-desk tests (named `desk`: other modules here build their own)."""

import pytest

from tests.enforcement.builders import desk_create


@pytest.fixture
def desk(db):
    """Parties, officials and enterprise users, with the legal parameters in place.

    Transactional tests (the browser journey) flush every table, migration data included,
    so a later test on the same worker cannot rely on the rows the migrations wrote.
    """
    from enforcement.services.setup import enforcement_data_ensure

    enforcement_data_ensure()
    return desk_create()
