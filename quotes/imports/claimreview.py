"""Importing schema.org ClaimReview markup; building ours is quotes/exports/claimreview.py.

Real markup is often malformed (inverted or -1 rating bounds, dates with times and odd
zones, missing itemReviewed, appearance given as bare strings), so the parsing helpers
here are tolerant and report what they could not use.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from quotes.dates import RANGE, in_range
from quotes.imports.speakers import SpeakerRegistry
from quotes.models import (
    Article,
    Claim,
    Evidence,
    Rating,
    Source,
    Speaker,
    Verdict,
    http_url_validator,
)


@dataclass
class ParsedReview:
    """What an imported ClaimReview says, in our terms."""

    claim_text: str
    rating_label: str
    rationale: str
    published_at: dt.datetime | None
    appearance_url: str
    speaker_name: str
    speaker_kind: str
    speaker_role: str
    claim_date: dt.date | None
    review_url: str
    review_author: str
    notes: list[str] = field(default_factory=list)


class Skip(Exception):
    """A ClaimReview that cannot be imported; the message says why."""


def iter_reviews(data: Any) -> Iterator[Any]:
    """Yield the ClaimReview candidates of a document: one object, a list, or an @graph."""
    if isinstance(data, list):
        for item in data:
            yield from iter_reviews(item)
    elif isinstance(data, dict) and "@graph" in data:
        yield from iter_reviews(data["@graph"])
    else:
        yield data


def _text(value: Any) -> str:
    if isinstance(value, str):
        # NUL ("\u0000" in JSON) is no text, and PostgreSQL refuses to store it
        return " ".join(value.replace("\x00", "").split())
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _first(value: Any) -> Any:
    """schema.org allows one value or a list almost anywhere: take the first."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _types(obj: dict[str, Any]) -> set[str]:
    raw = obj.get("@type")
    names = raw if isinstance(raw, list) else [raw]
    return {n.rsplit("/", 1)[-1] for n in names if isinstance(n, str)}


_ZONE_FIXES = [
    (re.compile(r"\s*(UTC|GMT|Z)$", re.IGNORECASE), "+00:00"),
    # +0100 -> +01:00, which fromisoformat accepts on every Python we support.
    (re.compile(r"([+-]\d{2})(\d{2})$"), r"\1:\2"),
]


def parse_datetime(value: Any) -> dt.datetime | None:
    """Read a datePublished as real markup writes it; None when it is not a date.

    Accepts dates alone, "2020-10-07 20:05", "2017-03-01 20:30:17 UTC",
    "2019-01-23T14:22:00+0100" and ISO 8601. Times without a zone are taken as UTC.
    """
    # Only strings: a bare number (20240506) is more likely an id than a date.
    text = _text(value) if isinstance(value, str) else ""
    if not text:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        # A date alone: noon local time, so it stays the same date in any export.
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            return None
        if not in_range(day):
            return None
        return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
    for pattern, repl in _ZONE_FIXES:
        text = pattern.sub(repl, text)
    try:
        parsed = dt.datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        return None
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed if in_range(parsed) else None


def parse_date(value: Any) -> dt.date | None:
    text = _text(value)
    # The calendar date as written, whatever the time zone after it.
    match = re.match(r"(\d{4}-\d{2}-\d{2})", text)
    if not match:
        return None
    try:
        day = dt.date.fromisoformat(match.group(1))
    except ValueError:
        return None
    return day if in_range(day) else None


def valid_url(value: Any) -> str:
    text = _text(value)
    if not text or len(text) > 2000:
        return ""
    try:
        http_url_validator(text)
    except ValidationError:
        return ""
    return text


