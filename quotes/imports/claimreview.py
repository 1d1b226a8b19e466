"""Importing schema.org ClaimReview markup; building ours is quotes/exports/claimreview.py.

Import reads what fact-checkers actually publish, which is often malformed (inverted or
-1 rating bounds, dates with times and odd zones, missing itemReviewed, appearance given
as bare strings), so the parsing helpers here are tolerant and report what they could
not use. An imported review is another organisation's finding: it becomes an
ExternalReview on the claim, never one of our verdicts.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Left
from django.utils import timezone

from quotes.dates import RANGE, in_range
from quotes.imports.speakers import SpeakerRegistry
from quotes.models import (
    URL_HEAD,
    Article,
    Claim,
    ExternalReview,
    Rating,
    Speaker,
    http_url_validator,
)

# Values per IN (...) list when looking up what a file holds.
BATCH = 1000


@dataclass
class ParsedReview:
    """What an imported ClaimReview says, kept as the publisher wrote it."""

    claim_text: str
    rating_label: str
    rating_value: float | None
    best_rating: float | None
    worst_rating: float | None
    headline: str
    published_at: dt.datetime | None
    published_offset: int | None
    appearances: list[dict[str, str]]
    claim_location: str
    claim_date: dt.date | None
    speaker_name: str
    speaker_kind: str
    speaker_role: str
    speaker_url: str
    review_url: str
    publisher_name: str
    publisher_url: str
    notes: list[str] = field(default_factory=list)

    @property
    def appearance_url(self) -> str:
        return next((a["url"] for a in self.appearances if a.get("url")), "")


class Skip(Exception):
    """A ClaimReview that cannot be imported; the message says why."""


def iter_reviews(data: Any) -> Iterator[Any]:
    """Yield the ClaimReview candidates of a document.

    One object, a list, an @graph, or records wrapped as {"fixture": …, "claimreview": …}
    (how data sets such as the Google Fact Check corpus ship them).
    """
    if isinstance(data, list):
        for item in data:
            yield from iter_reviews(item)
    elif isinstance(data, dict) and "@graph" in data:
        yield from iter_reviews(data["@graph"])
    elif (
        isinstance(data, dict)
        and "@type" not in data
        and isinstance(data.get("claimreview") or data.get("claimReview"), dict | list)
    ):
        yield from iter_reviews(data.get("claimreview") or data.get("claimReview"))
    else:
        yield data


class NotReadable(Exception):
    """A document that is neither JSON nor an HTML page with JSON-LD; the message says why."""


def load_document(text: str) -> Any:
    """The JSON of a ClaimReview file, or of the JSON-LD blocks of an HTML page.

    An HTML page (a fact check as published) may carry several
    <script type="application/ld+json"> blocks: they come back as a list.
    """
    stripped = text.lstrip()
    if not stripped.startswith("<"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise NotReadable(
                f"not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
            ) from exc
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    blocks = soup.find_all("script", attrs={"type": re.compile(r"ld\+json", re.IGNORECASE)})
    if not blocks:
        raise NotReadable('an HTML page without any <script type="application/ld+json"> block')
    documents = []
    for number, block in enumerate(blocks, start=1):
        try:
            documents.append(json.loads(block.get_text()))
        except json.JSONDecodeError as exc:
            raise NotReadable(f"JSON-LD block {number} of the page is not JSON: {exc.msg}") from exc
    return documents


def _text(value: Any) -> str:
    if isinstance(value, str):
        # NUL ("\u0000" in JSON) is no text, and PostgreSQL refuses to store it
        return " ".join(value.replace("\x00", "").split())
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _number(value: Any) -> float | None:
    text = _text(value)
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


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
    "2019-01-23T14:22:00+0100" and ISO 8601. Times without a zone are taken as UTC;
    the zone written is kept in the result's tzinfo.
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


def _offset_minutes(value: Any, parsed: dt.datetime | None) -> int | None:
    """The UTC offset the publisher wrote, in minutes; None for a date without a time."""
    if parsed is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", _text(value)):
        return None
    offset = parsed.utcoffset()
    return None if offset is None else int(offset.total_seconds() // 60)


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


def _first_url(*values: Any) -> str:
    for value in values:
        for candidate in value if isinstance(value, list) else [value]:
            url = valid_url(candidate)
            if url:
                return url
    return ""


def _appearances(item: dict[str, Any], notes: list[str]) -> list[dict[str, str]]:
    """Every place the claim appeared, as {url, headline, publisher, date}, first first."""
    raw: list[Any] = []
    for key in ("firstAppearance", "appearance"):
        value = item.get(key)
        raw.extend(value if isinstance(value, list) else [value] if value else [])
    if item.get("url"):
        # Old markup names the appearance as itemReviewed.url (a CreativeWork).
        raw.append({"url": item.get("url")})
    found: list[dict[str, str]] = []
    seen: set[str] = set()
    unusable = 0
    for entry in raw:
        if isinstance(entry, dict):
            publisher = _first(entry.get("publisher")) or _first(entry.get("author"))
            appearance = {
                "url": valid_url(entry.get("url")),
                "headline": _text(entry.get("headline")) or _text(entry.get("name")),
                "publisher": _text(publisher.get("name"))
                if isinstance(publisher, dict)
                else _text(publisher),
                "date": _text(entry.get("datePublished")),
            }
        else:
            appearance = {"url": valid_url(entry), "headline": "", "publisher": "", "date": ""}
        appearance = {k: v[:500] for k, v in appearance.items() if v}
        if not appearance:
            unusable += 1
            continue
        key = appearance.get("url") or json.dumps(appearance, sort_keys=True)
        if key not in seen:
            seen.add(key)
            found.append(appearance)
    if unusable:
        notes.append(f"{unusable} appearance(s) with neither a URL nor a headline left out")
    return found


def parse_review(obj: Any) -> ParsedReview:
    """Read one ClaimReview object; raises Skip with the reason when it is unusable."""
    if not isinstance(obj, dict):
        raise Skip(f"not a JSON object but {type(obj).__name__}")
    if "ClaimReview" not in _types(obj):
        raise Skip(f"@type is {obj.get('@type')!r}, not ClaimReview")
    claim_text = _text(obj.get("claimReviewed"))
    if not claim_text:
        raise Skip("claimReviewed is empty: there is no claim to attach the review to")
    rating = _first(obj.get("reviewRating"))
    if not isinstance(rating, dict):
        raise Skip("no reviewRating")
    value = _number(rating.get("ratingValue"))
    best = _number(rating.get("bestRating"))
    worst = _number(rating.get("worstRating"))
    label = _text(rating.get("alternateName")) or _text(rating.get("name"))
    if not label:
        if value is None:
            raise Skip("reviewRating has neither alternateName nor ratingValue")
        label = _fmt(value) + (
            f" on a scale from {_fmt(worst)} to {_fmt(best)}"
            if best is not None and worst is not None
            else ""
        )

    notes: list[str] = []
    published_at = parse_datetime(obj.get("datePublished"))
    if published_at is None:
        notes.append(f"no usable datePublished (a date {RANGE})")

    item = _first(obj.get("itemReviewed"))
    if not isinstance(item, dict):
        item = {}
        notes.append("no itemReviewed")

    author = _first(item.get("author"))
    speaker_name = speaker_role = speaker_url = ""
    speaker_kind = Speaker.Kind.PERSON
    if isinstance(author, dict):
        speaker_name = _text(author.get("name"))
        speaker_role = _text(author.get("jobTitle"))
        speaker_url = _first_url(author.get("url"), author.get("sameAs"))
        if "Organization" in _types(author):
            speaker_kind = Speaker.Kind.ORGANISATION
    elif isinstance(author, str):
        speaker_name = _text(author)

    publisher = _first(obj.get("author")) or _first(obj.get("publisher"))
    return ParsedReview(
        claim_text=claim_text,
        rating_label=label[:200],
        rating_value=value,
        best_rating=best,
        worst_rating=worst,
        headline=(_text(obj.get("name")) or _text(obj.get("headline")))[:500],
        published_at=published_at,
        published_offset=_offset_minutes(obj.get("datePublished"), published_at),
        appearances=_appearances(item, notes),
        claim_location=_text(item.get("name"))[:300],
        claim_date=parse_date(item.get("datePublished")),
        speaker_name=speaker_name[:200],
        speaker_kind=speaker_kind,
        speaker_role=speaker_role[:300],
        speaker_url=speaker_url,
        review_url=valid_url(obj.get("url")),
        publisher_name=(_text(publisher.get("name")) if isinstance(publisher, dict) else "")[:200],
        publisher_url=_first_url(publisher.get("url"), publisher.get("@id"))
        if isinstance(publisher, dict)
        else "",
        notes=notes,
    )


def _fmt(number: float | None) -> str:
    return "" if number is None else f"{number:g}"


def rating_key(text: str) -> str:
    """Case- and space-insensitive key for matching a label or slug to the scale."""
    return re.sub(r"[\s\-_]+", "", text.casefold())


@dataclass
class ImportResult:
    """What an import did: how many reviews it recorded, and what it skipped and why."""

    created: int = 0
    articles: int = 0
    duplicates: int = 0
    mapped: int = 0
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class ScaleMapper:
    """Places another organisation's rating on our scale, only where that is sound.

    By label when it is one of ours ("FALSE" is our False), else by its numbers when the
    publisher's scale has at least three steps: its position between worstRating and
    bestRating, carried onto our scale's values. A two-point or degenerate scale (-1 to
    -1), a value off its own bounds, or a position halfway between two of our ratings
    maps to nothing: the publisher's label is kept and shown as theirs.
    """

    def __init__(self) -> None:
        self.by_key: dict[str, Rating] = {}
        self.scale: list[Rating] = []
        for rating in Rating.objects.all():
            if rating.needs_review:
                continue
            self.by_key.setdefault(rating_key(rating.label), rating)
            self.by_key.setdefault(rating_key(rating.slug), rating)
            if rating.value is not None:
                self.scale.append(rating)

    def match(self, review: ParsedReview) -> Rating | None:
        rating = self.by_key.get(rating_key(review.rating_label))
        if rating is not None:
            return rating
        value, best, worst = review.rating_value, review.best_rating, review.worst_rating
        if value is None or best is None or worst is None or not self.scale:
            return None
        if abs(best - worst) < 2 or not min(best, worst) <= value <= max(best, worst):
            return None
        position = (value - worst) / (best - worst)
        values = [r.value for r in self.scale if r.value is not None]
        low, high = min(values), max(values)
        target = low + position * (high - low)
        ranked = sorted(self.scale, key=lambda r: abs((r.value or 0) - target))
        if len(ranked) > 1 and math.isclose(
            abs((ranked[0].value or 0) - target), abs((ranked[1].value or 0) - target)
        ):
            return None
        return ranked[0]


def _label(index: int, obj: Any) -> str:
    url = obj.get("url") if isinstance(obj, dict) else None
    return f"review {index}" + (f" ({url})" if isinstance(url, str) and url else "")


CLAIMREVIEW_METHOD = "claimreview"


@transaction.atomic
def import_reviews(data: Any, *, imported_by: Any = None) -> ImportResult:
    """Record the ClaimReviews in `data` as other organisations' fact checks, in one transaction.

    `data` is what load_document() returns: one object, a list, an @graph, wrapped
    records. Each review is kept on a claim spanning its claimReviewed text, in an article
    per first appearance URL (or per review when it names none), as an ExternalReview:
    never a verdict of ours. Reviews that cannot be used, or were imported before, are
    skipped and listed with the reason.
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

    # What the file holds that was imported before, found through indexes (the head of the
    # review URL; ClaimReview's own claims), never by reading every review or claim.
    urls = sorted({review.review_url for _, review in parsed if review.review_url})
    seen_urls: set[str] = set()
    for start in range(0, len(urls), BATCH):
        some = urls[start : start + BATCH]
        seen_urls.update(
            ExternalReview.objects.alias(head=Left("review_url", URL_HEAD))
            .filter(
                head__in={url[:URL_HEAD] for url in some},
                review_url__in=some,
                origin=ExternalReview.Origin.CLAIMREVIEW,
            )
            .values_list("review_url", flat=True)
        )
    texts = sorted({review.claim_text for _, review in parsed if not review.review_url})
    seen_claims: set[tuple[str, str]] = set()
    for start in range(0, len(texts), BATCH):
        seen_claims.update(
            Claim.objects.filter(
                attribution_method=CLAIMREVIEW_METHOD, exact__in=texts[start : start + BATCH]
            ).values_list("article__url", "exact")
        )
    groups: dict[str, list[tuple[str, ParsedReview]]] = {}
    for label, review in parsed:
        if review.review_url in seen_urls or (
            not review.review_url and (review.appearance_url, review.claim_text) in seen_claims
        ):
            result.skipped.append(f"{label}: already imported")
            result.duplicates += 1
            continue
        if review.review_url:
            seen_urls.add(review.review_url)
        seen_claims.add((review.appearance_url, review.claim_text))
        # Reviews without an appearance each get an article of their own.
        groups.setdefault(review.appearance_url or label, []).append((label, review))

    scale = ScaleMapper()
    speakers = SpeakerRegistry.for_names(
        review.speaker_name for reviews in groups.values() for _, review in reviews
    )
    for reviews in groups.values():
        _create_article(reviews, scale, speakers, result, imported_by)
    return result


