"""Workflows that span several models: importing an article into claims and speakers.

Reshaping claims and every other change a reviewer makes is a transition in quotes.review.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from quotes import counters, matching, similar
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

# A table is analysed after an import that adds at least this share of its rows: what
# PostgreSQL's autovacuum waits for (autovacuum_analyze_scale_factor, 0.1) before it
# analyses. Smaller imports leave the statistics as they are: 100 LIAR rows into an archive
# of a million claims spent 1.1 s of their 1.7 s analysing seven tables that had barely
# changed (ANALYZE reads up to 30,000 pages of each, SQLite's every row).
ANALYZE_SHARE = 0.1


def _estimated_rows(tables: list[str]) -> dict[str, float]:
    """The row count each table had at its last ANALYZE, from the catalogue (no scan);
    a table never analysed is missing."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT relname, reltuples FROM pg_class WHERE relkind = 'r'"
                " AND relname = ANY(%s) AND pg_table_is_visible(oid)",
                [tables],
            )
            return {name: rows for name, rows in cursor.fetchall() if rows >= 0}
        if connection.vendor == "sqlite":
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone() is None:
                return {}
            # sqlite_stat1.stat starts with the table's row count, per index
            placeholders = ", ".join(["%s"] * len(tables))
            cursor.execute(
                f"SELECT tbl, stat FROM sqlite_stat1 WHERE tbl IN ({placeholders})",  # noqa: S608
                tables,
            )
            return {name: float(stat.split()[0]) for name, stat in cursor.fetchall()}
    return {}


