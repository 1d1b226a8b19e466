"""Short excerpts of claim text for lists and titles."""

from __future__ import annotations

# Trailing characters that look broken before an ellipsis: "fell.…", "said,…", "“…".
_DANGLING = " \t\n.,;:!?-–—“‘«(\"'"


def excerpt(text: str, length: int = 140) -> str:
    """`text` whole if it fits in `length` characters, else cut at the last word boundary
    before the limit, without dangling punctuation, and ended with a single "…".

    >>> excerpt("Prices fell. Wages rose faster than anyone expected.", 20)
    'Prices fell. Wages…'
    >>> excerpt("Prices fell.", 20)
    'Prices fell.'
    """
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    cut = text[: max(1, length - 1)]
    space = cut.rfind(" ")
    if space > length // 2:
        cut = cut[:space]
    cut = cut.rstrip(_DANGLING)
    return (cut or text[: max(1, length - 1)]) + "…"
