"""Reshaping claims the way a reviewer would: which merges make sense, and undoing the last
split, merge or creation.

A merge joins a claim with its neighbour in reading order only when the joined span is one
piece of text: the two are separated by white space and punctuation, within a paragraph, or,
for quotes, a quotation that the article continues into the next paragraph (the convention:
the first paragraph has no closing mark, the next opens again). Quotes must have the same
speaker. Anything else would put narrative words inside a quote, or credit one speaker with
another's words.

An undo record is plain data (it lives in the reviewer's session): the claims as they were
before the reshape, the ids it created, the versions it left, and where moved evidence came
from. Undo refuses when any of those claims changed since, so it never overwrites later work.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from quotes import review
from quotes.models import Article, Claim, Evidence, ReviewError, StaleEdit, Verdict
from quotes.text.excerpt import excerpt

CLOSING_MARKS = "”’»›\"'"
OPENING_MARKS = "“‘«‹\"'"
# The fields a reshape changes or a deleted claim had; restored as they were.
FIELDS = (
    "article_id",
    "position",
    "start",
    "end",
    "exact",
    "prefix",
    "suffix",
    "kind",
    "speaker_id",
    "attribution_method",
    "cue",
    "confidence",
    "speaker_text",
    "speaker_confirmed",
    "context",
    "subjects",
    "version",
)


@dataclass(frozen=True)
class MergePlan:
    """What "merge with the next" would do: the partner and the merged text, or why not."""

    following: Claim | None
    text: str = ""
    refusal: str = ""


def _kind_name(claim: Claim) -> str:
    return "quote" if claim.kind == Claim.Kind.QUOTE else "statement"


def next_of_kind(claim: Claim) -> Claim | None:
    """The claim of the same kind that comes next in reading order."""
    return (
        Claim.objects.filter(article_id=claim.article_id, kind=claim.kind, start__gte=claim.end)
        .exclude(pk=claim.pk)
        .select_related("speaker", "verdict")
        .order_by("start", "end", "pk")
        .first()
    )


def gap_refusal(body: str, first: Claim, second: Claim) -> str:
    """Why the text between two claims keeps them apart, or "" when it does not."""
    gap = body[first.end : second.start]
    if any(ch.isalnum() for ch in gap):
        shown = excerpt(gap.strip(CLOSING_MARKS + OPENING_MARKS + " \n,.;:"), 60)
        return f"Other words stand between them (“{shown}”): the merged claim would include them."
    if "\n" not in gap:
        return ""
    if first.kind != Claim.Kind.QUOTE:
        return "They are in different paragraphs."
    # A quote continued into the next paragraph has no closing mark before the break.
    before_break = gap[: gap.index("\n")]
    closed = any(ch in CLOSING_MARKS for ch in before_break) or (
        first.end > first.start and body[first.end - 1] in "”»›"
    )
    if closed:
        return "The first quote closes before the paragraph ends: the next one is a new quotation."
    return ""


def merge_plan(claim: Claim) -> MergePlan:
    """The merge a reviewer would accept for `claim`, with its result or the reason not."""
    name = _kind_name(claim)
    following = next_of_kind(claim)
    if following is None:
        return MergePlan(None, refusal=f"This is the last {name} in the article.")
    body = claim.article.body
    reason = gap_refusal(body, claim, following)
    if not reason and claim.kind == Claim.Kind.QUOTE:
        if claim.speaker_id != following.speaker_id or (
            claim.speaker_id is None and claim.speaker_text != following.speaker_text
        ):
            who = following.speaker or following.speaker_text or "no speaker"
            reason = f"The next quote is credited to {who}: only one speaker's words merge."
    if not reason and hasattr(following, "verdict"):
        reason = f"The next {name} has a verdict: remove it before merging."
    if reason:
        return MergePlan(following, refusal=f"Cannot merge with the next {name}. {reason}")
    return MergePlan(following, text=body[claim.start : following.end])


def check_merge(claim: Claim) -> Claim:
    """The claim to merge into `claim`, or a ValidationError saying why not."""
    plan = merge_plan(claim)
    if plan.refusal or plan.following is None:
        raise ValidationError(plan.refusal)
    return plan.following


# -- undo -------------------------------------------------------------------------------


def _row(claim: Claim) -> dict[str, Any]:
    return {"pk": claim.pk, **{field: getattr(claim, field) for field in FIELDS}}


def before(*claims: Claim) -> list[dict[str, Any]]:
    """The claims as they are now, to be given with `record` once the reshape is done."""
    return [_row(claim) for claim in claims]


def record(
    what: str,
    rows_before: list[dict[str, Any]],
    after: list[Claim],
    moved_evidence: dict[int, int] | None = None,
) -> dict[str, Any]:
    """An undo record for a reshape: `rows_before` from `before()`, the claims it left."""
    old = {row["pk"] for row in rows_before}
    return {
        "what": what,
        "article": after[0].article_id if after else rows_before[0]["article_id"],
        "before": rows_before,
        "created": [c.pk for c in after if c.pk not in old],
        "versions": {str(c.pk): c.version for c in after},
        "evidence": {str(k): v for k, v in (moved_evidence or {}).items()},
    }


class UndoRefused(Exception):
    """The reshape cannot be undone; the message says why, for the reviewer."""


@transaction.atomic
def undo(data: dict[str, Any], *, by: Any) -> Claim | None:
    """Put the claims back as they were before the reshape `data` records.

    A transition like those of quotes.review: the user needs the permission to change
    claims; it locks the article and every claim the reshape left, refuses (UndoRefused)
    if any changed since, if a claim it created has gained a verdict or evidence, or if a
    verdict on them is published. Restored rows get a version above any they had, so old
    forms stay stale. Returns the first restored claim.
    """
    review.require(by, "change_claim", "You may not change claims.")
    Article.objects.select_for_update().filter(pk=data["article"]).first()
    versions = {int(pk): v for pk, v in data["versions"].items()}
    current = {c.pk: c for c in Claim.objects.select_for_update().filter(pk__in=list(versions))}
    if len(current) != len(versions) or any(
        current[pk].version != version for pk, version in versions.items()
    ):
        raise UndoRefused("Not undone: these claims changed since. Reshape them by hand.")
    created = data["created"]
    moved = {int(e): c for e, c in data["evidence"].items()}
    extra = Evidence.objects.filter(claim_id__in=list(current)).exclude(pk__in=list(moved))
    if extra.filter(claim_id__in=created).exists():
        raise UndoRefused("Not undone: a source was attached to the new claim since.")
    verdicts = Verdict.objects.filter(claim_id__in=list(current))
    if verdicts.filter(status=Verdict.Status.PUBLISHED).exists():
        raise UndoRefused("Not undone: a verdict on these claims is published.")
    if verdicts.filter(claim_id__in=created).exists():
        raise UndoRefused("Not undone: the new claim has a verdict since.")
    Claim.objects.filter(pk__in=created).delete()
    top = max([c.version for c in current.values()] + [row["version"] for row in data["before"]])
    restored = []
    for row in data["before"]:
        claim = current.get(row["pk"]) or Claim(pk=row["pk"])
        for field in FIELDS:
            setattr(claim, field, row[field])
        claim.version = top + 1
        claim._change_reason = f"Undo {data['what']}"  # type: ignore[attr-defined]
        claim._history_user = by  # type: ignore[attr-defined]
        claim.save()
        restored.append(claim)
    for evidence_pk, claim_pk in moved.items():
        Evidence.objects.filter(pk=evidence_pk).update(claim_id=claim_pk)
    review.renumber(data["article"])
    review.bump_article(data["article"])
    return restored[0] if restored else None


# -- the reshapes, each with its undo record ---------------------------------------------


def split(claim: Claim, *, by: Any, at: int, version: int) -> tuple[Claim, dict[str, Any]]:
    """Split `claim` at body offset `at` (review.split_claim); the first part and the undo
    record."""
    rows = before(claim)
    first, second = review.split_claim(claim, by=by, at=at, version=version)
    return first, record("split", rows, [first, second])


def merge(claim: Claim, *, by: Any, version: int) -> tuple[Claim, dict[str, Any]]:
    """Merge `claim` with its neighbour if a reviewer would (see merge_plan), through
    review.merge_with_next; the merged claim and the undo record."""
    try:
        following = check_merge(claim)
    except ValidationError as exc:
        if claim.version != version:  # judged on a newer claim than the reviewer saw
            raise StaleEdit(claim) from exc
        raise ReviewError(" ".join(exc.messages)) from exc
    rows = before(claim, following)
    moved = dict(following.evidence.values_list("pk", "claim_id"))
    merged = review.merge_with_next(claim, by=by, version=version)
    return merged, record("merge", rows, [merged], moved)


def create(
    article: Article, *, by: Any, start: int, end: int, kind: str, version: int | None = None
) -> tuple[Claim, dict[str, Any]]:
    """A new claim over the span (review.create_claim); the claim and the undo record."""
    claim = review.create_claim(article, by=by, start=start, end=end, kind=kind, version=version)
    return claim, record("creation", [], [claim])
