"""Every transition of the review record, in one place.

The workbench views, the admin (forms, actions, inlines) and the commands all change
verdicts, claims, speakers and evidence through these functions and nothing else. Each one

- runs in one transaction and locks the rows it changes (`select_for_update`), always in
  the order article → claim → verdict, so two transitions never wait on each other in a
  circle;
- compares the version the user's form was built from with the locked row's and raises
  `StaleEdit` (with the newer row) on a mismatch: the second of two simultaneous edits is
  refused, never silently overwritten;
- bumps the version of each row it changes (versions only ever go up);
- checks the user's model permission, the same one the admin checks, and raises
  `PermissionDenied` otherwise;
- refuses what the review workflow forbids with a `ReviewError` whose message is for the
  reviewer: above all, a claim whose verdict is published is frozen (text, offsets, kind,
  speaker, evidence) until an editor unpublishes it;
- is recorded in history with who did it and, where there is one, the note or reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from quotes import counters
from quotes.models import (
    Article,
    Claim,
    Evidence,
    Rating,
    ReviewError,
    Source,
    Speaker,
    SpeakerAlias,
    StaleEdit,
    Verdict,
)

__all__ = ["PermissionDenied", "ReviewError", "StaleEdit"]

PUBLISH_PERM = "quotes.publish_verdict"
FROZEN = (
    "This claim's verdict is published: its text, kind, speaker and evidence cannot change "
    "until an editor unpublishes the verdict."
)


def is_editor(user: Any) -> bool:
    """Editors publish, unpublish, send back and merge speakers."""
    return bool(user is not None and user.is_active and user.has_perm(PUBLISH_PERM))


def require(user: Any, perm: str, message: str) -> None:
    """Refuse unless `user` has the model permission `quotes.<perm>` (as the admin checks)."""
    if user is None or not user.is_active or not user.has_perm(f"quotes.{perm}"):
        raise PermissionDenied(message)


# --- locking -------------------------------------------------------------------------


def _lock_article(pk: int) -> Article:
    return Article.objects.select_for_update().get(pk=pk)


def _lock_claim(pk: int) -> Claim:
    try:
        return Claim.objects.select_for_update().get(pk=pk)
    except Claim.DoesNotExist:
        raise ReviewError("This claim no longer exists: it was merged or deleted.") from None


def _lock_verdict(claim_pk: int) -> Verdict | None:
    return Verdict.objects.select_for_update().filter(claim_id=claim_pk).first()


def _check(current: Article | Claim | Verdict, expected: int | None) -> None:
    if expected is not None and current.version != expected:
        raise StaleEdit(current)


def _lock_verdict_in(verdict: Verdict, version: int | None, status: str, refusal: str) -> Verdict:
    """Lock the claim, then its verdict, and check the verdict still exists, is the version
    the user saw and is in `status`; `refusal` ({status}: its current one) says why not."""
    _lock_claim(verdict.claim_id)
    current = _lock_verdict(verdict.claim_id)
    if current is None:
        raise ReviewError("This verdict no longer exists.")
    _check(current, verdict.version if version is None else version)
    if current.status != status:
        raise ReviewError(refusal.format(status=current.status_text))
    return current


def _is_frozen(claim_pk: int) -> bool:
    return Verdict.objects.filter(claim_id=claim_pk, status=Verdict.Status.PUBLISHED).exists()


def _refuse_if_frozen(claim_pk: int) -> None:
    if _is_frozen(claim_pk):
        raise ReviewError(FROZEN)


def _save(obj: Article | Claim | Verdict, by: Any, reason: str, **kwargs: Any) -> None:
    """Save with the version bumped and the history row naming who and why."""
    obj.version += 1
    obj._history_user = by  # type: ignore[union-attr]
    obj._change_reason = reason  # type: ignore[union-attr]
    obj.save(**kwargs)


def bump_article(article_pk: int) -> None:
    # The article's version stands for its set of claims: creating, splitting, merging or
    # re-kinding a claim makes a form built on the old set (a new selection) stale.
    Article.objects.filter(pk=article_pk).update(version=F("version") + 1)


# --- verdicts ------------------------------------------------------------------------

WRITABLE_STATUSES = (Verdict.Status.DRAFT, Verdict.Status.IN_REVIEW)


def save_verdict(
    claim: Claim,
    *,
    by: Any,
    version: int,
    rating: Rating,
    rationale: str,
    status: str,
) -> Verdict:
    """Write a claim's verdict as a draft or for review (submit).

    `version` is the verdict's version the form showed, 0 when the claim had none. A
    published verdict is refused: an editor unpublishes it first.
    """
    if status not in WRITABLE_STATUSES:
        raise ReviewError("A verdict is saved as a draft or for review; editors publish it.")
    if not rationale.strip():
        raise ReviewError("Say why: the rationale is empty.")
    with transaction.atomic():
        locked_claim = _lock_claim(claim.pk)
        verdict = _lock_verdict(claim.pk)
        if verdict is None:
            require(by, "add_verdict", "You may not write verdicts.")
            if version != 0:
                raise StaleEdit(locked_claim)
            verdict = Verdict(claim=locked_claim, rating=rating, version=0, reviewer=by)
        else:
            require(by, "change_verdict", "You may not change verdicts.")
            _check(verdict, version)
            if verdict.is_published:
                raise ReviewError(
                    "This verdict is published: an editor must unpublish it before it can change."
                )
        verdict.rating = rating
        verdict.rationale = rationale
        verdict.status = status
        verdict.reviewer = verdict.reviewer or by
        reason = "Submitted for review" if status == Verdict.Status.IN_REVIEW else "Saved as draft"
        _save(verdict, by, reason)
    return verdict


def submit_verdict(verdict: Verdict, *, by: Any, version: int | None = None) -> Verdict:
    """A draft goes to review, for an editor to publish or send back."""
    with transaction.atomic():
        _lock_claim(verdict.claim_id)
        current = _lock_verdict(verdict.claim_id)
        if current is None:
            raise ReviewError("This verdict no longer exists.")
        require(by, "change_verdict", "You may not change verdicts.")
        _check(current, verdict.version if version is None else version)
        if current.status != Verdict.Status.DRAFT:
            raise ReviewError(f"Only a draft can be submitted; this one is {current.status_text}.")
        current.status = Verdict.Status.IN_REVIEW
        _save(current, by, "Submitted for review")
    _refresh(verdict, current)
    return current


def publish_verdict(verdict: Verdict, *, by: Any, version: int | None = None) -> Verdict:
    """Make a verdict in review public (editors only).

    `version` defaults to the one of `verdict` as the caller read it: publishing what the
    editor did not see (a fact-checker saved in between) is a `StaleEdit`.
    """
    require(by, "publish_verdict", "Only editors can publish verdicts.")
    with transaction.atomic():
        current = _lock_verdict_in(
            verdict,
            version,
            Verdict.Status.IN_REVIEW,
            "Only a verdict in review can be published; this one is {status}.",
        )
        current.status = Verdict.Status.PUBLISHED
        current.published_by = by
        current.published_at = timezone.now()
        _save(current, by, "Published")
    _refresh(verdict, current)
    return current


def unpublish_verdict(
    verdict: Verdict, *, by: Any, reason: str, version: int | None = None
) -> Verdict:
    """Take a published verdict back to review (editors only), with the reason.

    The reason is kept as the verdict's correction note (and in its history), so that a
    republished verdict tells readers what changed and why.
    """
    require(by, "publish_verdict", "Only editors can unpublish verdicts.")
    reason = reason.strip()
    if not reason:
        raise ReviewError("Say why the verdict is unpublished: it is kept as a correction note.")
    with transaction.atomic():
        current = _lock_verdict_in(
            verdict,
            version,
            Verdict.Status.PUBLISHED,
            "This verdict is {status}, not published.",
        )
        current.status = Verdict.Status.IN_REVIEW
        current.published_at = None
        current.published_by = None
        current.correction_note = reason
        _save(current, by, f"Unpublished: {reason}"[:100])
    _refresh(verdict, current)
    return current


def send_back_verdict(
    verdict: Verdict, *, by: Any, note: str, version: int | None = None
) -> Verdict:
    """Return a verdict in review to its fact-checker as a draft (editors only), with a note."""
    require(by, "publish_verdict", "Only editors can send verdicts back.")
    note = note.strip()
    if not note:
        raise ReviewError("Tell the fact-checker what to change: the note is empty.")
    with transaction.atomic():
        current = _lock_verdict_in(
            verdict,
            version,
            Verdict.Status.IN_REVIEW,
            "Only a verdict in review can be sent back; this one is {status}.",
        )
        current.status = Verdict.Status.DRAFT
        current.review_note = note
        _save(current, by, f"Sent back: {note}"[:100])
    _refresh(verdict, current)
    return current


def _refresh(stale: Any, current: Any) -> None:
    """The caller's copy becomes the saved one (its version included)."""
    if stale is not current:
        stale.__dict__.update(
            {
                k: v
                for k, v in current.__dict__.items()
                if k not in ("_state", "_prefetched_objects_cache")
            }
        )
        # related objects cached on the old copy (its speaker, its verdict) may be stale
        stale._state.fields_cache = {}


