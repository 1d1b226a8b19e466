"""ClaimReview (schema.org JSON-LD): one per published verdict, for exports and permalinks.

Reading other organisations' ClaimReview markup is an import, not an export: it lives
with the importers.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from quotes.exports.records import ClaimRecord, iter_records, permalink
from quotes.models import Article, Claim, Rating, Speaker, Verdict

SCHEMA_CONTEXT = "https://schema.org"


@dataclass(frozen=True)
class RatingScale:
    """The numeric bounds of our rating scale, for ratingValue/bestRating/worstRating."""

    best: int | None
    worst: int | None

    @classmethod
    def load(cls) -> RatingScale:
        values = [v for v in Rating.objects.values_list("value", flat=True) if v is not None]
        if not values:
            return cls(None, None)
        return cls(max(values), min(values))


def organisation() -> dict[str, str]:
    return {
        "@type": "Organization",
        "name": settings.FACTCHECK_ORG_NAME,
        "url": settings.FACTCHECK_ORG_URL,
    }


def _speaker_markup(speaker: Speaker) -> dict[str, str] | None:
    """The claim's author: a Person or an Organization, with sameAs when we know a URL.

    A chain email or a viral post (Kind.OTHER) is no author: None.
    """
    if speaker.kind == Speaker.Kind.OTHER:
        return None
    kind = "Organization" if speaker.kind == Speaker.Kind.ORGANISATION else "Person"
    markup = {"@type": kind, "name": speaker.name}
    if speaker.role and kind == "Person":
        markup["jobTitle"] = speaker.role
    if speaker.url:
        markup["sameAs"] = speaker.url
    return markup


def _appearance(article: Article) -> dict[str, Any]:
    """The article the claim was found in, as a CreativeWork: by URL when it has one, and
    inline (headline, publisher, date) so a claim from print or broadcast still says where."""
    work: dict[str, Any] = {"@type": "CreativeWork"}
    if article.url:
        work["url"] = article.url
    work["headline"] = article.title
    if article.outlet:
        work["publisher"] = {"@type": "Organization", "name": article.outlet}
    if article.byline:
        work["author"] = {"@type": "Person", "name": article.byline}
    if article.published is not None:
        work["datePublished"] = article.published.isoformat()
    return work


def build_claimreview(
    claim: Claim,
    verdict: Verdict,
    scale: RatingScale,
    *,
    first_published: dt.datetime | None = None,
) -> dict[str, Any]:
    """One ClaimReview (schema.org) for a published verdict on `claim`.

    `claim` must come with its article and speaker loaded, and `verdict` with its rating,
    so a list of them costs no queries per row. Raises ValueError for an unpublished
    verdict: drafts and verdicts in review must never reach machine-readable exports.
    `claimReviewed` is the claim's short summary (Google: under about 75 characters);
    the exact words go in itemReviewed.text. `first_published` is when the verdict was
    first published, if before its current publication (a correction).
    """
    if not verdict.is_published:
        raise ValueError("Only published verdicts have a ClaimReview.")
    rating = verdict.rating
    review_rating: dict[str, Any] = {
        "@type": "Rating",
        "name": rating.label,
        "alternateName": rating.label,
    }
    # Numbers only when both the label and the scale have them; off-scale labels
    # (misleading, unverifiable) carry their name alone, as Google allows.
    if rating.value is not None and scale.best is not None and scale.worst is not None:
        review_rating.update(
            ratingValue=rating.value, bestRating=scale.best, worstRating=scale.worst
        )

    article = claim.article
    appearance = _appearance(article)
    item: dict[str, Any] = {"@type": "Claim", "text": claim.exact}
    author = _speaker_markup(claim.speaker) if claim.speaker is not None else None
    if author is not None:
        item["author"] = author
    if claim.context:
        # where it was said ("a floor speech"), as PolitiFact names its claims
        item["name"] = claim.context
    if article.published is not None:
        item["datePublished"] = article.published.isoformat()
    item["appearance"] = [appearance]
    item["firstAppearance"] = appearance

    review: dict[str, Any] = {
        "@context": SCHEMA_CONTEXT,
        "@type": "ClaimReview",
        "url": permalink(verdict),
        "claimReviewed": claim.short_summary,
        "author": organisation(),
        "publisher": organisation(),
        "reviewRating": review_rating,
        "itemReviewed": item,
    }
    if verdict.published_at is not None:
        published = first_published or verdict.published_at
        review["datePublished"] = timezone.localdate(published).isoformat()
        if verdict.correction_note:
            # republished after a correction: when it last changed
            review["dateModified"] = timezone.localdate(verdict.published_at).isoformat()
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
        review = build_claimreview(
            record.claim, record.verdict, scale, first_published=record.first_published
        )
        yield (("," if index else "") + "\n" + json.dumps(review, ensure_ascii=False)).encode()
        index += 1
    yield b"\n]\n"
