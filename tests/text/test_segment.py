"""Paragraphs, sentences and quotation marks."""

from __future__ import annotations

import pytest

from quotes.text import paragraphs, sentences
from quotes.text.quotations import find_quotations


def split(text: str) -> list[str]:
    """Sentences, with the paragraph's quotations protected as the pipeline does."""
    out = []
    paras = paragraphs(text)
    for (start, end), quotes in zip(paras, find_quotations(text, paras), strict=True):
        protected = [q.outer for q in quotes]
        out.extend(text[s:e] for s, e in sentences(text, start, end, protected))
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Troops left. Then they came back.", ["Troops left.", "Then they came back."]),
        ("He met U.S. officials. They agreed.", ["He met U.S. officials.", "They agreed."]),
        (
            "Forces (aka. Popular Mobilization Forces) won.",
            ["Forces (aka. Popular Mobilization Forces) won."],
        ),
        ("Sen. John McCain spoke. Dr. Smith left.", ["Sen. John McCain spoke.", "Dr. Smith left."]),
        ("It cost 3.5 billion. Nobody paid.", ["It cost 3.5 billion.", "Nobody paid."]),
        ("Was it true? Yes! It was.", ["Was it true?", "Yes!", "It was."]),
        (
            "J. R. R. Tolkien wrote it. Fans loved it.",
            ["J. R. R. Tolkien wrote it.", "Fans loved it."],
        ),
        ("One.\n\nTwo words here.", ["One.", "Two words here."]),
        ("He said “Stop. Now.” Then he left.", ["He said “Stop. Now.”", "Then he left."]),
    ],
)
def test_sentences(text: str, expected: list[str]) -> None:
    assert split(text) == expected


def test_windows_line_endings_keep_offsets() -> None:
    text = "First paragraph here.\r\n\r\nSecond one.\r\n"
    spans = paragraphs(text)
    assert [text[s:e] for s, e in spans] == ["First paragraph here.", "Second one."]


def quoted(text: str) -> list[str]:
    paras = paragraphs(text)
    return [text[q.start : q.end] for para in find_quotations(text, paras) for q in para]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("She said “yes” twice.", ["yes"]),
        ('She said "yes" and "no".', ["yes", "no"]),
        ("Iran’s leaders wasn’t there.", []),
        ("He called it ‘a disaster’ on Monday.", ["a disaster"]),
        ("The ’90s were ‘wild times’ indeed.", ["wild times"]),
        ("“Outer ‘inner’ text,” he said.", ["Outer ‘inner’ text,"]),
        ("“Outer “inner” text,” he said.", ["Outer “inner” text,"]),
        ("«Bonjour à tous»", ["Bonjour à tous"]),
        ("Source » irannewsupdate", []),
        ("An unmatched ” mark here.", []),
        ("“Open here\n\n“and closed here.”", ["Open here", "and closed here."]),
        ("“Open without a continuation\n\nPlain text.", []),
    ],
)
def test_quotation_marks(text: str, expected: list[str]) -> None:
    assert quoted(text) == expected
