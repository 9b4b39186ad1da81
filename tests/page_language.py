"""Is a rendered page in its own language? Helpers for the screen tests.

English pages may show Chinese only where it is data (names, addresses the test created) or
where the text is new and the catalog not yet refreshed: a msgid in the sources that the
English catalog does not hold at all. Once `make catalogs` has run, every msgid is in the
catalog and any Chinese left on an English page fails. Chinese pages may show no English
words beyond the identifiers and units the portal writes in Latin letters.
"""

import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CJK_RUN = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’《》]+")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\{[^}]*\}\}")
# Words in Latin letters a Chinese page legitimately shows.
LATIN_ALLOWED = {
    "api", "key", "vin", "uscc", "csv", "xlsx", "gb", "kg", "wh", "sha", "qr", "cst",
    "authorization", "ms", "id", "pdf", "jpg", "png", "mb", "ok", "asia", "shanghai",
}  # fmt: skip

_TEMPLATE_TAGS = re.compile(
    r"""\{%\s*(?:translate|trans)\s+(?P<q>["'])(?P<msg>.*?)(?P=q)"""
    r"""|\{%\s*blocktrans(?:late)?\b[^%]*%\}(?P<block>.*?)\{%\s*endblocktrans(?:late)?\s*%\}""",
    re.S,
)
_STRINGS = r"""(?:(?:"[^"\\]*(?:\\.[^"\\]*)*"|'[^'\\]*(?:\\.[^'\\]*)*')\s*)+"""
_PYTHON_CALLS = re.compile(
    r"\b(?:_|gettext|gettext_lazy|ngettext|ngettext_lazy)\(\s*(?P<msg>" + _STRINGS + ")"
    r"|\bp(?:n)?gettext(?:_lazy)?\(\s*[\"'][^\"']*[\"']\s*,\s*(?P<msg2>" + _STRINGS + ")",
    re.S,
)
_PIECE = re.compile(r"""(["'])((?:\\.|(?!\1).)*)\1""", re.S)
_VARIABLE = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def _joined(literals: str) -> str:
    """Return Python's implicit concatenation of adjacent string literals."""
    return "".join(piece for _quote, piece in _PIECE.findall(literals))


def _source_msgids() -> set[str]:
    found = set()
    for path in (ROOT / "templates").rglob("*.html"):
        for match in _TEMPLATE_TAGS.finditer(path.read_text(encoding="utf-8")):
            text = _VARIABLE.sub(r"%(\1)s", match["msg"] or match["block"] or "")
            found.update(part for part in re.split(r"\{%\s*plural\s*%\}", text) if part)
    for app in ("batteries", "enterprises", "enforcement", "common", "config", "stats"):
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for match in _PYTHON_CALLS.finditer(path.read_text(encoding="utf-8")):
                found.add(_joined(match["msg"] or match["msg2"] or ""))
    return {m for m in found if CJK_RUN.search(m)}


def _catalog_msgids(language: str = "en") -> set[str]:
    path = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    msgids, current, reading = set(), [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgid "):
            current, reading = [line[6:].strip().strip('"')], True
        elif reading and line.startswith('"'):
            current.append(line.strip().strip('"'))
        else:
            if reading:
                msgids.add("".join(current).replace('\\"', '"').replace("\\n", "\n"))
            reading = False
    return msgids


@cache
def pending_literals() -> tuple[str, ...]:
    """Return the literal parts of the msgids the English catalog does not hold yet."""
    catalog = _catalog_msgids()
    pending = {m for m in _source_msgids() if m not in catalog and m.strip() not in catalog}
    return tuple(part for m in pending for part in PLACEHOLDER.split(m) if CJK_RUN.search(part))


def untranslated_in_english(text: str, data: list[str]) -> list[str]:
    """Return the Chinese runs of an English page that are neither data nor pending text."""
    problems = []
    for run in CJK_RUN.findall(text):
        core = run.strip("“”‘’《》，。：；、（）　 ")
        if not core or any(core in value for value in data):
            continue
        if any(core in literal for literal in pending_literals()):
            continue
        problems.append(run)
    return problems


def english_in_chinese(text: str) -> list[str]:
    """Return the English words of a Chinese page (identifiers and units allowed)."""
    words = re.findall(r"(?<![A-Za-z0-9_.-])[A-Za-z][a-z]{2,}(?![A-Za-z0-9_.-])", text)
    return [w for w in words if w.lower() not in LATIN_ALLOWED]


RAW_VALUE = re.compile(
    r"\b(?:lfp|ternary|nimh|lmo|lco|lto|supercap)\b"  # stored chemistry codes
    r"|\b[a-z]+_[a-z_]+\b"  # stored snake_case choices (battery_producer, handed_over)
    r"|\b(?:code|value|scrap|event|document|void|division|uscc|vin)\.[a-z_]+\b"  # error codes
)


def raw_values(text: str) -> list[str]:
    """Return stored codes shown as they are stored instead of their labels."""
    return RAW_VALUE.findall(text)
