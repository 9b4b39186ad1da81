"""Messages stored in Chinese, shown in the reader's language.

Imports run in a worker and store what they report (a batch's outcome, each row's error,
a refused code's reason) as Chinese sentences, the language of record. A reader in English
should not get them in Chinese: each stored sentence is matched against the catalog's msgids
(literally, or as a pattern whose %(name)s placeholders match anything) and rendered again
from the English msgstr with the same values. A sentence the catalog does not know is shown
as stored.
"""

import gettext
import re
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import get_language, to_locale

STORED_LANGUAGE = "zh-hans"
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_MAX_DEPTH = 3  # a sentence inside a sentence inside a sentence


@cache
def _catalog(language: str) -> dict[str, str]:
    """Return msgid → msgstr of the portal's own compiled catalog for the language."""
    for folder in settings.LOCALE_PATHS:
        path = Path(folder) / to_locale(language) / "LC_MESSAGES" / "django.mo"
        if path.exists():
            with path.open("rb") as handle:
                entries = gettext.GNUTranslations(handle)._catalog
            return {
                key: value
                for key, value in entries.items()
                if isinstance(key, str) and key and "\x04" not in key and value
            }
    return {}


@cache
def _patterns(language: str) -> list[tuple[re.Pattern, str]]:
    """Return (pattern, msgstr) for every msgid with placeholders, the longest first."""
    patterns = []
    for msgid, msgstr in _catalog(language).items():
        if not _PLACEHOLDER.search(msgid):
            continue
        names = _PLACEHOLDER.findall(msgid)
        if len(set(names)) != len(names):
            continue
        parts = _PLACEHOLDER.split(msgid)
        regex = "".join(
            re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)"
            for index, part in enumerate(parts)
        )
        literal = len("".join(parts[::2]))
        patterns.append((literal, re.compile(regex + r"\Z", re.DOTALL), msgstr))
    patterns.sort(key=lambda item: -item[0])
    return [(pattern, msgstr) for _literal, pattern, msgstr in patterns]


def _translate(text: str, language: str, depth: int) -> str:
    catalog = _catalog(language)
    if text in catalog:
        return catalog[text]
    if depth >= _MAX_DEPTH:
        return text
    for pattern, msgstr in _patterns(language):
        match = pattern.match(text)
        if match is None:
            continue
        values = {
            name: _translate(value, language, depth + 1) if _CJK.search(value) else value
            for name, value in match.groupdict().items()
        }
        try:
            return msgstr % values
        except (KeyError, TypeError, ValueError):
            continue
    # Sentences joined by the writer (a refusal, then "此前已提交的 … 行保留。").
    sentences = [s for s in re.split(r"(?<=[。；])\s*", text) if s]
    if len(sentences) > 1:
        return " ".join(_translate(s, language, depth + 1) for s in sentences)
    return text


def stored_text(text: str, language: str | None = None) -> str:
    """Return a message stored in Chinese in the reader's (or the given) language."""
    language = language or get_language() or STORED_LANGUAGE
    if not text or language.lower().startswith("zh") or not _CJK.search(text):
        return text
    return _translate(text.strip(), language, 0)
