"""English mode shows English: stored messages, demo people, punctuation as English writes it."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from tests.batteries.builders import code_for, pack_create, producer_create
from tests.factories import user_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def language_restored():
    with translation.override(translation.get_language()):
        yield


def _in_english(client):
    client.cookies["django_language"] = "en"
    return client


def test_demo_people_are_named_like_people_in_both_languages():
    from enterprises.demo import ADMIN_NAMES

    for key, name in ADMIN_NAMES.items():
        assert re.fullmatch(r"[\u4e00-\u9fff]{2,3}", name), (key, name)  # no "battery 管理员"


def test_the_rejected_codes_page_reads_in_english_without_internal_codes(client):
    producer = producer_create()
    user = user_of("enterprise_operator", enterprise=producer)
    bad = code_for("T01")
    bad = bad[:3] + "X" + bad[4:]  # position 4: product type X does not exist
    client.force_login(user)
    client.post(reverse("batteries:pack_register"), {"codes": bad})
    chinese = client.get(reverse("batteries:code_rejection_list")).content.decode()
    assert "第4位产品类型代码“X”无效" in chinese and "code.product_type" not in chinese

    english = _in_english(client).get(reverse("batteries:code_rejection_list")).content.decode()
    assert "Position 4: product type code “X” is invalid" in english
    assert "第4位" not in english


def _translated(msgid: str, context: str) -> bool:
    with translation.override("en"):
        return translation.pgettext(context, msgid) != msgid


def test_labels_and_values_are_separated_as_each_language_writes_it(client):
    producer = producer_create()
    pack = pack_create(producer)
    client.force_login(user_of("enterprise_operator", enterprise=producer))
    chinese = client.get(pack.get_absolute_url()).content.decode()
    assert "上报企业：" in chinese
    assert _translated("：", "label separator"), "the English catalog lacks “label separator”"
    english = _in_english(client).get(pack.get_absolute_url()).content.decode()
    timeline = english[english.index('class="timeline"') :]
    assert "：" not in timeline[: timeline.index("</ol>")]
