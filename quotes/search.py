"""Claim search and similar claims: PostgreSQL full-text and trigram indexes, SQLite fallback.

Both functions take and return querysets or lists of Claims so that views, filters
and exports share one implementation. On PostgreSQL the queries are written to
match the indexes and the stored vector of migrations 0003, 0005, 0006 and 0012 (see
tests/test_search.py's EXPLAIN checks); on SQLite a plain case-insensitive match is good
enough for a laptop.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import Col, Expression

from quotes.models import Claim, Speaker, SpeakerAlias
from quotes.text import normalize_name

_WORD = re.compile(r"\w{4,}")
# The prefix of a claim's text that the trigram index holds (migration 0012; the stored
# tsvector holds the first 100,000 characters): an index row of the whole of a long
# claim is over PostgreSQL's limit of 8,191 bytes.
TRIGRAM_CHARS = 2000
# A search term as web-search syntax reads it: a "phrase" (closed or not) or a run of
# other characters, either with a leading minus.
_TERM = re.compile(r'(-*)"([^"]*)"?|(-*)([^\s"]+)')
# Words inside a term: letters and digits, joined by hyphens, apostrophes or dots.
_TERM_WORD = re.compile(r"\w+(?:[-'\u2019.]\w+)*")


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


# The claim's text as a tsvector, stored by PostgreSQL in the generated column exact_tsv
# (migration 0006). Not a model field, since SQLite has no tsvector: this stands in for
# one, so that the column is named through the query's alias for the claims table.
_EXACT_TSV = SearchVectorField()
_EXACT_TSV.set_attributes_from_name("exact_tsv")
_EXACT_TSV.model = Claim


class StoredSearchVector(Expression):
    """The column exact_tsv of the claims table, resolved like F("exact") would be.

    It follows the queryset into subqueries (the exports filter on `pk__in` a searched
    queryset), where the table is renamed.
    """

    output_field = SearchVectorField()

    # It resolves to the column itself, as F() does: not to a copy of this expression,
    # which is what Expression.resolve_expression promises.
    def resolve_expression(  # type: ignore[override]
        self,
        query: Any = None,
        allow_joins: bool = True,
        reuse: set[str] | None = None,
        summarize: bool = False,
        for_save: bool = False,
    ) -> Col:
        return Col(query.get_initial_alias(), _EXACT_TSV)


def web_search(q: str) -> str:
    """`q` rewritten to the web-search syntax we support, each operator next to a word.

    Kept: words, "quoted phrases" (closed or not), -word and -"phrase", and `or`.
    Dropped: punctuation that is not part of a word and minus signs that touch no word.
    A run of minus signs before a word is one negation. PostgreSQL's
    websearch_to_tsquery stacks one NOT per minus sign however many there are, and fails
    past 32 ("tsquery stack too small"), so no minus sign may reach it without a word.
    """
    terms: list[str] = []
    for match in _TERM.finditer(q):
        phrase_minus, phrase, minus, token = match.groups()
        if token is None:
            words = _TERM_WORD.findall(phrase)
            if words:
                terms.append(("-" if phrase_minus else "") + '"' + " ".join(words) + '"')
            continue
        if token.casefold() == "or":
            terms.append("or")
            continue
        words = _TERM_WORD.findall(token)
        if words:
            negated = bool(minus) or token.startswith("-")
            terms.append(("-" if negated else "") + words[0])
            terms.extend(words[1:])
    return " ".join(terms)


def search_claims(claims: QuerySet[Claim], q: str) -> QuerySet[Claim]:
    """Claims whose text matches the words of `q`, best matches first on PostgreSQL.

    PostgreSQL: English full-text search with web-search syntax ("quoted phrases",
    -excluded, or), matched with `@@` on the stored vector `exact_tsv` and its GIN index
    `claim_exact_fts_idx`, and ordered by `ts_rank` of that vector (not recomputed for
    every match). We filter on the match, never on rank > 0, since non-matching rows can
    get a tiny positive rank.
    SQLite: every word (up to ten) must occur in the text, case-insensitively, and a
    -word must not; the incoming order is kept.
    Both: the claims of speakers whose name or alias contains the query ("okafor" finds
    what Ngozi Okafor said) match too, after the text matches on PostgreSQL.
    Both read `q` through web_search(), so no typed punctuation can break the query.
    """
    q = web_search(q)
    if not q:
        return claims
    if is_postgres():
        vector = StoredSearchVector()
        query = SearchQuery(q, config="english", search_type="websearch")
        return (
            _matching(claims, q)
            .annotate(rank=SearchRank(vector, query))
            .order_by("-rank", *(claims.query.order_by or ["pk"]))
        )
    return _matching(claims, q)


def match_claims(claims: QuerySet[Claim], q: str) -> QuerySet[Claim]:
    """The claims search_claims() finds for `q`, in the incoming order (no rank).

    For lists in an order of their own, such as the admin's: on PostgreSQL the match is
    the stored vector's `@@` alone, which its GIN index answers.
    """
    q = web_search(q)
    return _matching(claims, q) if q else claims


def _matching(claims: QuerySet[Claim], q: str) -> QuerySet[Claim]:
    # the speakers first, as a short list of ids: an OR on the claims' speaker index beside
    # the text's GIN index, rather than a join in every search
    said_by = Q(speaker_id__in=ids) if (ids := speakers_matching(q)) else Q()
    if is_postgres():
        query = SearchQuery(q, config="english", search_type="websearch")
        return claims.alias(search=StoredSearchVector()).filter(Q(search=query) | said_by)
    condition = Q()
    for word in q.split()[:10]:
        word = word.strip('"')
        if word.startswith("-") and len(word) > 1:
            condition &= ~Q(exact__icontains=word[1:].strip('"'))
        elif word and word.lower() != "or":
            condition &= Q(exact__icontains=word)
    return claims.filter(condition | said_by)


SPEAKER_MATCH_LIMIT = 200


def speakers_matching(q: str) -> list[int]:
    """Ids of the speakers whose name or an alias contains the whole query (at least three
    letters, no -excluded word), at most SPEAKER_MATCH_LIMIT of them."""
    if any(word.startswith("-") for word in q.split()):
        return []
    key = normalize_name(q.replace('"', " "))
    if len(key) < 3:
        return []
    # A UNION of names and aliases, each side answered by its trigram index on PostgreSQL
    # (migration 0017): the OR across the join read all 67k speakers at 1M claims for
    # every search (25 ms; 1 ms with the indexes).
    names = Speaker.objects.filter(normalized_name__contains=key).order_by()
    aliases = SpeakerAlias.objects.filter(normalized__contains=key).order_by()
    return list(
        names.values_list("pk", flat=True).union(aliases.values_list("speaker_id", flat=True))[
            :SPEAKER_MATCH_LIMIT
        ]
    )


def similar_claims(claim: Claim, limit: int = 5) -> list[Claim]:
    """Claims in other articles that say nearly the same thing, most similar first: the
    pairs stored when the claims were created (quotes/similar.py)."""
    from quotes.similar import similar_to

    return similar_to(claim, limit)
