"""Similar claims, computed when a claim is created or its text changes, read by the claim page.

The claim page used to look for them at every view through the trigram GiST index
(quotes/search.py nearest_on_postgres), which reads the whole index whatever the archive's
size: 1.3 s per view at 1M claims. Now each new or changed claim looks for its nearest
claims once, among a bounded set of candidates (the rare-word search of quotes/matching.py
that recognises already checked claims, here over every claim), and the pairs are stored
as SimilarClaim rows; the page reads a claim's best pairs through an index.

A pair is stored once (smaller id first) and found from either side, so a claim created
after another one shows on the older claim's page too. Rows go with their claims
(cascade); a text change drops the claim's pairs and looks again.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, Q

from quotes.matching import find_similar
from quotes.models import Claim, ExternalReview, SimilarClaim

# The claim page shows five; each claim stores its own best five (pairs found by claims
# created later come on top), so the work per new claim is one bounded search.
STORED = 5
SHOWN = 5
SIMILARITY_THRESHOLD = 0.3


def stored_text(pk: int | None) -> str | None:
    """The claim's text as stored, to tell whether a save changes it."""
    if pk is None:
        return None
    return Claim.objects.filter(pk=pk).values_list("exact", flat=True).first()


def claims_changed(claim_ids: list[int]) -> None:
    """Claims created or with a new text: forget their pairs now, look for new ones in the
    background (inline without a broker)."""
    from quotes import tasks

    SimilarClaim.objects.filter(Q(claim_id__in=claim_ids) | Q(other_id__in=claim_ids)).delete()
    tasks.send(tasks.compute_similar_claims, claim_ids)


def compute(claim_ids: Iterable[int]) -> int:
    """Look for the claims nearest each of these and store the pairs (idempotent: a pair
    stored already is kept). Returns the number of pairs found."""
    found = 0
    rows = Claim.objects.filter(pk__in=list(claim_ids)).values_list("pk", "article_id", "exact")
    for pk, article_id, exact in rows.iterator(chunk_size=500):
        nearest = find_similar(
            exact,
            exclude_article=article_id,
            limit=STORED,
            threshold=SIMILARITY_THRESHOLD,
            checked_only=False,
        )
        SimilarClaim.objects.bulk_create(
            [
                SimilarClaim(
                    claim_id=min(pk, c.claim_id), other_id=max(pk, c.claim_id), score=c.score
                )
                for c in nearest
            ],
            ignore_conflicts=True,
        )
        found += len(nearest)
    return found


def similar_to(claim: Claim, limit: int = SHOWN) -> list[Claim]:
    """The stored claims most similar to `claim`, best first, each with its `similarity`:
    three queries (the pairs, their claims, their imported fact checks)."""
    pairs = SimilarClaim.objects.filter(Q(claim_id=claim.pk) | Q(other_id=claim.pk)).order_by(
        "-score", "claim_id", "other_id"
    )
    scores: dict[int, float] = {}
    for one, other, score in pairs.values_list("claim_id", "other_id", "score")[:limit]:
        scores[other if one == claim.pk else one] = score
    if not scores:
        return []
    found = (
        Claim.objects.select_related("article", "speaker", "verdict__rating")
        .prefetch_related(
            Prefetch("external_reviews", queryset=ExternalReview.objects.select_related("rating"))
        )
        .defer("article__body")  # the page shows the titles only
        .in_bulk(list(scores))
    )
    result = []
    for pk, score in scores.items():
        if pk in found:
            found[pk].similarity = score  # type: ignore[attr-defined]
            result.append(found[pk])
    return result
