"""Text whose punctuation differs between Chinese and English."""

from django.utils.translation import pgettext


def join_list(values) -> str:
    """Join values with the language's list separator: 、 in Chinese, a comma in English."""
    return pgettext("list separator", "、").join(str(v) for v in values)
