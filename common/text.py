"""Text whose punctuation differs between Chinese and English."""

from django.utils.translation import pgettext


def join_list(values) -> str:
    """Join values with the language's list separator: 、 in Chinese, a comma in English."""
    return pgettext("list separator", "、").join(str(v) for v in values)


def join_sentences(sentences) -> str:
    """Join sentences as the language writes them: run on in Chinese (each ends in 。),
    separated by a space in English."""
    from django.utils.translation import get_language

    separator = "" if (get_language() or "zh-hans").startswith("zh") else " "
    return separator.join(str(s) for s in sentences if str(s))
