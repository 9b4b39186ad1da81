"""Lists say how many rows they hold: exact when cheap, capped or estimated when not; pages
carry breadcrumbs back to their list."""

import pytest
from django.db import connection
from django.urls import reverse

from batteries.web import packs, pagination
from tests.batteries.web.conftest import packs_bulk

pytestmark = pytest.mark.django_db

LIST = reverse("batteries:pack_list")


def _count(client, **params) -> str:
    body = client.get(LIST, params).content.decode()
    start = body.index('id="result-count"')
    return body[start : body.index("</p>", start)]


def test_a_list_on_one_page_gives_the_exact_count(client, users, parties):
    packs_bulk(parties.producer, 3)
    client.force_login(users.producer)
    assert "共 3 条" in _count(client) and 'data-kind="exact"' in _count(client)


def test_a_long_filtered_list_counts_up_to_a_cap(client, users, parties, monkeypatch):
    packs_bulk(parties.producer, 5)
    monkeypatch.setattr(packs, "PAGE_SIZE", 2)
    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    client.force_login(users.producer)  # scoped to its enterprise: counted, not estimated
    assert "超过 3 条" in _count(client)
    monkeypatch.setattr(pagination, "COUNT_CAP", 10)
    assert "共 5 条" in _count(client)


def test_the_whole_registry_is_estimated_from_the_planners_statistics(
    client, users, parties, monkeypatch
):
    packs_bulk(parties.producer, 5)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE batteries_battery")
    monkeypatch.setattr(packs, "PAGE_SIZE", 2)
    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    client.force_login(users.national)
    assert "约 5 条" in _count(client) and 'data-kind="about"' in _count(client)
    assert "超过 3 条" in _count(client, state="registered")  # filtered: counted to the cap


def test_detail_pages_lead_back_to_their_list(client, users, pack):
    client.force_login(users.producer)
    body = client.get(pack.get_absolute_url()).content.decode()
    crumbs = body[body.index('class="breadcrumbs"') : body.index("</ol>")]
    assert f'href="{LIST}"' in crumbs and f'href="{reverse("home")}"' in crumbs
    assert f'<li aria-current="page">{pack.code}</li>' in crumbs


def test_the_handover_inbox_and_the_import_list_say_how_many(client, users):
    client.force_login(users.utilizer)
    assert "共 0 条" in client.get(reverse("batteries:handover_inbox")).content.decode()
    assert "共 0 条" in client.get(reverse("batteries:import_list")).content.decode()
