"""A small fixed data set for the export tests: three packs of two producers, two cases."""

import datetime as dt

import pytest

from batteries.models import Battery, Channel
from batteries.services.packs import PackInput, packs_register
from tests.batteries.builders import producer_create
from tests.factories import user_of

# 2026-03-15 10:30:00 and 2026-03-16 08:05:09 in Beijing (UTC+8).
REGISTERED = dt.datetime(2026, 3, 15, 2, 30, tzinfo=dt.UTC)
LAST_EVENT = dt.datetime(2026, 3, 16, 0, 5, 9, tzinfo=dt.UTC)

FUJIAN_CODE_1 = "T01PB01A1B2C3DG3F0000001"  # T01, pack, LFP, 2026-03-15, serial 1
FUJIAN_CODE_2 = "T01PB01A1B2C3DG3F0000002"
JIANGSU_CODE = "K07PB01A1B2C3DG3F0000003"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Keep each test's produced files in its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def fujian_producer(db):
    return producer_create(name="甲电池有限公司", division="350902", mfr="T01", seed=11)


@pytest.fixture
def jiangsu_producer(db):
    return producer_create(name="丙电池有限公司", division="320506", mfr="K07", seed=13)


def _register(producer, code: str, **fields) -> Battery:
    result = packs_register(
        items=[PackInput(code=code, **fields)], reporter=producer, channel=Channel.WEB
    )
    assert result.ok, result.errors
    return result.created[0]


@pytest.fixture
def packs(fujian_producer, jiangsu_producer):
    """Fujian holds two packs (one with mass and energy), Jiangsu one; fixed times."""
    made = [
        _register(fujian_producer, FUJIAN_CODE_1, mass_kg=450, capacity_wh=60000),
        _register(fujian_producer, FUJIAN_CODE_2),
        _register(jiangsu_producer, JIANGSU_CODE),
    ]
    Battery.objects.filter(pk__in=[b.pk for b in made]).update(
        registered_at=REGISTERED, last_occurred_at=LAST_EVENT
    )
    return made


@pytest.fixture
def fujian_user(fujian_producer):
    return user_of("enterprise_admin", enterprise=fujian_producer)


@pytest.fixture
def jiangsu_user(jiangsu_producer):
    return user_of("enterprise_admin", enterprise=jiangsu_producer)


@pytest.fixture
def jiangsu_regulator(db):
    return user_of("provincial", province="32")