# --- claims --------------------------------------------------------------------------


def _overlaps(
    article_pk: int, start: int, end: int, kind: str, exclude: Iterable[int] = ()
) -> bool:
    return (
        Claim.objects.filter(article_id=article_pk, kind=kind, start__lt=end, end__gt=start)
        .exclude(pk__in=list(exclude))
        .exists()
    )


def renumber(article_pk: int) -> None:
    """Give the article's claims positions 1..n in reading order."""
    claims = list(Claim.objects.filter(article_id=article_pk).order_by("start", "end", "id"))
    changed = []
    for position, claim in enumerate(claims, start=1):
        if claim.position != position:
            claim.position = position
            changed.append(claim)
    Claim.objects.bulk_update(changed, ["position"])


def create_claim(
    article: Article,
    *,
    by: Any,
    start: int,
    end: int,
    kind: str,
    version: int | None = None,
    speaker: Speaker | None = None,
) -> Claim:
    """A reviewer marks a span of the article as a claim.

    The span is trimmed of surrounding white space; it must lie inside the body and not
    overlap another claim of the same kind. `version` is the article's version the
    selection was made on: a claim created meanwhile makes it a `StaleEdit`.
    """
    require(by, "add_claim", "You may not create claims.")
    body = article.body
    if not (0 <= start < end <= len(body)):
        raise ReviewError("The selection lies outside the article text.")
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    if start == end:
        raise ReviewError("The selection is empty.")
    if kind not in Claim.Kind.values:
        raise ReviewError("Unknown claim kind.")
    with transaction.atomic():
        locked = _lock_article(article.pk)
        if version is not None and version > locked.version:
            raise StaleEdit(locked)  # a version the article never had: a forged form
        if _overlaps(locked.pk, start, end, kind):
            # A claim made since the selection was shown is a conflict to show (409); one
            # that was on the page already is a plain refusal. A selection elsewhere on an
            # older page is fine: nothing another reviewer did is undone by it.
            _check(locked, version)
            raise ReviewError("The selection overlaps an existing claim of the same kind.")
        claim = Claim(
            article=locked,
            start=start,
            end=end,
            kind=kind,
            speaker=speaker,
            attribution_method="manual",
            speaker_confirmed=speaker is not None,
            position=(locked.claims.aggregate(m=Max("position"))["m"] or 0) + 1,
            version=0,
        )
        claim.anchor()
        _save(claim, by, "Created from a selection")
        bump_article(locked.pk)
        renumber(locked.pk)
    claim.refresh_from_db()
    return claim


