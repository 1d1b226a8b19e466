"""Claim search and similar claims: PostgreSQL full-text and trigram indexes, SQLite fallback.

Both functions take and return querysets or lists of Claims so that views, filters
and exports share one implementation. On PostgreSQL the queries are written to
match the expression indexes of migration 0003 (see tests/test_search.py's EXPLAIN
checks); on SQLite a plain case-insensitive match is good enough for a laptop.
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet

from quotes.models import Claim

_WORD = re.compile(r"\w{4,}")
SIMILARITY_THRESHOLD = 0.3


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def search_claims(claims: QuerySet[Claim], q: str) -> QuerySet[Claim]:
    """Claims whose text matches the words of `q` (web-search syntax on PostgreSQL)."""
    q = q.strip()
    if not q:
        return claims
    if is_postgres():
        return claims.annotate(search=SearchVector("exact", config="english")).filter(
            search=SearchQuery(q, config="english", search_type="websearch")
        )
    condition = Q()
    for word in q.split()[:10]:
        condition &= Q(exact__icontains=word.strip('"'))
    return claims.filter(condition)


def similar_claims(claim: Claim, limit: int = 5) -> list[Claim]:
    """Claims in other articles that say nearly the same thing, most similar first."""
    others = Claim.objects.exclude(article_id=claim.article_id).select_related(
        "article", "speaker", "verdict__rating"
    )
    if is_postgres():
        from django.contrib.postgres.search import TrigramSimilarity

        return list(
            others.filter(exact__trigram_similar=claim.exact)
            .annotate(similarity=TrigramSimilarity("exact", claim.exact))
            .order_by("-similarity", "pk")[:limit]
        )
    words = sorted({w.lower() for w in _WORD.findall(claim.exact)}, key=len, reverse=True)[:3]
    if not words:
        return []
    condition = Q()
    for word in words:
        condition |= Q(exact__icontains=word)
    mine = {w.lower() for w in _WORD.findall(claim.exact)}
    scored = []
    for other in others.filter(condition)[:200]:
        theirs = {w.lower() for w in _WORD.findall(other.exact)}
        union = mine | theirs
        score = len(mine & theirs) / len(union) if union else 0.0
        if score >= SIMILARITY_THRESHOLD:
            other.similarity = score  # type: ignore[attr-defined]
            scored.append((score, other.pk, other))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [other for _, _, other in scored[:limit]]
