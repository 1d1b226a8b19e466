"""W3C Web Annotation TextQuoteSelector: anchor a span so it can be found again."""

from __future__ import annotations

from dataclasses import dataclass

CONTEXT = 32


@dataclass(frozen=True)
class TextQuoteSelector:
    exact: str
    prefix: str
    suffix: str


def make_selector(body: str, start: int, end: int) -> TextQuoteSelector:
    """The selector for body[start:end], with up to 32 characters of context each side."""
    return TextQuoteSelector(
        exact=body[start:end],
        prefix=body[max(0, start - CONTEXT) : start],
        suffix=body[end : end + CONTEXT],
    )


def _context_score(body: str, start: int, end: int, selector: TextQuoteSelector) -> int:
    before = body[max(0, start - len(selector.prefix)) : start]
    after = body[end : end + len(selector.suffix)]
    score = 0
    for a, b in zip(reversed(before), reversed(selector.prefix), strict=False):
        if a != b:
            break
        score += 1
    for a, b in zip(after, selector.suffix, strict=False):
        if a != b:
            break
        score += 1
    return score


def reanchor(
    body: str, selector: TextQuoteSelector, hint: int | None = None
) -> tuple[int, int] | None:
    """Find the selector's exact text in a (possibly edited) body.

    Among several occurrences, prefer the one whose surrounding text matches the
    selector's prefix and suffix best, then the one nearest to `hint` (the old
    start offset). Returns (start, end), or None when the text is gone.
    """
    if not selector.exact:
        return None
    best: tuple[int, int, int] | None = None  # (-score, distance, start)
    at = body.find(selector.exact)
    while at != -1:
        end = at + len(selector.exact)
        key = (
            -_context_score(body, at, end, selector),
            abs(at - hint) if hint is not None else 0,
            at,
        )
        if best is None or key < best:
            best = key
        at = body.find(selector.exact, at + 1)
    if best is None:
        return None
    return best[2], best[2] + len(selector.exact)