def change_kind(claim: Claim, *, by: Any, kind: str, version: int) -> Claim:
    """Make a claim a direct quote or a statement (not overlapping another of that kind)."""
    return edit_claim(claim, by=by, version=version, changes={"kind": kind})


# Fields edit_claim() may change, and whether a published verdict freezes them.
EDITABLE_CLAIM_FIELDS = {
    "kind": True,
    "speaker": True,
    "speaker_confirmed": True,
    "attribution_method": True,
    "context": False,
    "subjects": False,
}


def edit_claim(claim: Claim, *, by: Any, version: int, changes: dict[str, Any]) -> Claim:
    """Change a claim's kind, speaker or context (the admin's change form, the workbench)."""
    require(by, "change_claim", "You may not change claims.")
    unknown = set(changes) - set(EDITABLE_CLAIM_FIELDS)
    if unknown:
        raise ReviewError(f"These fields cannot change: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        reshapes = "kind" in changes
        if reshapes:
            _lock_article(claim.article_id)
        current = _lock_claim(claim.pk)
        _check(current, version)
        really = {
            name: value
            for name, value in changes.items()
            if getattr(current, name if name != "speaker" else "speaker_id")
            != (value.pk if name == "speaker" and value is not None else value)
        }
        if any(EDITABLE_CLAIM_FIELDS[name] for name in really):
            _refuse_if_frozen(current.pk)
        if "kind" in really:
            if really["kind"] not in Claim.Kind.values:
                raise ReviewError("Unknown claim kind.")
            if _overlaps(
                current.article_id, current.start, current.end, really["kind"], [current.pk]
            ):
                raise ReviewError("Another claim of that kind overlaps this one.")
        for name, value in changes.items():
            setattr(current, name, value)
        _save(current, by, "Changed: " + ", ".join(sorted(really)) if really else "Saved")
        if "kind" in really:
            bump_article(current.article_id)
    _refresh(claim, current)
    return current


def assign_speaker(
    claim: Claim,
    *,
    by: Any,
    version: int,
    speaker: Speaker | None = None,
    new_speaker: tuple[str, str] | None = None,
    alias: str = "",
) -> Claim:
    """Confirm, correct or remove a claim's speaker.

    `new_speaker` (name, kind) creates the speaker first; `alias` records the name as it
    was typed as an alias of `speaker`. All or nothing: a stale claim creates no speaker.
    """
    with transaction.atomic():
        if new_speaker is not None:
            speaker = create_speaker(by=by, name=new_speaker[0], kind=new_speaker[1])
        elif alias and speaker is not None:
            add_alias(speaker, by=by, alias=alias)
        changes: dict[str, Any] = {"speaker": speaker, "speaker_confirmed": speaker is not None}
        if speaker is None or speaker.pk != claim.speaker_id:
            changes["attribution_method"] = "manual"
        return edit_claim(claim, by=by, version=version, changes=changes)


def split_claim(claim: Claim, *, by: Any, at: int, version: int) -> tuple[Claim, Claim]:
    """Split a claim in two at body offset `at` (strictly inside the claim)."""
    require(by, "change_claim", "You may not change claims.")
    with transaction.atomic():
        _lock_article(claim.article_id)
        current = _lock_claim(claim.pk)
        _check(current, version)
        _refuse_if_frozen(current.pk)
        if not (current.start < at < current.end):
            raise ReviewError("The split point must lie inside the claim.")
        body = current.article.body
        left_end = at
        while left_end > current.start and body[left_end - 1].isspace():
            left_end -= 1
        right_start = at
        while right_start < current.end and body[right_start].isspace():
            right_start += 1
        if left_end == current.start or right_start == current.end:
            raise ReviewError("Both parts of a split claim need some text.")
        end = current.end
        current.end = left_end
        current.anchor()
        _save(current, by, f"Split at {at}")
        second = Claim(
            article_id=current.article_id,
            start=right_start,
            end=end,
            kind=current.kind,
            speaker_id=current.speaker_id,
            speaker_text=current.speaker_text,
            attribution_method=current.attribution_method,
            cue=current.cue,
            confidence=current.confidence,
            speaker_confirmed=current.speaker_confirmed,
            position=current.position + 1,
            version=0,
        )
        second.anchor()
        _save(second, by, f"Split from claim {current.pk}")
        bump_article(current.article_id)
        renumber(current.article_id)
    current.refresh_from_db()
    second.refresh_from_db()
    _refresh(claim, current)
    return current, second


def merge_with_next(claim: Claim, *, by: Any, version: int) -> Claim:
    """Merge a claim with the next claim of the same kind in the article.

    Evidence of both is kept; a verdict on the next claim is refused, so that no
    reviewer's judgement is silently dropped.
    """
    require(by, "change_claim", "You may not change claims.")
    with transaction.atomic():
        _lock_article(claim.article_id)
        current = _lock_claim(claim.pk)
        _check(current, version)
        _refuse_if_frozen(current.pk)
        # the partner a reviewer would accept (quotes.reshape: contiguous text, one
        # speaker for quotes, no verdict on it), read under the article's lock
        from quotes.reshape import check_merge

        try:
            partner = check_merge(current)
        except ValidationError as exc:
            raise ReviewError(" ".join(exc.messages)) from exc
        following = Claim.objects.select_for_update().get(pk=partner.pk)
        if Verdict.objects.filter(claim_id=following.pk, status=Verdict.Status.PUBLISHED).exists():
            raise ReviewError(FROZEN)
        Evidence.objects.filter(claim_id=following.pk).update(claim=current)
        current.end = following.end
        if current.speaker_id is None:
            current.speaker_id = following.speaker_id
        following._history_user = by  # type: ignore[attr-defined]
        following._change_reason = f"Merged into claim {current.pk}"  # type: ignore[attr-defined]
        following.delete()
        current.anchor()
        _save(current, by, f"Merged with claim {following.pk}")
        bump_article(current.article_id)
        renumber(current.article_id)
    current.refresh_from_db()
    _refresh(claim, current)
    return current


# --- speakers ------------------------------------------------------------------------


def create_speaker(*, by: Any, name: str, kind: str = Speaker.Kind.PERSON) -> Speaker:
    """Add a speaker to the registry; a name taken meanwhile is a `ReviewError`."""
    require(by, "add_speaker", "You may not create speakers.")
    speaker = Speaker(name=name.strip(), kind=kind)
    try:
        speaker.full_clean()
        with transaction.atomic():
            speaker.save()
    except ValidationError as exc:
        raise ReviewError(" ".join(exc.messages)) from exc
    except IntegrityError as exc:
        # another reviewer created a speaker of that name a moment ago
        raise ReviewError(f"“{name}” was just added by someone else: choose it.") from exc
    return speaker


def add_alias(speaker: Speaker, *, by: Any, alias: str) -> SpeakerAlias | None:
    """Record another name for a speaker, unless it is its own name or taken."""
    require(by, "add_speakeralias", "You may not add aliases.")
    try:
        with transaction.atomic():
            return speaker.add_alias(alias)
    except IntegrityError as exc:
        raise ReviewError(f"“{alias}” was just taken by someone else.") from exc


def merge_speakers(target: Speaker, others: Iterable[Speaker], *, by: Any) -> int:
    """Move every claim of `others` to `target`, keep their names as aliases, delete them.

    Editors only: a merge deletes speakers. Returns how many claims moved. Refused while
    any claim that would move has a published verdict (its speaker is frozen).
    """
    require(by, "delete_speaker", "Only editors can merge speakers.")
    require(by, "change_claim", "Only editors can merge speakers.")
    ids = sorted({s.pk for s in others} - {target.pk})
    if not ids:
        return 0
    with transaction.atomic():
        locked = list(Speaker.objects.select_for_update().filter(pk__in=[*ids, target.pk]))
        if target.pk not in {s.pk for s in locked}:
            raise ReviewError("The speaker to keep no longer exists.")
        merged = [s for s in locked if s.pk != target.pk]
        claims = list(Claim.objects.select_for_update().filter(speaker_id__in=ids).order_by("pk"))
        frozen = Verdict.objects.filter(
            claim__in=[c.pk for c in claims], status=Verdict.Status.PUBLISHED
        ).count()
        if frozen:
            raise ReviewError(
                f"{frozen} claim(s) of these speakers have published verdicts: an editor "
                "unpublishes them before their speaker can change."
            )
        for claim in claims:
            claim.speaker_id = target.pk
            claim.version += 1
            claim._change_reason = "Speakers merged"  # type: ignore[attr-defined]
        bulk_update_with_history(
            claims,
            Claim,
            ["speaker", "version"],
            default_user=by,
            default_change_reason="Speakers merged",
        )
        # bulk_update skips Claim.save(); none of these claims has a published verdict
        # (refused above), so only the claim counts change
        counters.add_claims({target.pk: len(claims)})
        aliases = list(
            SpeakerAlias.objects.filter(speaker_id__in=ids).values_list("alias", flat=True)
        )
        SpeakerAlias.objects.filter(speaker_id__in=ids).delete()
        Speaker.objects.filter(pk__in=ids).delete()
        for name in [s.name for s in merged] + aliases:
            target.add_alias(name)
    return len(claims)


# --- evidence ------------------------------------------------------------------------


def _source_for(
    url: str, *, title: str = "", publisher: str = "", published: dt.date | None = None
) -> Source:
    """The source with this URL, created or with its blank fields filled in."""
    values = {"title": title, "publisher": publisher, "published": published}
    try:
        with transaction.atomic():
            source, created = Source.objects.get_or_create(url=url, defaults=values)
    except IntegrityError:
        # created by another reviewer between our look-up and our insert
        source, created = Source.objects.get(url=url), False
    if not created:
        changed = [name for name, value in values.items() if value and not getattr(source, name)]
        for name in changed:
            setattr(source, name, values[name])
        if changed:
            source.save(update_fields=changed)
    return source


def attach_evidence(
    claim: Claim,
    *,
    by: Any,
    version: int,
    stance: str,
    source: Source | None = None,
    url: str = "",
    title: str = "",
    publisher: str = "",
    published: dt.date | None = None,
    excerpt: str = "",
    note: str = "",
) -> Evidence:
    """Attach a source (an existing one, or one found or created by URL) to a claim."""
    require(by, "add_evidence", "You may not attach evidence.")
    if stance not in Evidence.Stance.values:
        raise ReviewError("Choose whether the source corroborates, disputes or gives context.")
    with transaction.atomic():
        current = _lock_claim(claim.pk)
        _check(current, version)
        _refuse_if_frozen(current.pk)
        if source is None:
            source = _source_for(url, title=title, publisher=publisher, published=published)
        evidence = Evidence.objects.create(
            claim=current, source=source, stance=stance, excerpt=excerpt, note=note, added_by=by
        )
        _save(current, by, f"Evidence attached: {source}"[:100])
    _refresh(claim, current)
    return evidence


def edit_evidence(
    evidence: Evidence, *, by: Any, version: int, changes: dict[str, Any]
) -> Evidence:
    """Change an attached source's stance, excerpt or note (the admin)."""
    require(by, "change_evidence", "You may not change evidence.")
    unknown = set(changes) - {"stance", "excerpt", "note", "source"}
    if unknown:
        raise ReviewError(f"These fields cannot change: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        current = _lock_claim(evidence.claim_id)
        _check(current, version)
        _refuse_if_frozen(current.pk)
        row = Evidence.objects.select_for_update().get(pk=evidence.pk)
        for name, value in changes.items():
            setattr(row, name, value)
        row.save()
        _save(current, by, "Evidence changed")
    return row


def detach_evidence(evidence: Evidence, *, by: Any, version: int) -> Claim:
    """Remove a source from a claim (the source itself stays in the registry)."""
    require(by, "delete_evidence", "You may not detach evidence.")
    with transaction.atomic():
        current = _lock_claim(evidence.claim_id)
        _check(current, version)
        _refuse_if_frozen(current.pk)
        deleted, _ = Evidence.objects.filter(pk=evidence.pk, claim_id=current.pk).delete()
        if not deleted:
            raise ReviewError("This source was already detached.")
        _save(current, by, f"Evidence detached: {evidence.source}"[:100])
    return current


# --- articles ------------------------------------------------------------------------

ARTICLE_METADATA = ("title", "outlet", "url", "published", "byline")


def edit_article(article: Article, *, by: Any, version: int, changes: dict[str, Any]) -> Article:
    """Change an article's metadata (editors). Its body never changes after import."""
    require(by, "change_article", "Only editors can change an article's details.")
    unknown = set(changes) - set(ARTICLE_METADATA)
    if unknown:
        raise ReviewError("An article's text never changes after import.")
    with transaction.atomic():
        current = _lock_article(article.pk)
        _check(current, version)
        for name, value in changes.items():
            setattr(current, name, value)
        current.version += 1
        current.save()
    _refresh(article, current)
    return current
