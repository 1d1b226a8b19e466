"""The article body as segments, each knowing which claims cover it, for in-place highlighting."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from quotes.models import Claim, Verdict


@dataclass(frozen=True)
class Segment:
    start: int
    text: str
    statement: Claim | None
    quote: Claim | None
    # Shown by CSS before/after the text (pseudo-elements, so selections never include them):
    # who said a quote, where it opens; the verdict of every claim that ends here.
    speaker_label: str = ""
    verdict_label: str = ""

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def claim(self) -> Claim | None:
        """The claim a click on this piece opens: the quote if any, else the statement."""
        return self.quote or self.statement

    @property
    def rated(self) -> Claim | None:
        """The claim whose verdict colours this piece: the quote if rated, else the statement."""
        for claim in (self.quote, self.statement):
            if claim is not None and _verdict(claim) is not None:
                return claim
        return None


def _verdict(claim: Claim) -> Verdict | None:
    return getattr(claim, "verdict", None)


def _label(claim: Claim) -> str:
    verdict = _verdict(claim)
    if verdict is None:
        return ""
    if verdict.is_published:
        return verdict.rating.label
    return f"{verdict.rating.label} ({verdict.get_status_display().lower()})"


def segments(body: str, claims: Iterable[Claim]) -> list[Segment]:
    """Split the body at every claim boundary; each piece names its statement and its quote.

    Claims of one kind do not overlap (the pipeline and create_claim ensure it), so a
    piece is covered by at most one statement and one quote. Offsets are code points.
    Pass claims with `speaker` and `verdict__rating` selected: this makes no queries.
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
        speaker_label = ""
        if quote is not None and quote.start == start:
            speaker_label = (
                str(quote.speaker) if quote.speaker_id else quote.speaker_text or "speaker unknown"
            )
        verdicts = [_label(c) for c in (quote, statement) if c is not None and c.end == end]
        result.append(
            Segment(
                start,
                body[start:end],
                statement,
                quote,
                speaker_label=speaker_label,
                verdict_label=" · ".join(v for v in verdicts if v),
            )
        )
    return result


_PARENTHESES = re.compile(r"\s*\([^()]*\)")


def article_says(claim: Claim) -> str:
    """The words the article uses for a quote's speaker, when they are truly the article's.

    speaker_text is the pipeline's proposal and may add an alias from the registry
    ("… (NCRI)") that this article never uses; once a reviewer corrects the speaker it
    describes someone else. So: nothing after a manual attribution, and otherwise the text
    only if the article has it around the quote (where a reader meets the attribution),
    with added parentheses dropped if that makes it so.
    """
    text = claim.speaker_text.strip()
    if not text or claim.attribution_method == "manual" or claim.kind != Claim.Kind.QUOTE:
        return ""
    body = claim.article.body[max(0, claim.start - 600) : claim.end + 300]
    for candidate in (text, _PARENTHESES.sub("", text).strip()):
        if candidate and candidate in body:
            return candidate
    return ""
