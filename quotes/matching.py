"""Checked claims recognised on arrival: is a new claim one that was already checked?

A claim is "checked" when it carries our published verdict, or an imported fact check
(an ExternalReview: someone else's finding, from ClaimReview or LIAR). Each new claim
is compared with them and the best matches above MATCH_THRESHOLD are stored as ClaimMatch rows.

PostgreSQL: candidates come from the full-text index (the GIN index on the stored
`exact_tsv`), then pg_trgm similarity ranks them. To keep the cost flat as the archive
grows, the text query asks for checked claims that share at least two of the new
claim's rarest words (rarity read from the planner's statistics of that column): a pair
of rare words is found through short posting lists at any size, where "any of its
words" would read lists that grow with every claim stored.
SQLite: claims containing one of the longest words, scored by the same trigram
similarity computed in Python. Good enough for a laptop.
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from quotes.models import Claim, ClaimMatch, ExternalReview, Verdict
from quotes.search import TRIGRAM_CHARS

# Claims of the ClaimReview and LIAR imports: the reference set, not new claims to match.
IMPORTED_CHECK_METHODS = ("claimreview", "liar")
# Chosen on benchmarks/matching.py's labelled set (see the README for its figures).
MATCH_THRESHOLD = 0.4
MAX_MATCHES = 3
RARE_WORDS = 6
CANDIDATES = 200
_WORD = re.compile(r"[^\W_]+")


def checked_claims() -> QuerySet[Claim]:
    """Claims with our published verdict, or with an imported fact check."""
    return Claim.objects.filter(is_checked_ref())


def is_checked_ref(ref: str = "pk") -> Q:
    """The claim whose id is the outer row's `ref` is checked, as correlated EXISTS probes.

    Not `checked__in=checked_claims()`: SQLite runs that IN as a list of every checked
    claim, built by reading every claim, at each view of a workbench or the dashboard
    (the 13k-claim workbench 5 -> 14 ms, its 1k figure doubled by 13k in make bench).
    """
    return Q(
        Exists(Verdict.objects.filter(claim_id=OuterRef(ref), status=Verdict.Status.PUBLISHED))
    ) | Q(Exists(ExternalReview.objects.filter(claim_id=OuterRef(ref))))


def already_checked(ref: str = "pk") -> Q:
    """The claim whose id is the outer row's `ref` has a match whose checked claim is
    still checked (its verdict may have been unpublished since)."""
    return Q(
        Exists(
            ClaimMatch.objects.filter(claim_id=OuterRef(ref)).filter(is_checked_ref("checked_id"))
        )
    )


def already_checked_claims() -> QuerySet[Claim]:
    """Claims with a match whose checked claim is still checked."""
    return Claim.objects.filter(already_checked())


def is_checked(claim: Claim) -> bool:
    return checked_claims().filter(pk=claim.pk).exists()


@dataclass(frozen=True)
class Candidate:
    claim_id: int
    score: float


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams: each word lower-cased and padded with two spaces before, one after."""
    grams: set[str] = set()
    for word in _WORD.findall(text.lower()):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity(): shared trigrams over all trigrams of both texts."""
    ta, tb = trigrams(a), trigrams(b)
    union = ta | tb
    return len(ta & tb) / len(union) if union else 0.0


def find_matches(
    text: str, *, exclude_article: int | None = None, limit: int = MAX_MATCHES
) -> list[Candidate]:
    """Checked claims that say what `text` says, best first, with their similarity."""
    if not text.strip():
        return []
    # the same prefix the search indexes hold: a whole 1 MB claim is past PostgreSQL's
    # tsvector limit, and a match on its opening 2,000 characters is a match
    text = text[:TRIGRAM_CHARS]
    if connection.vendor == "postgresql":
        return _find_on_postgres(text, exclude_article, limit)
    return _find_plain(text, exclude_article, limit)


def _find_on_postgres(text: str, exclude_article: int | None, limit: int) -> list[Candidate]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT lexeme FROM unnest(to_tsvector('english', %s))"
            " ORDER BY length(lexeme) DESC, lexeme",
            [text],
        )
        lexemes = [row[0] for row in cursor.fetchall()]
        if not lexemes:
            return []
        query = rare_words_query(lexemes)
        # At most CANDIDATES rows are scored, whatever the archive's size: a new claim made
        # only of common words must not make us compare it with thousands of claims.
        cursor.execute(
            "SELECT id, similarity(exact, %(text)s) AS score FROM ("
            " SELECT c.id, c.exact"
            " FROM quotes_claim c LEFT JOIN quotes_verdict v ON v.claim_id = c.id"
            " WHERE c.exact_tsv @@ %(query)s::tsquery AND c.article_id <> %(article)s"
            # checked_claims(), in SQL
            " AND (v.status = %(published)s OR EXISTS"
            " (SELECT 1 FROM quotes_externalreview r WHERE r.claim_id = c.id))"
            " LIMIT %(candidates)s) AS candidate"
            " ORDER BY score DESC, id LIMIT %(limit)s",
            {
                "text": text,
                "query": query,
                "published": Verdict.Status.PUBLISHED.value,
                "article": exclude_article or 0,
                "limit": limit,
                "candidates": CANDIDATES,
            },
        )
        rows = cursor.fetchall()
    return [Candidate(pk, float(score)) for pk, score in rows if score >= MATCH_THRESHOLD]


def rare_words_query(lexemes: list[str], pairs: int | None = None) -> str:
    """A tsquery for the claims that share a pair of the RARE_WORDS rarest of `lexemes`
    (the lexeme itself when there is one): short posting lists at any archive size.

    `pairs` keeps only that many pairs, those the fewest claims should share (as if words
    occurred independently); None keeps all of them.
    """
    frequency = _lexeme_frequencies()
    # a word the statistics do not list is rarer than any they list
    unlisted = min(frequency.values(), default=0.0) / 2
    share = {lexeme: frequency.get(lexeme, unlisted) for lexeme in lexemes}
    rare = sorted(lexemes, key=lambda lexeme: share[lexeme])[:RARE_WORDS]
    quoted = {
        lexeme: "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'" for lexeme in rare
    }
    if len(rare) == 1:
        return quoted[rare[0]]
    combined = list(itertools.combinations(rare, 2))
    if pairs is not None:
        combined = sorted(combined, key=lambda ab: share[ab[0]] * share[ab[1]])[:pairs]
    return " | ".join(f"({quoted[a]} & {quoted[b]})" for a, b in combined)


_frequencies: tuple[float, dict[str, float]] = (0.0, {})


def _lexeme_frequencies() -> dict[str, float]:
    """Share of claims containing each of the most common lexemes, from ANALYZE's
    statistics of exact_tsv (bounded in size, whatever the number of claims); a lexeme
    not listed is rarer than all of them. Read at most once a minute."""
    global _frequencies
    read_at, known = _frequencies
    if time.monotonic() - read_at < 60:
        return known
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.elem, s.freq FROM pg_stats p,"
            " unnest(p.most_common_elems::text::text[], p.most_common_elem_freqs)"
            " AS s(elem, freq)"
            " WHERE p.tablename = 'quotes_claim' AND p.attname = 'exact_tsv'"
            " AND p.schemaname = current_schema() AND s.elem IS NOT NULL"
        )
        known = {elem: float(freq) for elem, freq in cursor.fetchall()}
    _frequencies = (time.monotonic(), known)
    return known


def forget_statistics() -> None:
    """Read the lexeme statistics again at the next match (after a bulk import)."""
    global _frequencies
    _frequencies = (0.0, {})


def _find_plain(text: str, exclude_article: int | None, limit: int) -> list[Candidate]:
    words = sorted({w for w in _WORD.findall(text.lower()) if len(w) >= 4}, key=len, reverse=True)
    if not words:
        return []
    condition = Q()
    for word in words[:3]:
        condition |= Q(exact__icontains=word)
    candidates = checked_claims().filter(condition)
    if exclude_article:
        candidates = candidates.exclude(article_id=exclude_article)
    scored = [
        Candidate(pk, similarity(text, other))
        for pk, other in candidates.values_list("pk", "exact")[:500]
    ]
    scored = [c for c in scored if c.score >= MATCH_THRESHOLD]
    scored.sort(key=lambda c: (-c.score, c.claim_id))
    return scored[:limit]


def match_claims(claim_ids: Iterable[int]) -> int:
    """Store the matches of each claim (idempotent: a claim's matches are replaced).

    Claims that are themselves checked, or imported fact checks, are skipped: they are
    the reference set. Returns the number of matches stored.
    """
    claims = list(
        Claim.objects.filter(pk__in=list(claim_ids))
        .exclude(attribution_method__in=IMPORTED_CHECK_METHODS)
        .exclude(Q(pk__in=checked_claims().values("pk")))
        .values_list("pk", "article_id", "exact")
    )
    stored = 0
    for pk, article_id, exact in claims:
        found = find_matches(exact, exclude_article=article_id)
        with transaction.atomic():
            ClaimMatch.objects.filter(claim_id=pk).delete()
            ClaimMatch.objects.bulk_create(
                [ClaimMatch(claim_id=pk, checked_id=c.claim_id, score=c.score) for c in found]
            )
        stored += len(found)
    return stored


@dataclass(frozen=True)
class AlreadyChecked:
    """What the workbench says of a match: "rated False by PolitiFact on 2020-03-10"."""

    match: ClaimMatch
    rating: str
    by: str
    on: object  # a date, or None
    url: str


def shown_matches(claims: Iterable[Claim]) -> dict[int, list[AlreadyChecked]]:
    """The matches of `claims` whose checked claim is still checked, for display; two
    queries whatever the number of claims."""
    ids = [claim.pk for claim in claims]
    if not ids:
        return {}
    matches = (
        ClaimMatch.objects.filter(is_checked_ref("checked_id"), claim_id__in=ids)
        .select_related("checked__verdict__rating", "checked__article")
        .defer("checked__article__body")
        .prefetch_related("checked__external_reviews__rating")
        .order_by("claim_id", "-score", "pk")
    )
    shown: dict[int, list[AlreadyChecked]] = {}
    for match in matches:
        shown.setdefault(match.claim_id, []).append(describe(match))
    return shown


def describe(match: ClaimMatch) -> AlreadyChecked:
    checked = match.checked
    verdict = getattr(checked, "verdict", None)
    if verdict is not None and verdict.status == Verdict.Status.PUBLISHED:
        on = verdict.published_at.date() if verdict.published_at else None
        return AlreadyChecked(
            match=match,
            rating=verdict.rating.label,
            by=settings.FACTCHECK_ORG_NAME,
            on=on,
            url=checked.get_absolute_url(),
        )
    review = next(iter(checked.external_reviews.all()))
    return AlreadyChecked(
        match=match,
        rating=review.rating_label or (review.rating.label if review.rating else "rated"),
        by=review.publisher_name or "another fact-checker",
        on=review.published_at.date() if review.published_at else checked.article.published,
        url=review.review_url or checked.get_absolute_url(),
    )