def _create_article(
    reviews: list[tuple[str, ParsedReview]],
    scale: ScaleMapper,
    speakers: SpeakerRegistry,
    result: ImportResult,
    imported_by: Any,
) -> None:
    first = reviews[0][1]
    appearance = first.appearances[0] if first.appearances else {}
    outlet = appearance.get("publisher") or urlsplit(first.appearance_url).hostname or ""
    article = Article.objects.create(
        title=(appearance.get("headline") or first.claim_text)[:300],
        outlet=outlet[:200],
        url=first.appearance_url,
        published=first.claim_date or parse_date(appearance.get("date")),
        body="\n\n".join(review.claim_text for _, review in reviews),
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
            context=review.claim_location,
        )
        claim.anchor()
        claim.save()
        start = end + 2
        rating = scale.match(review)
        ExternalReview.objects.create(
            claim=claim,
            origin=ExternalReview.Origin.CLAIMREVIEW,
            publisher_name=review.publisher_name,
            publisher_url=review.publisher_url,
            review_url=review.review_url,
            headline=review.headline,
            published_at=review.published_at,
            published_offset=review.published_offset,
            rating_label=review.rating_label,
            rating_value=review.rating_value,
            best_rating=review.best_rating,
            worst_rating=review.worst_rating,
            rating=rating,
            claim_location=review.claim_location,
            claim_date=review.claim_date,
            appearances=review.appearances,
            speaker_url=review.speaker_url,
            imported_by=imported_by,
        )
        result.mapped += rating is not None
        result.created += 1
