"""The list pages' filter labels survive whatever else the process rendered before."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

EMPTY_LABELS = ("全部状态", "全部类型", "全部省份")


def _pack_list(client) -> str:
    return client.get(reverse("batteries:pack_list")).content.decode()


def test_the_pack_list_names_its_empty_choices_in_chinese(client, users):
    client.force_login(users.national)  # a national regulator also filters by province
    body = _pack_list(client)
    for label in EMPTY_LABELS:
        assert f">{label}</option>" in body, label
    assert "---------" not in body


def test_the_pack_list_keeps_its_labels_after_the_api_schema_was_built(client, users):
    """The API docs page builds the schema, which builds every field of the shared
    FilterSets; the page's own filters must not inherit those fields' "---------"."""
    client.force_login(users.national)
    assert client.get(reverse("api_schema")).status_code == 200
    body = _pack_list(client)
    for label in EMPTY_LABELS:
        assert f">{label}</option>" in body, label
    assert "---------" not in body
    # The API's filters keep their own behaviour: their fields are Django's defaults.
    from batteries.filters import BatteryFilterSet

    assert BatteryFilterSet.base_filters["state"].field.choices[0] == ("", "---------")


def test_the_scrapped_vehicle_list_names_its_empty_choice(client, users):
    client.force_login(users.national)
    client.get(reverse("api_schema"))
    body = client.get(reverse("batteries:scrap_list")).content.decode()
    assert ">全部</option>" in body
    assert "---------" not in body