def refresh_after_bulk_import(added: int | None = None) -> None:
    """Bring the indexes and the planner's statistics up to date after a bulk import.

    What PostgreSQL's autovacuum would do a minute or more later, and SQLite never does:
    - ANALYZE: the planners choose between walking an index and sorting by the row counts
      they know. Without them SQLite sorts every claim for each page of the claims list
      instead of walking article_newest_idx and stopping after 50. With `added` (the rows
      the import made, at most that many per table), only the tables it grew by
      ANALYZE_SHARE or more, or never analysed, are analysed; without it, every one.
    - PostgreSQL: move the GIN indexes' pending lists (rows inserted since the last
      vacuum, kept unsorted) into the index proper. Until then every full-text search
      reads the whole pending list: after importing LIAR, all 12,836 claims.
    """
    models = (Article, Claim, Speaker, SpeakerAlias, Verdict, Evidence, Source)
    tables = [model._meta.db_table for model in models]
    stale = tables
    if added is not None:
        if added == 0:
            return
        known = _estimated_rows(tables)
        stale = [t for t in tables if t not in known or added >= ANALYZE_SHARE * known[t]]
    with connection.cursor() as cursor:
        for table in stale:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
        if Claim._meta.db_table in stale:
            matching.forget_statistics()  # the rare words are read from the new statistics
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
    background: bool = False,
) -> Article:
    """Import an article: store its text, split it into claims and attribute the quotes.

    Everything happens in one transaction: a failure leaves no article, claim or
    speaker behind. Speakers are matched through the registry's names and aliases;
    new ones are created with the aliases the text defined for them.
    With `background`, the article is stored at once, marked `awaiting_analysis`, and
    the analysis runs as a task (inline when no broker is configured).
    """
    from quotes import tasks  # tasks call back into this module

    analysis = None if background else propose_claims(body)
    if analysis is None:
        check_body(body)
    article = Article(
        title=title.strip()[:300] or "Untitled article",
        outlet=(outlet or (analysis.outlet if analysis else "") or "").strip()[:200],
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
    article.awaiting_analysis = analysis is None
    article.save()
    if analysis is None:
        tasks.send(tasks.analyse_article, article.pk)
    else:
        claims = create_claims(article, analysis)
        tasks.send(tasks.match_claims, [claim.pk for claim in claims])
    return article


def analyse_article(article_id: int) -> bool:
    """Create the claims of an article stored with `awaiting_analysis`.

    Idempotent: the article's row is locked and the flag checked, so a task delivered
    twice (or run by two workers) analyses the article once. Returns whether it did.
    """
    from quotes import tasks

    with transaction.atomic():
        article = Article.objects.select_for_update().filter(pk=article_id).first()
        if article is None or not article.awaiting_analysis:
            return False
        claims = create_claims(article, analyze(article.body, load_registry()))
        article.awaiting_analysis = False
        article.save(update_fields=["awaiting_analysis"])
        tasks.send(tasks.match_claims, [claim.pk for claim in claims])
    return True


# Attribution methods of claims whose speaker did not come from the text pipeline: a
# reviewer's choice, or a data set's record. Re-analysis leaves them alone.
NOT_FROM_THE_PIPELINE = ("manual", "liar", "claimreview", "climate-fever")
REANALYSED = "Re-analysed after the speaker registry changed"


def _proposal(
    span: Any, proposed: dict[str, ProposedSpeaker], resolver: SpeakerRegistry
) -> tuple[Speaker | None, str]:
    """The speaker row and the article's words for one claim span of the pipeline."""
    if not span.speaker:
        return None, ""
    info = proposed.get(normalize_name(span.speaker)) or ProposedSpeaker(
        span.speaker, "person", None, ()
    )
    speaker_text = info.described(span.speaker_description or info.description)[:300]
    # An unnamed source ("a senior official"), a place, or a guess below the documented
    # confidence stays words on the claim until a reviewer names the speaker: the
    # registry holds speakers a reviewer can tell apart.
    if info.may_create(span.confidence):
        return resolver.resolve(info), speaker_text
    if info.kind != UNNAMED:
        return resolver.match(info), speaker_text
    return None, speaker_text


def reanalyse_proposals(article_ids: list[int]) -> int:
    """Propose the speakers of these articles' quotes again with today's registry.

    Only machine proposals change: a claim whose speaker a reviewer confirmed or chose,
    a claim from a data set, and a claim frozen by a published verdict keep theirs. Each
    article is one transaction with its claims locked, so a reviewer confirming a
    speaker meanwhile wins; a changed claim gets a new version (an open form built on
    the old proposal is refused as stale) and a history entry. Returns how many claims
    changed.
    """
    from quotes import registry_signals

    registry = load_registry()
    changed = 0
    with registry_signals.quiet():
        for article in Article.objects.filter(pk__in=article_ids).order_by("pk"):
            with transaction.atomic():
                claims = list(
                    article.claims.select_for_update(of=("self",))
                    .filter(kind=Claim.Kind.QUOTE, speaker_confirmed=False)
                    .exclude(attribution_method__in=NOT_FROM_THE_PIPELINE)
                    .exclude(verdict__status=Verdict.Status.PUBLISHED)
                )
                if not claims:
                    continue
                analysis = analyze(article.body, registry)
                spans = {(s.start, s.end, s.kind): s for s in analysis.claims}
                proposed = {normalize_name(s.name): s for s in analysis.speakers}
                resolver = SpeakerRegistry.load()
                for claim in claims:
                    span = spans.get((claim.start, claim.end, claim.kind))
                    if span is None:
                        continue  # the reviewer reshaped it: no proposal of ours fits
                    speaker, speaker_text = _proposal(span, proposed, resolver)
                    new = {
                        "speaker_id": speaker.pk if speaker else None,
                        "speaker_text": speaker_text,
                        "attribution_method": span.method[:40],
                        "cue": (span.cue or "")[:100],
                        "confidence": span.confidence if span.speaker else None,
                    }
                    if all(getattr(claim, k) == v for k, v in new.items()):
                        continue
                    for name, value in new.items():
                        setattr(claim, name, value)
                    claim.version += 1
                    claim._change_reason = REANALYSED  # type: ignore[attr-defined]
                    claim.save()
                    changed += 1
    return changed


def articles_with_proposals(after: int, batch: int) -> list[int]:
    """Ids of the next `batch` articles (by id, after `after`) with a quote whose speaker
    is still only a machine proposal."""
    return list(
        Claim.objects.filter(article_id__gt=after, kind=Claim.Kind.QUOTE, speaker_confirmed=False)
        .exclude(attribution_method__in=NOT_FROM_THE_PIPELINE)
        .order_by("article_id")
        .values_list("article_id", flat=True)
        .distinct()[:batch]
    )


def create_claims(article: Article, analysis: Analysis) -> list[Claim]:
    from quotes import registry_signals

    with registry_signals.quiet():
        return _create_claims(article, analysis)


def _create_claims(article: Article, analysis: Analysis) -> list[Claim]:
    resolver = SpeakerRegistry.load()
    proposed = {normalize_name(s.name): s for s in analysis.speakers}
    claims = []
    for position, span in enumerate(analysis.claims, start=1):
        speaker, speaker_text = _proposal(span, proposed, resolver)
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
    # bulk_create skips Claim.save(): the counters and similar claims are kept here
    counters.add_claims(Counter(claim.speaker_id for claim in created))
    similar.claims_changed([claim.pk for claim in created])
    return created
