"""The article body as segments, each knowing which claims cover it, for in-place highlighting."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from quotes.models import Claim


@dataclass(frozen=True)
class Segment:
    start: int
    text: str
    statement: Claim | None
    quote: Claim | None


def segments(body: str, claims: Iterable[Claim]) -> list[Segment]:
    """Split the body at every claim boundary; each piece names its statement and its quote.

    Claims of one kind do not overlap (the pipeline and create_claim ensure it), so a
    piece is covered by at most one statement and one quote. Offsets are code points.
    """
    claims = list(claims)
    cuts = {0, len(body)}
    for claim in claims:
        cuts.update((max(0, min(claim.start, len(body))), max(0, min(claim.end, len(body)))))
    points = sorted(cuts)
    statements = sorted(
        (c for c in claims if c.kind == Claim.Kind.STATEMENT), key=lambda c: c.start
    )
    quotes = sorted((c for c in claims if c.kind == Claim.Kind.QUOTE), key=lambda c: c.start)
    result = []
    si = qi = 0
    for start, end in zip(points, points[1:], strict=False):
        while si < len(statements) and statements[si].end <= start:
            si += 1
        while qi < len(quotes) and quotes[qi].end <= start:
            qi += 1
        statement = (
            statements[si] if si < len(statements) and statements[si].start <= start else None
        )
        quote = quotes[qi] if qi < len(quotes) and quotes[qi].start <= start else None
        result.append(Segment(start, body[start:end], statement, quote))
    return result
