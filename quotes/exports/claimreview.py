"""ClaimReview (schema.org JSON-LD): one per published verdict, for exports and permalinks.

Reading other organisations' ClaimReview markup is an import, not an export: it lives
with the importers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from quotes.exports.records import ClaimRecord, iter_records, permalink
from quotes.models import Claim, Rating, Speaker, Verdict

SCHEMA_CONTEXT = "https://schema.org"


@dataclass(frozen=True)
class RatingScale:
    """The numeric bounds of our rating scale, for ratingValue/bestRating/worstRating."""

    best: int | None
    worst: int | None

    @classmethod
    def load(cls) -> RatingScale:
        values = list(Rating.objects.filter(value__isnull=False).values_list("value", flat=True))
        if not values:
            return cls(None, None)
        return cls(max(values), min(values))


def organisation() -> dict[str, str]:
    return {
        "@type": "Organization",
        "name": settings.FACTCHECK_ORG_NAME,
        "url": settings.FACTCHECK_ORG_URL,
    }


def _speaker_markup(speaker: Speaker) -> dict[str, str]:
    kind = "Organization" if speaker.kind == Speaker.Kind.ORGANISATION else "Person"
    markup = {"@type": kind, "name": speaker.name}
    if speaker.role and kind == "Person":
        markup["jobTitle"] = speaker.role
    if speaker.url:
        markup["sameAs"] = speaker.url
    return markup


def build_claimreview(claim: Claim, verdict: Verdict, scale: RatingScale) -> dict[str, Any]:
    """One ClaimReview (schema.org) for a published verdict on `claim`.

    `claim` must come with its article and speaker loaded, and `verdict` with its rating,
    so a list of them costs no queries per row. Raises ValueError for an unpublished
    verdict: drafts and verdicts in review must never reach machine-readable exports.
    """
    if not verdict.is_published:
        raise ValueError("Only published verdicts have a ClaimReview.")
    rating = verdict.rating
    review_rating: dict[str, Any] = {"@type": "Rating", "alternateName": rating.label}
    # Numbers only when both the label and the scale have them; off-scale labels
    # (misleading, unverifiable) carry their name alone, as Google allows.
    if rating.value is not None and scale.best is not None and scale.worst is not None:
        review_rating.update(
            ratingValue=rating.value, bestRating=scale.best, worstRating=scale.worst
        )

    article = claim.article
    item: dict[str, Any] = {"@type": "Claim"}
    if claim.speaker is not None:
        item["author"] = _speaker_markup(claim.speaker)
    if article.published is not None:
        item["datePublished"] = article.published.isoformat()
    if article.url:
        item["appearance"] = [{"@type": "CreativeWork", "url": article.url}]

    review: dict[str, Any] = {
        "@context": SCHEMA_CONTEXT,
        "@type": "ClaimReview",
        "url": permalink(verdict),
        "claimReviewed": claim.exact,
        "author": organisation(),
        "reviewRating": review_rating,
        "itemReviewed": item,
    }
    if verdict.published_at is not None:
        review["datePublished"] = timezone.localdate(verdict.published_at).isoformat()
    if verdict.rationale:
        review["reviewBody"] = verdict.rationale
    return review


def iter_claimreview(claims: QuerySet[Claim]) -> Iterator[bytes]:
    """Stream a JSON array of ClaimReview objects, one per published verdict.

    The query and the first chunk of claims run now, the rest as the bytes are read.
    """
    published = claims.filter(verdict__status=Verdict.Status.PUBLISHED)
    return _reviews(iter_records(published), RatingScale.load())


def _reviews(records: Iterable[ClaimRecord], scale: RatingScale) -> Iterator[bytes]:
    yield b"["
    index = 0
    for record in records:
        if record.verdict is None:
            continue
        review = build_claimreview(record.claim, record.verdict, scale)
        yield (("," if index else "") + "\n" + json.dumps(review, ensure_ascii=False)).encode()
        index += 1
    yield b"\n]\n"
