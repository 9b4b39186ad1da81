"""Punctuation that follows the language of the page."""

from django.template import Context, Template
from django.utils import translation

from common.text import join_list, join_sentences


def test_lists_use_the_enumeration_comma_in_chinese_and_a_comma_in_english():
    with translation.override("zh-hans"):
        assert join_list(["电池生产企业", "回收服务网点"]) == "电池生产企业、回收服务网点"
    with translation.override("en"):
        assert join_list(["Battery producer", "Outlet operator"]) == (
            "Battery producer, Outlet operator"
        )


def test_the_listing_filter_and_bracketed_asides_follow_the_language():
    template = Template(
        "{% load i18n portal_text %}"
        "{% blocktranslate with name=n roles=r|listing %}{{ name }}（{{ roles }}）"
        "{% endblocktranslate %}"
    )
    context = Context({"n": "ACME", "r": ["A", "B"]})
    with translation.override("en"):
        assert template.render(context) == "ACME (A, B)"
    with translation.override("zh-hans"):
        assert template.render(context) == "ACME（A、B）"


def test_sentences_run_on_in_chinese_and_take_a_space_in_english():
    with translation.override("zh-hans"):
        assert join_sentences(["已导入 3 行。", "", "2 行有误。"]) == "已导入 3 行。2 行有误。"
    with translation.override("en"):
        assert join_sentences(["3 rows imported.", "", "2 rows failed."]) == (
            "3 rows imported. 2 rows failed."
        )
    with translation.override(None):  # no language active: the portal's default, Chinese
        assert join_sentences(["甲。", "乙。"]) == "甲。乙。"
