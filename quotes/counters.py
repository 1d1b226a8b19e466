"""Speakers' maintained counters: claims per speaker and our published verdicts per rating.

The speakers list ("most claims first"), the speaker page's tally and both admin lists read
these instead of counting: at 1M claims, counting per view cost the speakers list 4.3 s (a
correlated count per speaker) and the speaker page a sequential scan of every verdict.

Every change updates them in its own transaction with F() expressions (never a read then
a write, so concurrent changes add up): Claim.save() and Verdict.save() compare the row
they replace, read under a row lock; deletions (direct or cascaded) go through the
pre_delete receivers below; bulk paths (imports, speaker merge, backup restore) call
add_claims() or recount(). `manage.py recount_speakers` recomputes everything.

Imported fact checks (ExternalReview) are other organisations' findings: not counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.db.models.signals import pre_delete
from django.dispatch import receiver

from quotes.models import Claim, Speaker, SpeakerTally, Verdict

PUBLISHED = Verdict.Status.PUBLISHED.value
# (speaker, rating) of a published verdict, or None when it does not count
Tallied = tuple[int, int] | None


def add_claims(deltas: Mapping[int | None, int]) -> None:
    """Add `deltas[speaker_id]` to each speaker's claim count, in one UPDATE (a bulk import
    of 1,000 claims by 600 speakers is one statement, not 600)."""
    wanted = {pk: n for pk, n in deltas.items() if pk is not None and n}
    if not wanted:
        return
    if len(wanted) == 1:
        [(pk, n)] = wanted.items()
        delta: Any = Value(n)
    else:
        delta = Case(
            *(When(pk=pk, then=Value(n)) for pk, n in wanted.items()),
            default=Value(0),
            output_field=IntegerField(),
        )
    Speaker.objects.filter(pk__in=list(wanted)).update(claim_count=F("claim_count") + delta)


def add_published(deltas: Mapping[tuple[int, int], int]) -> None:
    """Add `deltas[(speaker_id, rating_id)]` to the tally of our published verdicts."""
    # in key order, so that two transactions moving verdicts lock the rows in one order
    for (speaker_id, rating_id), n in sorted(deltas.items()):
        if not n:
            continue
        # a zero row first (a conflict means it exists), so that the increment below is one
        # UPDATE with F() whichever transaction created the row
        SpeakerTally.objects.bulk_create(
            [SpeakerTally(speaker_id=speaker_id, rating_id=rating_id, published=0)],
            ignore_conflicts=True,
        )
        SpeakerTally.objects.filter(speaker_id=speaker_id, rating_id=rating_id).update(
            published=F("published") + n
        )


def _tallied(speaker_id: int | None, status: str | None, rating_id: int | None) -> Tallied:
    if speaker_id is None or status != PUBLISHED or rating_id is None:
        return None
    return (speaker_id, rating_id)


def _move(before: Tallied, after: Tallied) -> None:
    if before == after:
        return
    deltas: Counter[tuple[int, int]] = Counter()
    if before is not None:
        deltas[before] -= 1
    if after is not None:
        deltas[after] += 1
    add_published(deltas)


# -- single rows: called by Claim.save() and Verdict.save() --------------------------------


def claim_before_save(pk: int | None) -> tuple[int | None, Tallied] | None:
    """The claim's stored speaker and what its verdict counts for, locked; None if new."""
    if pk is None:
        return None
    row = (
        Claim.objects.select_for_update(of=("self",))
        .filter(pk=pk)
        .values_list("speaker_id", "verdict__status", "verdict__rating_id")
        .first()
    )
    if row is None:
        return None
    speaker_id, status, rating_id = row
    return speaker_id, _tallied(speaker_id, status, rating_id)


def claim_saved(before: tuple[int | None, Tallied] | None, claim: Claim) -> None:
    if before is None:
        add_claims({claim.speaker_id: 1})
        return
    old_speaker, tallied = before
    if old_speaker == claim.speaker_id:
        return
    add_claims({old_speaker: -1, claim.speaker_id: 1})
    if tallied is not None:  # its published verdict moves with it
        _move(tallied, _tallied(claim.speaker_id, PUBLISHED, tallied[1]))


def verdict_before_save(pk: int | None) -> Tallied:
    if pk is None:
        return None
    row = (
        Verdict.objects.select_for_update(of=("self",))
        .filter(pk=pk)
        .values_list("claim__speaker_id", "status", "rating_id")
        .first()
    )
    return _tallied(*row) if row is not None else None


def verdict_saved(before: Tallied, verdict: Verdict) -> None:
    if before is None and verdict.status != PUBLISHED:
        return  # drafts and verdicts in review count for nothing: no query
    speaker_id = Claim.objects.filter(pk=verdict.claim_id).values_list("speaker_id", flat=True)
    _move(before, _tallied(speaker_id.first(), verdict.status, verdict.rating_id))


# Deletions, including those cascaded from an article, a claim or a speaker: Django sends
# pre_delete for every row it deletes, before deleting any.
@receiver(pre_delete, sender=Claim)
def _claim_deleted(sender: type[Claim], instance: Claim, **kwargs: Any) -> None:
    add_claims({instance.speaker_id: -1})


@receiver(pre_delete, sender=Verdict)
def _verdict_deleted(sender: type[Verdict], instance: Verdict, **kwargs: Any) -> None:
    if instance.status == PUBLISHED:
        claim = Claim.objects.filter(pk=instance.claim_id).values_list("speaker_id", flat=True)
        _move(_tallied(claim.first(), PUBLISHED, instance.rating_id), None)


# -- from scratch ------------------------------------------------------------------------


def recount(speaker_ids: Iterable[int] | None = None) -> None:
    """Recompute the counters of these speakers (all when None) from the claims and
    verdicts, set-based: after bulk loads, and as a repair."""
    ids = None if speaker_ids is None else sorted(set(speaker_ids))
    speakers = Speaker.objects.all() if ids is None else Speaker.objects.filter(pk__in=ids)
    published = Verdict.objects.filter(status=PUBLISHED, claim__speaker__isnull=False)
    if ids is not None:
        published = published.filter(claim__speaker_id__in=ids)
    counts = (
        Claim.objects.filter(speaker_id=OuterRef("pk"))
        .order_by()
        .values("speaker_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    with transaction.atomic():
        speakers.update(claim_count=Coalesce(Subquery(counts, output_field=IntegerField()), 0))
        tallies = SpeakerTally.objects.all()
        if ids is not None:
            tallies = tallies.filter(speaker_id__in=ids)
        tallies.delete()
        rows = (
            published.order_by()
            .values_list("claim__speaker_id", "rating_id")
            .annotate(n=Count("pk"))
        )
        SpeakerTally.objects.bulk_create(
            [SpeakerTally(speaker_id=s, rating_id=r, published=n) for s, r, n in rows],
            batch_size=1000,
        )
