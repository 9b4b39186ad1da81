"""Parties, API-key clients and packs for the REST API tests: real rows, real services."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from batteries.models import Battery, Channel
from batteries.services.packs import PackInput, packs_register
from common.identifiers import make_vin
from enterprises.models import EnterpriseApiKey
from tests.batteries.builders import code_for, producer_create
from tests.factories import enterprise_create

_vins = itertools.count(1)


def new_vin() -> str:
    return make_vin("LDC12345", f"R{next(_vins):07d}")


def an_hour_ago(minutes: int = 0) -> str:
    moment = timezone.now() - dt.timedelta(hours=1) + dt.timedelta(minutes=minutes)
    return moment.astimezone(dt.timezone(dt.timedelta(hours=8))).isoformat()


def key_client(enterprise) -> APIClient:
    """Return a client that authenticates with a fresh API key of the enterprise."""
    _, key = EnterpriseApiKey.objects.create_key(name="测试系统", enterprise=enterprise)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


def packs_for(producer, count: int, mfr: str = "T01") -> list[Battery]:
    """Register `count` packs for the producer through the service."""
    items = [PackInput(code=code_for(mfr)) for _ in range(count)]
    result = packs_register(items=items, reporter=producer, channel=Channel.WEB)
    assert result.ok, result.errors
    return result.created


@pytest.fixture
def producer(db):
    return producer_create(name="甲电池有限公司", division="350902", mfr="T01", seed=11)


@pytest.fixture
def rival(db):
    """Another battery producer, in another province, with its own packs."""
    return producer_create(name="丙电池有限公司", division="440307", mfr="T02", seed=12)


@pytest.fixture
def maker(db):
    return enterprise_create(
        name="乙汽车有限公司", division="320506", seed=13, roles=["vehicle_producer"]
    )


@pytest.fixture
def dismantler(db):
    return enterprise_create(
        name="丁拆解有限公司", division="320506", seed=14, roles=["dismantler"]
    )


@pytest.fixture
def utilizer(db):
    return enterprise_create(
        name="戊综合利用有限公司", division="430181", seed=15, roles=["utilizer"]
    )


@pytest.fixture
def producer_api(producer) -> APIClient:
    return key_client(producer)


@pytest.fixture
def rival_api(rival) -> APIClient:
    return key_client(rival)


@pytest.fixture
def maker_api(maker) -> APIClient:
    return key_client(maker)


@pytest.fixture
def regulator_api(national_regulator) -> APIClient:
    client = APIClient()
    client.force_login(national_regulator)
    return client
