"""The glossary page prints every figure's definition, in the portal frame."""

from django.urls import reverse

from stats.definitions import FIGURES
from tests.factories import user_of


def test_the_glossary_lists_every_figure_with_its_definition(client, db):
    client.force_login(user_of("provincial", province="32"))
    response = client.get(reverse("stats:glossary"))
    assert response.status_code == 200
    page = response.content.decode()
    for figure in FIGURES.values():
        assert f'id="figure-{figure.key}"' in page
    assert "规范回收率" in page and "期限当日移交计为按期" in page


def test_the_glossary_needs_a_sign_in(client, db):
    assert client.get(reverse("stats:glossary")).status_code == 302
