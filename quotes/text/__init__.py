"""The text pipeline: plain Python, no Django. Takes str, returns frozen dataclasses."""

from quotes.text.anchor import TextQuoteSelector, make_selector, reanchor
from quotes.text.normalize import normalize_name
from quotes.text.pipeline import analyze
from quotes.text.segment import paragraphs, sentences
from quotes.text.types import (
    MIN_NEW_SPEAKER_CONFIDENCE,
    UNNAMED,
    Analysis,
    ClaimSpan,
    KnownSpeaker,
    ProposedSpeaker,
)

__all__ = [
    "Analysis",
    "ClaimSpan",
    "KnownSpeaker",
    "MIN_NEW_SPEAKER_CONFIDENCE",
    "ProposedSpeaker",
    "TextQuoteSelector",
    "UNNAMED",
    "analyze",
    "make_selector",
    "normalize_name",
    "paragraphs",
    "reanchor",
    "sentences",
]
