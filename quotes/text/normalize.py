"""Folding of names and text for matching: case, white space, quote marks, punctuation."""

from __future__ import annotations

import functools
import re
import unicodedata

_QUOTES = str.maketrans(
    {
        "’": "'",
        "‘": "'",
        "‛": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "«": '"',
        "»": '"',
        "‹": "'",
        "›": "'",
    }
)
_PUNCT = re.compile(r"[^\w\s'-]+")
_SPACE = re.compile(r"\s+")
_LEADING_THE = re.compile(r"^the\s+")


@functools.lru_cache(maxsize=8192)  # an article names the same few people again and again
def normalize_name(name: str) -> str:
    """Fold a speaker name or alias to the key used for uniqueness and matching.

    Casefolds, folds curly quotes and apostrophes to straight ones, drops other
    punctuation and a leading "the", and collapses white space, so "The NCRI",
    "the  NCRI" and "NCRI." all give "ncri".
    """
    text = unicodedata.normalize("NFKC", name).translate(_QUOTES).casefold()
    text = _PUNCT.sub(" ", text)
    text = _SPACE.sub(" ", text).strip()
    return _LEADING_THE.sub("", text)
