"""Loading claims for exports: one ClaimRecord per claim, read chunk by chunk.

Only *published* verdicts appear in any export, people-facing or machine-readable: a
claim whose verdict is a draft or in review is exported as having "no published
verdict", with no rating, rationale, reviewer or status, so nothing unpublished leaks
through a forwarded report or a CSV pasted into a spreadsheet.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Min, Prefetch, QuerySet
from django.urls import reverse

from quotes.models import Claim, Evidence, Verdict

CHUNK_SIZE = 500
NO_VERDICT = "no published verdict"


def permalink(verdict: Verdict) -> str:
    """The absolute public URL of a verdict, for `url` in ClaimReview."""
    return settings.PUBLIC_BASE_URL + reverse("reports:verdict", args=[verdict.pk])


def person_name(user: Any) -> str:
    """A reviewer's name as readers should see it: the full name, never the login.

    A login ("jdoe2") is an account detail, not a byline: without a full name in the
    account, exports name no one rather than the login.
    """
    if user is None:
        return ""
    return str(user.get_full_name()).strip()


@dataclass
class ClaimRecord:
    """A claim with what an export may show of it: the verdict only when published."""

    claim: Claim
    verdict: Verdict | None
    evidence: list[Evidence]
    history: list[Any] = field(default_factory=list)
    # When a corrected verdict was first published (it is republished after a correction).
    first_published: dt.datetime | None = None

    @property
    def stance_counts(self) -> Counter[str]:
        return Counter(e.stance for e in self.evidence)

    @property
    def permalink(self) -> str:
        return permalink(self.verdict) if self.verdict else ""

    @property
    def correction(self) -> str:
        """The correction note of a verdict republished after a change, else ""."""
        return self.verdict.correction_note if self.verdict else ""

    @property
    def summary(self) -> str:
        return self.claim.short_summary

    @property
    def reviewer(self) -> str:
        return person_name(self.verdict.reviewer) if self.verdict else ""

    @property
    def where(self) -> str:
        """Where and when, in words: "a floor speech; Title (Outlet), 2020-03-01"."""
        claim, article = self.claim, self.claim.article
        place = article.title
        if article.outlet and article.outlet not in place:
            place += f" ({article.outlet})"
        if article.published:
            place += f", {article.published.isoformat()}"
        return "; ".join(part for part in (claim.context, place) if part)


def export_queryset(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    """The claims of `claims`, in report order, with everything an export reads loaded.

    Re-selecting by primary key keeps any annotations, joins or DISTINCT of a filter's
    queryset out of the export query. The article comes without its body: joined to
    every claim, a 400 KB body made 25,000 claims read 10 GB, and no format shows it per
    claim (the JSON export of an article writes it once, from the article itself).
    """
    return (
        Claim.objects.filter(pk__in=claims.values("pk"))
        .select_related("article", "speaker", "verdict__rating", "verdict__reviewer")
        .defer("article__body")
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


class RecordStream:
    """The ClaimRecords of a queryset, read from the database one chunk at a time.

    Made eagerly: the ids query and the first chunk run when the stream is created, so a
    query that cannot run fails before a streamed response has sent its first byte.
    The rest is read lazily, and only one chunk of records is held at a time.
    """

    def __init__(
        self, claims: QuerySet[Claim], *, with_history: bool = False, chunk_size: int = 0
    ) -> None:
        self.with_history = with_history
        self.chunk_size = chunk_size or CHUNK_SIZE
        self._ordered = export_queryset(claims)
        # The ids first, then each chunk by id: unlike .iterator() with prefetching, no
        # cursor stays open while the prefetch queries run, which on SQLite made peak
        # memory grow with the number of rows. An array of 8-byte ids, not a list of ints
        # (36 bytes each).
        self._ids = array("q", self._ordered.values_list("pk", flat=True).iterator(2000))
        self._first: list[ClaimRecord] | None = self._load(0)

    @property
    def count(self) -> int:
        """How many claims the stream holds."""
        return len(self._ids)

    def _load(self, offset: int) -> list[ClaimRecord]:
        ids = self._ids[offset : offset + self.chunk_size].tolist()
        if not ids:
            return []
        return list(_records(list(self._ordered.filter(pk__in=ids)), self.with_history))

    def chunks(self) -> Iterator[list[ClaimRecord]]:
        """The records, one list per chunk read from the database; iterate once."""
        first, self._first = self._first, None
        if first is None:
            raise RuntimeError("A RecordStream can be read only once.")
        offset = 0
        chunk = first
        while chunk:
            yield chunk
            offset += self.chunk_size
            _release(chunk)
            del chunk
            chunk = self._load(offset)

    def __iter__(self) -> Iterator[ClaimRecord]:
        for chunk in self.chunks():
            yield from chunk


def _release(chunk: list[ClaimRecord]) -> None:
    """Break the reference cycles of a finished chunk, so it is freed at once.

    Django links related rows both ways (a claim and its verdict through select_related,
    a claim and its evidence, a speaker and its aliases through prefetching), so without
    this a chunk waits for the cycle collector: peak memory climbed to ~4 chunks, and a
    full gc.collect() per chunk took a third of the export's time.
    """
    for record in chunk:
        claim = record.claim
        for model in (claim, claim.speaker, record.verdict):
            if model is not None:
                model._state.fields_cache.clear()
                getattr(model, "_prefetched_objects_cache", {}).clear()
        for evidence in record.evidence:
            evidence._state.fields_cache.clear()


def iter_records(
    claims: QuerySet[Claim], *, with_history: bool = False, chunk_size: int = 0
) -> RecordStream:
    """A ClaimRecord per claim of `claims`, read chunk by chunk (CHUNK_SIZE claims).

    With `with_history`, each published verdict carries the versions of itself that
    were published (never the draft versions in between).
    """
    return RecordStream(claims, with_history=with_history, chunk_size=chunk_size)


def _records(batch: list[Claim], with_history: bool) -> Iterator[ClaimRecord]:
    verdicts = {c.pk: published_verdict(c) for c in batch}
    history: dict[int, list[Any]] = defaultdict(list)
    if with_history:
        ids = [v.pk for v in verdicts.values() if v is not None]
        rows = (
            Verdict.history.filter(id__in=ids, status=Verdict.Status.PUBLISHED)
            .select_related("rating", "history_user")
            .order_by("history_date", "history_id")
        )
        for row in rows:
            history[row.id].append(row)
    first = first_publications([v for v in verdicts.values() if v is not None])
    for claim in batch:
        verdict = verdicts[claim.pk]
        yield ClaimRecord(
            claim=claim,
            verdict=verdict,
            evidence=list(claim.evidence.all()),
            history=history.get(verdict.pk, []) if verdict else [],
            first_published=first.get(verdict.pk) if verdict else None,
        )


def first_publications(verdicts: list[Verdict]) -> dict[int, dt.datetime]:
    """When each corrected verdict was first published, from its history (one query).

    Only corrected verdicts (with a correction note) are looked up: for the others the
    current publication is the first.
    """
    ids = [v.pk for v in verdicts if v.correction_note]
    if not ids:
        return {}
    rows = (
        Verdict.history.filter(id__in=ids, status=Verdict.Status.PUBLISHED)
        .values("id")
        .annotate(first=Min("published_at"))
        .order_by()
    )
    return {row["id"]: row["first"] for row in rows if row["first"] is not None}