def parse_review(obj: Any) -> ParsedReview:
    """Read one ClaimReview object; raises Skip with the reason when it is unusable."""
    if not isinstance(obj, dict):
        raise Skip(f"not a JSON object but {type(obj).__name__}")
    if "ClaimReview" not in _types(obj):
        raise Skip(f"@type is {obj.get('@type')!r}, not ClaimReview")
    claim_text = _text(obj.get("claimReviewed"))
    if not claim_text:
        raise Skip("no claimReviewed text")
    rating = _first(obj.get("reviewRating"))
    if not isinstance(rating, dict):
        raise Skip("no reviewRating")
    label = _text(rating.get("alternateName")) or _text(rating.get("name"))
    if not label:
        # Numbers alone cannot be mapped: every fact-checker's scale differs
        # (bestRating may be 1, 5 or -1), so guessing would invent a verdict.
        raise Skip("reviewRating has no alternateName")

    notes: list[str] = []
    published_at = parse_datetime(obj.get("datePublished"))
    if published_at is None:
        notes.append(f"no usable datePublished (a date {RANGE})")

    item = _first(obj.get("itemReviewed"))
    if not isinstance(item, dict):
        item = {}
        notes.append("no itemReviewed")
    appearances = item.get("appearance")
    candidates = appearances if isinstance(appearances, list) else [appearances]
    urls = [
        u for u in (valid_url(c.get("url") if isinstance(c, dict) else c) for c in candidates) if u
    ]
    # Old markup names the appearance as itemReviewed.url (a CreativeWork).
    item_url = valid_url(item.get("url"))
    if item_url and item_url not in urls:
        urls.append(item_url)
    if len(urls) > 1:
        notes.append(f"kept the first of {len(urls)} appearance URLs")

    author = _first(item.get("author"))
    speaker_name = speaker_role = ""
    speaker_kind = Speaker.Kind.PERSON
    if isinstance(author, dict):
        speaker_name = _text(author.get("name"))
        speaker_role = _text(author.get("jobTitle"))
        if "Organization" in _types(author):
            speaker_kind = Speaker.Kind.ORGANISATION
    elif isinstance(author, str):
        speaker_name = _text(author)

    review_author = _first(obj.get("author"))
    rationale = next(
        (
            _text(obj.get(key))
            for key in ("reviewBody", "text", "description", "name")
            if _text(obj.get(key))
        ),
        "",
    )
    return ParsedReview(
        claim_text=claim_text,
        rating_label=label[:100],
        rationale=rationale,
        published_at=published_at,
        appearance_url=urls[0] if urls else "",
        speaker_name=speaker_name[:200],
        speaker_kind=speaker_kind,
        speaker_role=speaker_role[:300],
        claim_date=parse_date(item.get("datePublished")),
        review_url=valid_url(obj.get("url")),
        review_author=_text(review_author.get("name")) if isinstance(review_author, dict) else "",
        notes=notes,
    )


def rating_key(text: str) -> str:
    """Case- and space-insensitive key for matching a label or slug to the scale."""
    return re.sub(r"[\s\-_]+", "", text.casefold())


@dataclass
class ImportResult:
    """What an import did: how many verdicts it created, and what it skipped and why."""

    created: int = 0
    articles: int = 0
    duplicates: int = 0
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    new_ratings: list[str] = field(default_factory=list)


class RatingMatcher:
    """Finds a rating of the scale by label or slug, creating unknown labels for review."""

    def __init__(self) -> None:
        self.by_key: dict[str, Rating] = {}
        self.slugs: set[str] = set()
        self.next_order = 0
        for rating in Rating.objects.all():
            self.by_key.setdefault(rating_key(rating.label), rating)
            self.by_key.setdefault(rating_key(rating.slug), rating)
            self.slugs.add(rating.slug)
            self.next_order = max(self.next_order, rating.order + 1)

    def match(self, label: str, result: ImportResult) -> Rating:
        key = rating_key(label)
        rating = self.by_key.get(key)
        if rating is None:
            base = slugify(label)[:90] or "imported"
            slug, n = base, 1
            while slug in self.slugs:
                n += 1
                slug = f"{base}-{n}"
            # Another organisation's label: its place on our scale (and value) is an
            # editor's decision, so it is created off the scale and flagged.
            rating = Rating.objects.create(
                label=label, slug=slug, value=None, order=self.next_order, needs_review=True
            )
            self.next_order += 1
            self.slugs.add(slug)
            self.by_key[key] = rating
            result.new_ratings.append(label)
        return rating


