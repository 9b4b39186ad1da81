"""Fixtures of the import tests: a battery producer with its manufacturer code and a user."""

import pytest

from tests.batteries.builders import producer_create
from tests.factories import enterprise_create, user_of


@pytest.fixture
def producer(db):
    return producer_create(name="甲电池有限公司", division="350902", mfr="T01", seed=11)


@pytest.fixture
def producer_user(producer):
    return user_of("enterprise_operator", enterprise=producer)


@pytest.fixture
def maker(db):
    return enterprise_create(
        name="乙汽车有限公司", division="440307", seed=12, roles=["vehicle_producer"]
    )


@pytest.fixture
def other_producer(db):
    return producer_create(name="丙电池有限公司", division="320506", mfr="K07", seed=13)


@pytest.fixture
def other_user(other_producer):
    return user_of("enterprise_admin", enterprise=other_producer)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Keep uploaded files and error reports of each test in its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(params=["calamine", "streamed"])
def xlsx_reader(request, monkeypatch):
    """Run an XLSX test through both readers: calamine for small sheets, openpyxl for big."""
    from batteries.imports import readers

    if request.param == "streamed":
        monkeypatch.setattr(readers, "CALAMINE_MAX_ROWS", 0)
    return request.param
