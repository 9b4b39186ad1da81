"""The regulators' back office: scoped, read-only, no exact counts."""

import pytest
from django.urls import reverse

from batteries.admin import EstimatedCountPaginator
from batteries.models import Battery, LifecycleEvent
from tests.batteries.builders import pack_create, producer_create
from tests.batteries.web.conftest import VIN, drive

pytestmark = pytest.mark.django_db


def test_a_regulator_lists_packs_and_finds_one_by_vin(client, users, parties, pack):
    drive(pack, "install", parties)
    other = pack_create(parties.producer)
    client.force_login(users.national)
    url = reverse("admin:batteries_battery_changelist")
    body = client.get(url).content.decode()
    assert pack.code in body and other.code in body
    found = client.get(url, {"q": VIN.lower()}).content.decode()
    assert pack.code in found and other.code not in found


def test_the_pack_list_filters_by_holder_province_and_chemistry(client, users, parties, pack):
    client.force_login(users.national)
    url = reverse("admin:batteries_battery_changelist")
    assert (
        pack.code in client.get(url, {"holder_province": "35", "chemistry": "lfp"}).content.decode()
    )
    assert pack.code not in client.get(url, {"holder_province": "32"}).content.decode()


def test_a_provincial_regulator_sees_only_its_provinces_packs_in_the_admin(client, users, pack):
    jiangsu_pack = pack_create(
        producer_create(name="苏电池", division="320506", mfr="J01"), mfr="J01"
    )
    client.force_login(users.fujian)
    body = client.get(reverse("admin:batteries_battery_changelist")).content.decode()
    assert pack.code in body and jiangsu_pack.code not in body
    change = reverse("admin:batteries_battery_change", args=[jiangsu_pack.pk])
    assert client.get(change).status_code == 302  # the admin's "does not exist" redirect


def test_the_pack_change_page_links_to_the_portal_and_cannot_be_saved(client, users, pack):
    client.force_login(users.national)
    url = reverse("admin:batteries_battery_change", args=[pack.pk])
    body = client.get(url).content.decode()
    assert pack.get_absolute_url() in body and 'name="_save"' not in body
    client.post(url, {"state": "recycled"})
    pack.refresh_from_db()
    assert pack.state == "registered"


def test_events_have_no_add_change_or_delete_in_the_admin(client, users, parties, pack):
    drive(pack, "produce", parties)
    event = pack.events.get(seq=2)
    client.force_login(users.national)
    changelist = client.get(reverse("admin:batteries_lifecycleevent_changelist"))
    body = changelist.content.decode()
    assert changelist.status_code == 200 and pack.code in body
    assert reverse("admin:batteries_lifecycleevent_add") not in body
    assert 'value="delete_selected"' not in body
    assert client.get(reverse("admin:batteries_lifecycleevent_add")).status_code == 403
    delete = reverse("admin:batteries_lifecycleevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    change = client.get(reverse("admin:batteries_lifecycleevent_change", args=[event.pk]))
    assert 'name="_save"' not in change.content.decode()
    assert LifecycleEvent.objects.filter(pk=event.pk).exists()


def test_handovers_vehicles_and_import_batches_open_for_a_regulator(client, users, parties, pack):
    from batteries.models import ImportBatch

    drive(pack, "handover", parties)
    ImportBatch.objects.create(
        enterprise=parties.producer,
        uploaded_by=users.producer,
        kind="packs",
        file="x.csv",
        original_name="四月电池包.csv",
    )
    client.force_login(users.national)
    expected = {
        "handover": [pack.code, parties.dismantler.name, parties.utilizer.name],
        "vehicle": [VIN, parties.maker.name],
        "importbatch": ["四月电池包.csv", parties.producer.name],
    }
    for model, texts in expected.items():
        body = client.get(reverse(f"admin:batteries_{model}_changelist")).content.decode()
        for text in texts:
            assert text in body, (model, text)


def test_a_provincial_regulator_sees_handovers_involving_its_province(client, users, parties, pack):
    drive(pack, "handover", parties)  # dismantler in Jiangsu (32) → utilizer in Hunan (43)
    client.force_login(users.jiangsu)
    url = reverse("admin:batteries_handover_changelist")
    assert pack.code in client.get(url).content.decode()
    client.force_login(users.fujian)  # the producer's province: the pack is made there
    assert pack.code in client.get(url).content.decode()
    client.force_login(user_of_province("44"))  # the vehicle maker held it in Guangdong
    assert pack.code in client.get(url).content.decode()
    client.force_login(user_of_province("11"))  # no enterprise of Beijing was ever party
    assert pack.code not in client.get(url).content.decode()


def user_of_province(province: str):
    from tests.factories import user_of

    return user_of("provincial", province=province)


def test_enterprise_users_stay_out_of_the_admin(client, users):
    client.force_login(users.producer)
    assert client.get(reverse("admin:batteries_battery_changelist")).status_code == 302


def test_the_paginator_uses_the_planner_estimate_for_a_large_unfiltered_table(monkeypatch):
    monkeypatch.setattr("batteries.admin.table_estimate", lambda model: 3_000_000)
    paginator = EstimatedCountPaginator(Battery.objects.order_by("-pk"), 100)
    assert paginator.count == 3_000_000 and paginator.num_pages == 30_000


def test_the_admin_never_offers_facet_counts_over_big_tables(client, users):
    client.force_login(users.national)
    url = reverse("admin:batteries_lifecycleevent_changelist")
    assert "_facets" not in client.get(url).content.decode()


def test_the_paginator_caps_the_count_of_a_filtered_list(monkeypatch, parties):
    monkeypatch.setattr(EstimatedCountPaginator, "CAP", 2)
    pack_create(parties.producer), pack_create(parties.producer), pack_create(parties.producer)
    paginator = EstimatedCountPaginator(
        Battery.objects.filter(state="registered").order_by("pk"), 1
    )
    assert paginator.count == 2


def test_the_table_estimate_comes_from_postgresql_statistics(parties):
    from django.db import connection

    from batteries.admin import table_estimate

    for _ in range(3):
        pack_create(parties.producer)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE batteries_battery")
    assert table_estimate(Battery) == 3