def _label(index: int, obj: Any) -> str:
    url = obj.get("url") if isinstance(obj, dict) else None
    return f"review {index}" + (f" ({url})" if isinstance(url, str) and url else "")


@transaction.atomic
def import_reviews(data: Any, *, imported_by: Any = None) -> ImportResult:
    """Import the ClaimReviews in `data` (one object, a list, or an @graph) in one transaction.

    Each review becomes a claim spanning its claimReviewed text, in an article per
    appearance URL (or per review when it names none), with a published verdict. Reviews
    that cannot be used, or were imported before, are skipped and listed with the reason.
    """
    result = ImportResult()
    parsed: list[tuple[str, ParsedReview]] = []
    for index, obj in enumerate(iter_reviews(data), start=1):
        label = _label(index, obj)
        try:
            review = parse_review(obj)
        except Skip as exc:
            result.skipped.append(f"{label}: {exc}")
            continue
        result.notes.extend(f"{label}: {note}" for note in review.notes)
        parsed.append((label, review))

    seen = set(
        Claim.objects.filter(attribution_method=CLAIMREVIEW_METHOD).values_list(
            "article__url", "exact"
        )
    )
    groups: dict[str, list[tuple[str, ParsedReview]]] = {}
    for label, review in parsed:
        if (review.appearance_url, review.claim_text) in seen:
            result.skipped.append(f"{label}: already imported")
            result.duplicates += 1
            continue
        seen.add((review.appearance_url, review.claim_text))
        # Reviews without an appearance each get an article of their own.
        groups.setdefault(review.appearance_url or label, []).append((label, review))

    ratings = RatingMatcher()
    speakers = SpeakerRegistry.load()
    for reviews in groups.values():
        _create_article(reviews, ratings, speakers, result, imported_by)
    return result


CLAIMREVIEW_METHOD = "claimreview"


def _create_article(
    reviews: list[tuple[str, ParsedReview]],
    ratings: RatingMatcher,
    speakers: SpeakerRegistry,
    result: ImportResult,
    imported_by: Any,
) -> None:
    first = reviews[0][1]
    body = "\n\n".join(review.claim_text for _, review in reviews)
    outlet = urlsplit(first.appearance_url).hostname or ""
    article = Article.objects.create(
        title=first.claim_text[:300],
        outlet=outlet[:200],
        url=first.appearance_url,
        published=first.claim_date,
        body=body,
        imported_by=imported_by,
    )
    result.articles += 1
    start = 0
    for position, (_label, review) in enumerate(reviews, start=1):
        end = start + len(review.claim_text)
        claim = Claim(
            article=article,
            position=position,
            start=start,
            end=end,
            kind=Claim.Kind.STATEMENT,
            speaker=speakers.get_or_create(
                review.speaker_name, kind=review.speaker_kind, role=review.speaker_role
            ),
            attribution_method=CLAIMREVIEW_METHOD,
        )
        claim.anchor()
        claim.save()
        start = end + 2
        rationale = review.rationale or (
            f"Imported from a ClaimReview by {review.review_author or 'an unnamed organisation'}"
            + (f" ({review.review_url})." if review.review_url else ".")
        )
        verdict = Verdict(
            claim=claim,
            rating=ratings.match(review.rating_label, result),
            rationale=rationale,
            status=Verdict.Status.PUBLISHED,
            published_at=review.published_at,
        )
        verdict._change_reason = "Imported from ClaimReview"  # type: ignore[attr-defined]
        verdict.save()
        if review.review_url:
            # Keep where the review came from, as a source of the claim.
            source, _ = Source.objects.get_or_create(
                url=review.review_url,
                defaults={
                    "title": (
                        "Fact check"
                        + (f" by {review.review_author}" if review.review_author else "")
                    )[:500],
                    "publisher": review.review_author[:200],
                },
            )
            Evidence.objects.create(
                claim=claim,
                source=source,
                stance=Evidence.Stance.CONTEXT,
                note="The ClaimReview this verdict was imported from.",
                added_by=imported_by,
            )
        result.created += 1
