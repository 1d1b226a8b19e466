"""quotes.highlight: the article body cut at claim boundaries for in-place highlighting."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quotes.highlight import segments
from quotes.models import Claim, Speaker
from tests.factories import VerdictFactory

BODY = "Zoë said, “Café prices 😀 fell.” Wages rose."


def unsaved(**fields: object) -> Claim:
    """A claim that is known to have no verdict, so that no query is made for it."""
    c = Claim(**fields)
    Claim.verdict.related.set_cached_value(c, None)  # type: ignore[attr-defined]
    return c


def claim(start: int, end: int, kind: str, pk: int, speaker: str | None = None) -> Claim:
    c = unsaved(pk=pk, start=start, end=end, kind=kind, exact=BODY[start:end])
    if speaker:
        c.speaker = Speaker(pk=pk, name=speaker)
    return c


def test_pieces_rebuild_the_body_and_name_their_claims() -> None:
    quote_start = BODY.index("Café")
    quote_end = BODY.index("”")
    statement = claim(0, quote_end + 1, "statement", 1)
    quote = claim(quote_start, quote_end, "quote", 2, speaker="Zoë")
    pieces = segments(BODY, [quote, statement])
    assert "".join(p.text for p in pieces) == BODY
    assert [(p.start, p.end) for p in pieces] == [
        (0, quote_start),
        (quote_start, quote_end),
        (quote_end, quote_end + 1),
        (quote_end + 1, len(BODY)),
    ]
    assert [(p.statement, p.quote) for p in pieces] == [
        (statement, None),
        (statement, quote),
        (statement, None),
        (None, None),
    ]
    # a click opens the quote where there is one; the speaker opens the quote
    assert [p.claim for p in pieces] == [statement, quote, statement, None]
    assert [p.speaker_label for p in pieces] == ["", "Zoë", "", ""]


def test_a_quote_without_speaker_says_so() -> None:
    pieces = segments(BODY, [claim(0, 3, "quote", 1)])
    assert pieces[0].speaker_label == "speaker unknown"


@pytest.mark.django_db
def test_verdicts_label_the_end_of_their_claim() -> None:
    verdict = VerdictFactory(false=True, published=True)
    rated = verdict.claim
    body = rated.article.body
    pieces = segments(body, [rated])
    assert pieces[0].rated == rated and pieces[0].verdict_label == "False"
    assert all(p.verdict_label == "" for p in pieces[1:])


def test_claims_past_the_end_of_the_body_are_clamped() -> None:
    pieces = segments("short", [claim(2, 99, "statement", 1)])
    assert [p.text for p in pieces] == ["sh", "ort"]


@given(
    st.text(min_size=1, max_size=60),
    st.lists(st.tuples(st.integers(0, 60), st.integers(1, 30)), max_size=6),
)
def test_any_claims_give_pieces_that_rebuild_the_body(
    body: str, spans: list[tuple[int, int]]
) -> None:
    claims = [
        unsaved(pk=i + 1, start=s, end=s + n, kind="statement" if i % 2 else "quote", exact="")
        for i, (s, n) in enumerate(spans)
    ]
    pieces = segments(body, claims)
    assert "".join(p.text for p in pieces) == body
    assert all(body[p.start : p.end] == p.text for p in pieces)
