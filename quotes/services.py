"""Workflows that span several models: importing an article into claims and speakers.

Reshaping claims and every other change a reviewer makes is a transition in quotes.review.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from quotes.imports.speakers import SpeakerRegistry
from quotes.models import Article, Claim, Evidence, Source, Speaker, SpeakerAlias, Verdict
from quotes.text import (
    UNNAMED,
    Analysis,
    KnownSpeaker,
    ProposedSpeaker,
    analyze,
    normalize_name,
)


def refresh_after_bulk_import() -> None:
    """Bring the indexes and the planner's statistics up to date after a bulk import.

    What PostgreSQL's autovacuum would do a minute or more later, and SQLite never does:
    - ANALYZE: the planners choose between walking an index and sorting by the row counts
      they know. Without them SQLite sorts every claim for each page of the claims list
      instead of walking article_newest_idx and stopping after 50.
    - PostgreSQL: move the GIN indexes' pending lists (rows inserted since the last
      vacuum, kept unsorted) into the index proper. Until then every full-text search
      reads the whole pending list: after importing LIAR, all 12,836 claims.
    """
    models = (Article, Claim, Speaker, SpeakerAlias, Verdict, Evidence, Source)
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT gin_clean_pending_list(i.indexrelid) FROM pg_index i"
                " JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam"
                " WHERE a.amname = 'gin' AND i.indrelid::regclass::text = ANY(%s)"
                " AND pg_has_role(c.relowner, 'USAGE')",  # only the owner may clean
                [tables],
            )


class ArticleRejected(ValueError):
    """An article that cannot be imported; the message says why, for the user."""


def check_body(body: str) -> str:
    """Validate article text a user supplied and return it unchanged.

    Rejects empty or whitespace-only text, NUL bytes (binary files) and text over
    MAX_ARTICLE_CHARS. The body is otherwise stored exactly as given, since every
    claim offset indexes into it.
    """
    if not body.strip():
        raise ArticleRejected("The article text is empty.")
    if "\x00" in body:
        raise ArticleRejected(
            "The text contains NUL bytes: this looks like a binary file, not text."
        )
    limit: int = settings.MAX_ARTICLE_CHARS
    if len(body) > limit:
        raise ArticleRejected(
            f"The article is {len(body):,} characters long; the limit is {limit:,} characters."
        )
    return body


def load_registry() -> list[KnownSpeaker]:
    """The speaker registry as plain data for the text pipeline."""
    aliases: dict[int, list[str]] = {}
    for speaker_id, alias in SpeakerAlias.objects.values_list("speaker_id", "alias"):
        aliases.setdefault(speaker_id, []).append(alias)
    return [
        KnownSpeaker(name=name, kind=kind, aliases=tuple(aliases.get(pk, ())))
        for pk, name, kind in Speaker.objects.values_list("pk", "name", "kind")
    ]


def propose_claims(body: str) -> Analysis:
    """Run the text pipeline on `body` with the registry from the database."""
    return analyze(check_body(body), load_registry())


@transaction.atomic
def ingest_article(
    *,
    body: str,
    title: str,
    outlet: str = "",
    url: str = "",
    published: dt.date | None = None,
    byline: str = "",
    imported_by: Any = None,
) -> Article:
    """Import an article: store its text, split it into claims and attribute the quotes.

    Everything happens in one transaction: a failure leaves no article, claim or
    speaker behind. Speakers are matched through the registry's names and aliases;
    new ones are created with the aliases the text defined for them.
    """
    analysis = propose_claims(body)
    article = Article(
        title=title.strip()[:300] or "Untitled article",
        outlet=(outlet or analysis.outlet or "").strip()[:200],
        url=url.strip(),
        published=published,
        byline=byline.strip()[:300],
        body=body,
        imported_by=imported_by,
    )
    try:
        article.full_clean()
    except ValidationError as exc:
        problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        raise ArticleRejected(problems) from exc
    article.save()
    create_claims(article, analysis)
    return article


def create_claims(article: Article, analysis: Analysis) -> list[Claim]:
    resolver = SpeakerRegistry.load()
    proposed = {normalize_name(s.name): s for s in analysis.speakers}
    claims = []
    for position, span in enumerate(analysis.claims, start=1):
        speaker = None
        speaker_text = ""
        if span.speaker:
            key = normalize_name(span.speaker)
            info = proposed.get(key) or ProposedSpeaker(span.speaker, "person", None, ())
            speaker_text = info.described(span.speaker_description or info.description)
            # An unnamed source ("a senior official"), a place, or a guess below the
            # documented confidence stays words on the claim until a reviewer names the
            # speaker: the registry holds speakers a reviewer can tell apart.
            if info.may_create(span.confidence):
                speaker = resolver.resolve(info)
            elif info.kind != UNNAMED:
                speaker = resolver.match(info)
        claim = Claim(
            article=article,
            position=position,
            start=span.start,
            end=span.end,
            kind=span.kind,
            speaker=speaker,
            speaker_text=speaker_text[:300],
            attribution_method=span.method[:40],
            cue=(span.cue or "")[:100],
            confidence=span.confidence if span.speaker else None,
        )
        claim.anchor()
        claims.append(claim)
    created = Claim.objects.bulk_create(claims)
    return created
