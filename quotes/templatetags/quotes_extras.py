"""Template filters of the workbench."""

from __future__ import annotations

from django import template

from quotes.text.excerpt import excerpt as _excerpt

register = template.Library()


@register.filter
def excerpt(text: str, length: int = 140) -> str:
    """The text cut at a word boundary to at most `length` characters, with an ellipsis."""
    return _excerpt(str(text), int(length))
