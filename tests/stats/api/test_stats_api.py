"""The statistics API: scoped like the pages, filters validated with the API's error shape."""

import pytest
from django.urls import reverse

from stats.refresh import full_rebuild
from tests.factories import user_of
from tests.stats.rollups.conftest import (  # noqa: F401  (the hand-built data set)
    JUNE_DUE,
    world,
)

ENDPOINTS = [
    "api_stats_flows",
    "api_stats_province",
    "api_stats_state",
    "api_stats_chemistry",
    "api_stats_producer",
    "api_stats_recycling",
    "api_stats_on_time",
    "api_stats_findings",
    "api_stats_top",
    "api_stats_cases",
    "api_stats_fines",
    "api_stats_coverage",
]
PERIOD = {"month_from": "2026-01", "month_to": "2026-12"}


def _get(client, user, name, **params):
    client.force_login(user)
    return client.get(reverse(name), {**PERIOD, **params})


@pytest.mark.parametrize("name", ENDPOINTS)
def test_every_call_answers_rows_with_their_data_as_of(client, world, name):  # noqa: F811
    full_rebuild()
    response = _get(client, user_of("national"), name)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["data_as_of"] is not None
    assert body["filter"]["month_from"] == "2026-01-01"
    assert isinstance(body["rows"], list)


def test_a_province_sees_only_its_province_and_an_enterprise_only_itself(client, world):  # noqa: F811
    full_rebuild()
    p = world.p
    rate = "api_stats_recycling"
    national = _get(client, user_of("national"), rate, by="province").json()["rows"]
    assert [(r["province"], r["retired"]) for r in national] == [("32", 5)]
    jiangsu = _get(client, user_of("provincial", province="32"), rate, by="province")
    assert [(r["province"], r["retired"]) for r in jiangsu.json()["rows"]] == [("32", 5)]
    fujian = _get(client, user_of("provincial", province="35"), rate, by="province")
    assert fujian.json()["rows"] == []
    # Fujian's producer made the six packs; Jiangsu sees none of them produced.
    chem = "api_stats_chemistry"
    assert _get(client, user_of("provincial", province="35"), chem).json()["rows"][0]["packs"] == 6
    assert _get(client, user_of("provincial", province="32"), chem).json()["rows"] == []
    # A province filter never widens a provincial scope.
    widened = _get(client, user_of("provincial", province="32"), chem, province="35")
    assert widened.json()["rows"] == []
    dismantler = user_of("enterprise_operator", enterprise=p.dismantler)
    own = _get(client, dismantler, "api_stats_on_time").json()["rows"]
    assert [(r["enterprise_id"], r["reports"]) for r in own] == [(p.dismantler.pk, 9)]
    producer = user_of("enterprise_admin", enterprise=p.producer)
    assert _get(client, producer, "api_stats_on_time").json()["rows"] == []
    assert _get(client, producer, "api_stats_producer").json()["rows"][0]["packs"] == 6


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"month_from": "2026-13"}, "month_from"),
        ({"month_from": "2026-12", "month_to": "2026-01"}, "month_from"),
        ({"month_from": "1990-01"}, "month_from"),
        ({"month_from": "0000-01"}, "month_from"),  # year 0: no date exists (fuzzer, a 500)
        ({"province": "99"}, "province"),
        ({"role": "pirate"}, "role"),
        ({"enterprise_id": "0"}, "enterprise_id"),
        ({"limit": "1000"}, "limit"),
    ],
)
def test_a_bad_filter_is_a_400_naming_the_field(client, db, params, field):
    response = _get(client, user_of("national"), "api_stats_producer", **params)
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_an_api_key_reads_its_enterprises_figures(client, world):  # noqa: F811
    from enterprises.models import EnterpriseApiKey

    full_rebuild(JUNE_DUE)  # D's deadline day: D, never handed over, is pending
    p = world.p
    _, key = EnterpriseApiKey.objects.create_key(name="stats", enterprise=p.dismantler)
    response = client.get(
        reverse("api_stats_recycling"), PERIOD, HTTP_AUTHORIZATION=f"Api-Key {key}"
    )
    assert response.status_code == 200
    rows = [r for r in response.json()["rows"] if r["retired"]]
    figures = ("month", "retired", "formal_on_time", "late", "not_arrived", "pending", "rate")
    assert [tuple(r[k] for k in figures) for r in rows] == [
        ("2026-05-01", 3, 1, 1, 1, 0, 0.3333),
        ("2026-06-01", 2, 1, 0, 0, 1, 1.0),  # 1 on time of 2 retired − 1 pending
    ]


def test_anonymous_callers_are_refused(client, db):
    assert client.get(reverse("api_stats_flows")).status_code in (401, 403)
