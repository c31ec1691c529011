"""The one shape of a text catalogue: key → (Swedish, English), and the lookup in a language."""

from __future__ import annotations

LANGS = ("sv", "en")
# Every user-visible text, the loader's (loaders/problems.py) and the app's (dashboard/i18n.py), has this shape.
Catalogue = dict[str, tuple[str, str]]


def lookup(catalogue: Catalogue, key: str, lang: str, **params) -> str:
    """The key's text in lang (Swedish unless "en"), with {placeholders} filled from params."""
    text = catalogue[key][1 if lang == "en" else 0]
    return text.format(**params) if params else text
