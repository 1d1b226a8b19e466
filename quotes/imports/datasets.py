"""What the data-set importers (LIAR, Climate-FEVER) share: rows recorded by data set and id."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from simple_history.utils import bulk_create_with_history

from quotes import counters, tasks
from quotes.imports.text import ImportRefused
from quotes.models import Article, Claim

BATCH = 1000
# claims per background task looking for similar claims (a few ms each on PostgreSQL)
SIMILAR_BATCH = 5000


@dataclass
class DatasetResult:
    """What a data-set import did: its counts, and the rows it skipped with the reason."""

    created: int = 0
    skipped: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def imported_ids(dataset: str, ids: Iterable[str]) -> set[str]:
    """Which of `ids` the data set already has rows for, through the unique index."""
    wanted = list(dict.fromkeys(ids))
    found: set[str] = set()
    for start in range(0, len(wanted), BATCH):
        found.update(
            key
            for key in Article.objects.filter(
                dataset=dataset, external_id__in=wanted[start : start + BATCH]
            ).values_list("external_id", flat=True)
            if key is not None
        )
    return found


def refuse_if_nothing(keep: list[Any], skipped: list[str], what: str) -> None:
    """Refuse a file of which no row can be used (unless they were all imported before)."""
    if not keep and not any("already imported" in s for s in skipped):
        raise ImportRefused(f"No {what} could be imported:\n  " + "\n  ".join(skipped[:20]))


@dataclass(frozen=True)
class Statement:
    """One row of a data set as an article: its id there, title, text and claim fields."""

    external_id: str
    title: str
    body: str
    claim_fields: dict[str, Any] = field(default_factory=dict)


def create_statement_articles(
    statements: list[Statement],
    *,
    dataset: str,
    outlet: str,
    method: str,
    reason: str,
    batch_size: int = BATCH,
) -> list[Claim]:
    """Data sets of single statements (LIAR, Climate-FEVER): one article per statement, recorded
    by data set and id, and one claim spanning its body, in bulk, with history rows so that the
    admin's history of these records starts at the import. `claim_fields` adds to each claim
    (speaker, ...)."""
    saved = Article.objects.bulk_create(
        [
            Article(
                title=s.title,
                outlet=outlet,
                body=s.body,
                dataset=dataset,
                external_id=s.external_id,
            )
            for s in statements
        ],
        batch_size=batch_size,
    )
    claims = bulk_create_with_history(
        [
            Claim(
                article=article,
                position=1,
                start=0,
                end=len(article.body),
                exact=article.body,
                kind=Claim.Kind.STATEMENT,
                attribution_method=method,
                **s.claim_fields,
            )
            for article, s in zip(saved, statements, strict=True)
        ],
        Claim,
        batch_size=batch_size,
        default_change_reason=reason,
    )
    # bulk_create skips Claim.save(): the speakers' counts in one UPDATE, and the similar
    # claims of the new rows in the background (inline without a broker)
    counters.add_claims(Counter(claim.speaker_id for claim in claims))
    # The search for similar claims reads the full-text index and the lexeme statistics:
    # the new rows go into the index proper first (a GIN index's pending list, where new
    # rows wait for a vacuum, is read whole by every search) and into the statistics (by
    # which it picks each claim's rarest words). Importing LIAR's 12,836 statements into an
    # empty PostgreSQL database, searched before: minutes, each batch of 500 claims reading
    # 12,836 pending rows 500 times.
    from quotes.services import refresh_after_bulk_import

    refresh_after_bulk_import(added=len(claims))
    for start in range(0, len(claims), SIMILAR_BATCH):
        batch = [claim.pk for claim in claims[start : start + SIMILAR_BATCH]]
        tasks.send(tasks.compute_similar_claims, batch)
    return claims
