"""Loading claims for exports: one ClaimRecord per claim, read chunk by chunk.

Only *published* verdicts appear in any export, people-facing or machine-readable: a
claim whose verdict is a draft or in review is exported as having "no published
verdict", with no rating, rationale, reviewer or status, so nothing unpublished leaks
through a forwarded report or a CSV pasted into a spreadsheet.
"""

from __future__ import annotations

import gc
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from quotes.models import Claim, Evidence, Verdict

CHUNK_SIZE = 500
NO_VERDICT = "no published verdict"


def permalink(verdict: Verdict) -> str:
    """The absolute public URL of a verdict, for `url` in ClaimReview."""
    return settings.PUBLIC_BASE_URL + reverse("reports:verdict", args=[verdict.pk])


def person_name(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


@dataclass
class ClaimRecord:
    """A claim with what an export may show of it: the verdict only when published."""

    claim: Claim
    verdict: Verdict | None
    evidence: list[Evidence]
    history: list[Any] = field(default_factory=list)

    @property
    def stance_counts(self) -> Counter[str]:
        return Counter(e.stance for e in self.evidence)

    @property
    def permalink(self) -> str:
        return permalink(self.verdict) if self.verdict else ""


def export_queryset(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    """The claims of `claims`, in report order, with everything an export reads loaded.

    Re-selecting by primary key keeps any annotations, joins or DISTINCT of a filter's
    queryset out of the export query.
    """
    return (
        Claim.objects.filter(pk__in=claims.values("pk"))
        .select_related("article", "speaker", "verdict__rating", "verdict__reviewer")
        .prefetch_related(
            Prefetch(
                "evidence",
                queryset=Evidence.objects.select_related("source").order_by("created", "id"),
            ),
            "speaker__aliases",
        )
        .order_by("article_id", "position", "start", "id")
    )


def published_verdict(claim: Claim) -> Verdict | None:
    """The claim's verdict if it is published, else None (also when it has none)."""
    try:
        verdict = claim.verdict
    except Verdict.DoesNotExist:
        return None
    return verdict if verdict.is_published else None


def iter_records(
    claims: QuerySet[Claim], *, with_history: bool = False, chunk_size: int = CHUNK_SIZE
) -> Iterator[ClaimRecord]:
    """Yield a ClaimRecord per claim of `claims`, reading the database chunk by chunk.

    With `with_history`, each published verdict carries the versions of itself that
    were published (never the draft versions in between).
    """
    # The ids first, then each chunk by id: unlike .iterator() with prefetching, no cursor
    # stays open while the prefetch queries run, which on SQLite made peak memory grow
    # with the number of rows (measured in benchmarks/exports.py).
    ordered = export_queryset(claims)
    ids = list(ordered.values_list("pk", flat=True))
    for offset in range(0, len(ids), chunk_size):
        batch = list(ordered.filter(pk__in=ids[offset : offset + chunk_size]))
        yield from _records(batch, with_history)
        # A claim and its verdict refer to each other (select_related fills both sides),
        # so a finished chunk is only freed by the cycle collector: run it now. Without
        # this, peak memory climbed to ~4 chunks (benchmarks/exports.py: 22 MiB vs 6 MiB).
        del batch
        gc.collect()


def _records(batch: list[Claim], with_history: bool) -> Iterator[ClaimRecord]:
    verdicts = {c.pk: published_verdict(c) for c in batch}
    history: dict[int, list[Any]] = defaultdict(list)
    if with_history:
        ids = [v.pk for v in verdicts.values() if v is not None]
        rows = (
            Verdict.history.filter(id__in=ids, status=Verdict.Status.PUBLISHED)  # type: ignore[attr-defined]
            .select_related("rating", "history_user")
            .order_by("history_date", "history_id")
        )
        for row in rows:
            history[row.id].append(row)
    for claim in batch:
        verdict = verdicts[claim.pk]
        yield ClaimRecord(
            claim=claim,
            verdict=verdict,
            evidence=list(claim.evidence.all()),
            history=history.get(verdict.pk, []) if verdict else [],
        )
