"""Similar claims, computed when a claim is created or its text changes, read by the claim page.

The claim page used to look for them at every view through the trigram GiST index, which
reads the whole index whatever the archive's size: 2,989 ms per view at the 1M archive
(17 queries; 97 ms at 13k); reading the stored pairs, 30-67 ms (11 queries; 34-44 ms at
13k), measured by benchmarks/speaker_pages.py on a shared machine. Each new or changed
claim looks for its nearest claims once, among a bounded set of candidates (the rare-word
search of quotes/matching.py that recognises already checked claims, here over every
claim, batched), and the pairs are stored as SimilarClaim rows; the page reads a claim's
best pairs through an index. Backfill (compute_similar_claims): 3,300 claims/s at 13k,
280 claims/s at 1M (about an hour for the archive, resumable).

A pair is stored once (smaller id first) and found from either side, so a claim created
after another one shows on the older claim's page too. Rows go with their claims
(cascade); a text change drops the claim's pairs and looks again.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection
from django.db.models import Prefetch, Q

from quotes.matching import rare_words_query, trigrams
from quotes.models import Claim, ExternalReview, SimilarClaim
from quotes.search import TRIGRAM_CHARS

# The claim page shows five; each claim stores its own best five (pairs found by claims
# created later come on top), so the work per new claim is one bounded search.
STORED = 5
SHOWN = 5
SIMILARITY_THRESHOLD = 0.3
# Candidates share one of the 6 rarest pairs of the claim's 6 rarest words (of 15 pairs):
# at 1M claims that took the search per new claim from 22 ms to 8 ms (a pair of common
# words, "would" and "create", alone brought 2,000 claims into the bitmap for 200 kept).
PAIRS = 6
# Candidates scored per claim (matching.py scores 200 for a verdict to reuse): at the 1M
# archive the search reads one table page per candidate.
SIMILAR_CANDIDATES = 50
# Claims per batch: one lexeme query, one search, one insert each.
BATCH = 500
# SQLite: claims per pass over the table (a pass over LIAR's 12,836 claims takes about a
# second; with batches of 500, importing LIAR took 34 s instead of 5).
PLAIN_BATCH = 5000
_WORD = re.compile(r"[^\W_]+")


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
    stored already is kept). Returns the number of pairs found.

    BATCH claims at a time, each batch in the same few queries whatever its size (a bulk
    import of 500 claims costs what one claim does in queries, not 500 searches).
    """
    ids = sorted(set(claim_ids))
    found = 0
    step = BATCH if connection.vendor == "postgresql" else PLAIN_BATCH
    for start in range(0, len(ids), step):
        batch = ids[start : start + step]
        if connection.vendor == "postgresql":
            pairs = _nearest_on_postgres(batch)
        else:
            pairs = _nearest_plain(batch)
        SimilarClaim.objects.bulk_create(
            [
                SimilarClaim(claim_id=min(a, b), other_id=max(a, b), score=score)
                for a, b, score in pairs
            ],
            ignore_conflicts=True,
        )
        found += len(pairs)
    return found


def _nearest_on_postgres(batch: list[int]) -> list[tuple[int, int, float]]:
    """The rare-word candidates of quotes/matching.py (a pair of a claim's rarest words, on
    the GIN index of exact_tsv, at most CANDIDATES of them), for a batch of claims in one
    query, each scored by trigram similarity on its first TRIGRAM_CHARS characters."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, article_id, left(exact, %(chars)s),"
            " ARRAY(SELECT lexeme FROM unnest(to_tsvector('english', left(exact, %(chars)s)))"
            " ORDER BY length(lexeme) DESC, lexeme)"
            " FROM quotes_claim WHERE id = ANY(%(ids)s)",
            {"chars": TRIGRAM_CHARS, "ids": batch},
        )
        rows = [row for row in cursor.fetchall() if row[3]]
        if not rows:
            return []
        queries = [rare_words_query(lexemes, PAIRS) for _pk, _article, _text, lexemes in rows]
        cursor.execute(
            "SELECT v.id, s.id, s.score"
            " FROM unnest(%(ids)s::bigint[], %(articles)s::bigint[], %(queries)s::text[],"
            " %(texts)s::text[]) AS v(id, article_id, query, text)"
            " CROSS JOIN LATERAL ("
            " SELECT candidate.id, similarity(left(candidate.exact, %(chars)s), v.text) AS score"
            " FROM (SELECT c.id, c.exact FROM quotes_claim c"
            " WHERE c.exact_tsv @@ v.query::tsquery AND c.article_id <> v.article_id"
            " LIMIT %(candidates)s) AS candidate"
            " ORDER BY score DESC, candidate.id LIMIT %(stored)s) AS s"
            " WHERE s.score >= %(threshold)s",
            {
                "ids": [row[0] for row in rows],
                "articles": [row[1] for row in rows],
                "queries": queries,
                "texts": [row[2] for row in rows],
                "chars": TRIGRAM_CHARS,
                "candidates": SIMILAR_CANDIDATES,
                "stored": STORED,
                "threshold": SIMILARITY_THRESHOLD,
            },
        )
        return [(a, b, float(score)) for a, b, score in cursor.fetchall()]


def _nearest_plain(batch: list[int]) -> list[tuple[int, int, float]]:
    """SQLite: the claims sharing one of a claim's three longest words, scored like pg_trgm
    in Python. One pass over the claims per batch: good enough for a laptop."""
    mine = {}
    for start in range(0, len(batch), 900):  # under SQLite's oldest limit of 999 parameters
        rows = Claim.objects.filter(pk__in=batch[start : start + 900])
        for pk, article_id, exact in rows.values_list("pk", "article_id", "exact"):
            mine[pk] = (article_id, exact[:TRIGRAM_CHARS])
    by_word: dict[str, list[int]] = defaultdict(list)
    for pk, (_article, text) in mine.items():
        words = sorted({w for w in _WORD.findall(text.lower()) if len(w) >= 4}, key=len)
        for word in words[-3:]:
            by_word[word].append(pk)
    candidates: dict[int, dict[int, str]] = defaultdict(dict)
    others = Claim.objects.values_list("pk", "article_id", "exact").order_by("pk")
    for other, article_id, exact in others.iterator(chunk_size=2000):
        text = exact[:TRIGRAM_CHARS]
        # in word order, so that the candidates kept are the same at every run
        for word in sorted(by_word.keys() & set(_WORD.findall(text.lower()))):
            for pk in by_word[word]:
                if mine[pk][0] != article_id and len(candidates[pk]) < SIMILAR_CANDIDATES:
                    candidates[pk][other] = text
    # each text's trigrams once (pg_trgm's similarity() made them twice per pair: importing
    # LIAR on SQLite spent 27 s there)
    grams: dict[int, set[str]] = {}

    def of(pk: int, text: str) -> set[str]:
        if pk not in grams:
            grams[pk] = trigrams(text)
        return grams[pk]

    pairs = []
    for pk, found in candidates.items():
        scored = sorted(
            (
                (_overlap(of(pk, mine[pk][1]), of(other, text)), other)
                for other, text in found.items()
            ),
            key=lambda item: (-item[0], item[1]),
        )
        pairs += [
            (pk, other, score) for score, other in scored[:STORED] if score >= SIMILARITY_THRESHOLD
        ]
    return pairs


def _overlap(a: set[str], b: set[str]) -> float:
    """pg_trgm's similarity() of two trigram sets (matching.similarity, on sets)."""
    shared = len(a & b)
    union = len(a) + len(b) - shared
    return shared / union if union else 0.0


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
