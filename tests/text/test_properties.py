"""Properties that hold for any text: Hypothesis generates news-like and arbitrary input."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quotes.text import analyze

WORDS = st.sampled_from(
    [
        "The",
        "NCRI",
        "said",
        ",",
        "“",
        "”",
        '"',
        "‘",
        "’",
        "'",
        "«",
        "»",
        "U.S.",
        "aka.",
        "Mr.",
        "Jane",
        "Doe",
        "he",
        "she",
        "told",
        "according",
        "to",
        "the",
        "regime",
        ".",
        "?",
        "!",
        ":",
        "(",
        ")",
        "\n",
        "\n\n",
        "\r\n",
        "é",
        "😀",
        "Iran’s",
        "President",
        "of",
        "Council",
        "stating",
        "that",
        "described",
        "as",
        "»",
        "Source",
    ]
)
NEWSLIKE = st.lists(WORDS, max_size=80).map(" ".join)
ANY_TEXT = st.text(max_size=400)
PROFILE = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check(text: str) -> None:
    analysis = analyze(text)
    for claim in analysis.claims:
        assert 0 <= claim.start < claim.end <= len(text)
        assert text[claim.start : claim.end] == claim.text
        assert claim.kind in ("quote", "statement")
        assert 0.0 <= claim.confidence <= 1.0
        assert (claim.speaker is None) == (claim.confidence == 0.0)
    for kind in ("quote", "statement"):
        spans = sorted((c.start, c.end) for c in analysis.claims if c.kind == kind)
        for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
            assert end <= start, f"overlapping {kind} claims"
    named = {c.speaker for c in analysis.claims if c.speaker}
    assert named <= {s.name for s in analysis.speakers}


@PROFILE
@given(NEWSLIKE)
def test_newslike_text(text: str) -> None:
    check(text)


@PROFILE
@given(ANY_TEXT)
def test_arbitrary_text(text: str) -> None:
    check(text)
