"""JSON: the full nested record of every claim, streamed claim by claim."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from quotes.exports import sql
from quotes.exports.records import NO_VERDICT, ClaimRecord, iter_records, permalink, person_name
from quotes.models import SUMMARY_LENGTH, Article, Claim, Rating, shorten


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def article_json(article: Article, *, with_body: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": article.pk,
        "title": article.title,
        "outlet": article.outlet,
        "url": article.url,
        "published": _iso(article.published),
        "byline": article.byline,
    }
    if with_body:
        data["body"] = article.body
    return data


def rating_json(rating: Rating) -> dict[str, Any]:
    return {"label": rating.label, "slug": rating.slug, "value": rating.value}


def record_json(record: ClaimRecord) -> dict[str, Any]:
    """The full nested record of one claim, as exported in JSON."""
    claim, verdict = record.claim, record.verdict
    speaker = claim.speaker
    data: dict[str, Any] = {
        "id": claim.pk,
        "article": article_json(claim.article),
        "position": claim.position,
        "kind": claim.kind,
        "text": claim.exact,
        "summary": record.summary,
        "selector": {
            "start": claim.start,
            "end": claim.end,
            "exact": claim.exact,
            "prefix": claim.prefix,
            "suffix": claim.suffix,
        },
        "context": claim.context,
        "where": record.where,
        "subjects": claim.subjects,
        "speaker": None
        if speaker is None
        else {
            "id": speaker.pk,
            "name": speaker.name,
            "kind": speaker.kind,
            "role": speaker.role,
            "party": speaker.party,
            "state": speaker.state,
            "aliases": [a.alias for a in speaker.aliases.all()],
        },
        "attribution": {
            "as_written": claim.speaker_text,
            "method": claim.attribution_method,
            "cue": claim.cue,
            "confidence": claim.confidence,
            "confirmed": claim.speaker_confirmed,
        },
        "evidence": [
            {
                "stance": e.stance,
                "excerpt": e.excerpt,
                "note": e.note,
                "added": _iso(e.created),
                "source": {
                    "url": e.source.url,
                    "title": e.source.title,
                    "publisher": e.source.publisher,
                    "published": _iso(e.source.published),
                    "archived_url": e.source.archived_url,
                },
            }
            for e in record.evidence
        ],
        "verdict": None,
    }
    if verdict is not None:
        data["verdict"] = {
            "id": verdict.pk,
            "status": verdict.status,
            "rating": rating_json(verdict.rating),
            "rationale": verdict.rationale,
            "correction_note": verdict.correction_note,
            "first_published_at": _iso(record.first_published or verdict.published_at),
            "reviewer": person_name(verdict.reviewer),
            "published_at": _iso(verdict.published_at),
            "url": permalink(verdict),
            "history": [
                {
                    "date": _iso(row.history_date),
                    "change": {"+": "created", "~": "changed", "-": "deleted"}.get(
                        row.history_type, row.history_type
                    ),
                    "reason": row.history_change_reason or "",
                    "by": person_name(row.history_user),
                    "rating": rating_json(row.rating),
                    "rationale": row.rationale,
                }
                for row in record.history
            ],
        }
    else:
        data["verdict_note"] = NO_VERDICT
    return data


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def iter_json(claims: QuerySet[Claim], *, article: Article | None = None) -> Iterator[bytes]:
    """Stream the JSON export: a header object, then the claims array written claim by claim.

    The header, the query and the first chunk of claims are made now, the rest as the
    bytes are read.
    """
    header: dict[str, Any] = {
        "format": "factcheck-workbench-export",
        "version": 1,
        "generated_at": timezone.now().isoformat(),
        "organisation": {"name": settings.FACTCHECK_ORG_NAME, "url": settings.FACTCHECK_ORG_URL},
        "rating_scale": [rating_json(r) for r in Rating.objects.all()],
    }
    if article is not None:
        header["article"] = article_json(article, with_body=True)
    # The header object without its closing brace, then the array piece by piece.
    opening = (_dumps(header)[:-1] + ',"claims":[').encode()
    if sql.available():
        return _sql_pieces(opening, sql.row_batches(claims, full=True))
    return _pieces(opening, iter_records(claims, with_history=True))


def _pieces(opening: bytes, records: Iterable[ClaimRecord]) -> Iterator[bytes]:
    yield opening
    for index, record in enumerate(records):
        yield (("," if index else "") + _dumps(record_json(record))).encode()
    yield b"]}\n"


_CHANGES = {"+": "created", "~": "changed", "-": "deleted"}


def sql_record(row: tuple[Any, ...], permalinks: sql.Permalinks) -> dict[str, Any]:
    """One claim's record from the export query's columns: what record_json() makes."""
    (
        claim_id,
        article_id,
        title,
        url,
        outlet,
        published,
        context,
        summary,
        exact,
        position,
        kind,
        speaker,
        speaker_text,
        method,
        confidence,
        confirmed,
        verdict_id,
        rating,
        first,
        last,
        published_at,
        rationale,
        correction,
        byline,
        start,
        end,
        prefix,
        suffix,
        subjects,
        cue,
        speaker_id,
        speaker_kind,
        speaker_role,
        speaker_party,
        speaker_state,
        verdict_status,
        rating_slug,
        rating_value,
        aliases,
        evidence,
        history,
        first_published,
    ) = row
    place = title  # ClaimRecord.where
    if outlet and outlet not in place:
        place += f" ({outlet})"
    if published:
        place += f", {published.isoformat()}"
    data: dict[str, Any] = {
        "id": claim_id,
        "article": {
            "id": article_id,
            "title": title,
            "outlet": outlet,
            "url": url,
            "published": _iso(published),
            "byline": byline,
        },
        "position": position,
        "kind": kind,
        "text": exact,
        "summary": summary.strip() or shorten(exact, SUMMARY_LENGTH),
        "selector": {
            "start": start,
            "end": end,
            "exact": exact,
            "prefix": prefix,
            "suffix": suffix,
        },
        "context": context,
        "where": "; ".join(part for part in (context, place) if part),
        "subjects": subjects,
        "speaker": None
        if speaker_id is None
        else {
            "id": speaker_id,
            "name": speaker,
            "kind": speaker_kind,
            "role": speaker_role,
            "party": speaker_party,
            "state": speaker_state,
            "aliases": aliases or [],
        },
        "attribution": {
            "as_written": speaker_text,
            "method": method,
            "cue": cue,
            "confidence": confidence,
            "confirmed": confirmed,
        },
        "evidence": [
            {
                "stance": stance,
                "excerpt": excerpt,
                "note": note,
                "added": _iso(sql.from_epoch_us(added)),
                "source": {
                    "url": source_url,
                    "title": source_title,
                    "publisher": publisher,
                    "published": source_published,  # ISO text already
                    "archived_url": archived_url,
                },
            }
            for (
                stance,
                excerpt,
                note,
                added,
                source_url,
                source_title,
                publisher,
                source_published,
                archived_url,
            ) in evidence or ()
        ],
        "verdict": None,
    }
    if verdict_id is None:
        data["verdict_note"] = NO_VERDICT
        return data
    # records.first_publications: looked up for corrected verdicts only
    if not (correction and first_published is not None):
        first_published = published_at
    data["verdict"] = {
        "id": verdict_id,
        "status": verdict_status,
        "rating": {"label": rating, "slug": rating_slug, "value": rating_value},
        "rationale": rationale,
        "correction_note": correction,
        "first_published_at": _iso(first_published),
        "reviewer": sql.full_name(first, last),
        "published_at": _iso(published_at),
        "url": permalinks(verdict_id),
        "history": [
            {
                "date": _iso(sql.from_epoch_us(date)),
                "change": _CHANGES.get(change, change),
                "reason": reason or "",
                "by": sql.full_name(by_first, by_last),
                "rating": {"label": label, "slug": slug, "value": value},
                "rationale": old_rationale,
            }
            for (
                date,
                change,
                reason,
                by_first,
                by_last,
                label,
                slug,
                value,
                old_rationale,
            ) in history or ()
        ],
    }
    return data


def _sql_pieces(opening: bytes, batches: Iterator[list[tuple[Any, ...]]]) -> Iterator[bytes]:
    permalinks = sql.Permalinks()
    yield opening
    separator = ""
    for batch in batches:
        pieces = []
        for row in batch:
            pieces.append(separator + _dumps(sql_record(row, permalinks)))
            separator = ","
        yield "".join(pieces).encode()
    yield b"]}\n"


def failure_trailer(note: str) -> bytes:
    """The note after the cut: the file is no longer JSON, and says why to a reader."""
    return f"\n{note}\n".encode()
