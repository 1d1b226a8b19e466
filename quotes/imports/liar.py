"""The LIAR data set (Wang 2017): PolitiFact statements with their labels.

Each statement becomes an article (body = the statement) with one claim of kind
statement, its speaker (job title as role, party and state kept) and PolitiFact's label
as an ExternalReview: PolitiFact checked these statements, we did not, so the label is a
record of their finding, never a verdict of ours (nothing to publish, export as our
ClaimReview or count in our scorecards). An editor who checks a statement writes our
own verdict beside it.

Speakers: LIAR names them by slug ("beto-orourke"). A registry speaker or alias that
folds to the same slug is used as it is; otherwise the name is rebuilt with casing
rules (quotes.text.slugnames), and slugs of media ("chain-email") or rows whose party
is "organization" are not made persons.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction

from quotes.imports.claimreview import rating_key
from quotes.imports.datasets import (
    BATCH,
    DatasetResult,
    Statement,
    create_statement_articles,
    imported_ids,
    refuse_if_nothing,
)
from quotes.imports.speakers import SpeakerRegistry
from quotes.imports.text import ImportRefused
from quotes.models import ExternalReview, Rating, Speaker
from quotes.text.slugnames import kind_from_slug, name_from_slug, slug_key

DATASET = "liar"
# LIAR's six labels on our scale, by the seeded slug and label: an editor may rename
# either ("pants-fire" -> "pants-on-fire") and the import still finds the rating.
# "barely-true" is PolitiFact's old name for mostly false.
LABELS = {
    "pants-fire": ("pants-fire", "Pants on fire"),
    "false": ("false", "False"),
    "barely-true": ("mostly-false", "Mostly false"),
    "half-true": ("half-true", "Half true"),
    "mostly-true": ("mostly-true", "Mostly true"),
    "true": ("true", "True"),
}
# PolitiFact's own words for its labels, as shown beside the claim.
PUBLISHER_LABELS = {
    "pants-fire": "Pants on Fire",
    "false": "False",
    "barely-true": "Barely True",
    "half-true": "Half True",
    "mostly-true": "Mostly True",
    "true": "True",
}
PUBLISHER_URL = "https://www.politifact.com/"
# The raw train/valid/test.tsv columns (no header row).
RAW_COLUMNS = [
    "id",
    "label",
    "statement",
    "subjects",
    "speaker",
    "speaker_job_title",
    "state_info",
    "party_affiliation",
    "barely_true_count",
    "false_count",
    "half_true_count",
    "mostly_true_count",
    "pants_on_fire_count",
    "context",
]
REQUIRED = ["id", "label", "statement", "subjects", "speaker", "speaker_job_title"]
SPLITS = {"train", "valid", "test"}
OUTLET = "PolitiFact"
METHOD = "liar"
REASON = "Imported from LIAR"


@dataclass(frozen=True)
class Row:
    line: int
    statement_id: str
    label: str
    statement: str
    subjects: str
    speaker: str
    job_title: str
    state: str
    party: str
    context: str


def speaker_name(slug: str) -> str:
    """LIAR names speakers by slug ("beto-orourke"): a readable name ("Beto O'Rourke")."""
    return name_from_slug(slug)


def parse(text: str, source: str) -> list[Row]:
    """Split a LIAR TSV file into rows; raises ImportRefused for a file of the wrong shape.

    Accepts the raw files (14 columns, no header), the same with a leading split column
    (15), and files with a header row naming the columns.
    """
    lines = text.splitlines()
    if not lines or not any(line.strip() for line in lines):
        raise ImportRefused(f"{source} is empty.")
    first = lines[0].split("\t")
    header = [name.strip().lower() for name in first]
    start = 0
    if "label" in header and "statement" in header:
        columns = ["subjects" if name == "subject" else name for name in header]
        missing = [name for name in REQUIRED if name not in columns]
        if missing:
            raise ImportRefused(f"{source}: the header row lacks the columns {', '.join(missing)}.")
        start = 1
    elif len(first) == len(RAW_COLUMNS):
        columns = RAW_COLUMNS
    elif len(first) == len(RAW_COLUMNS) + 1 and first[0] in SPLITS:
        columns = ["split", *RAW_COLUMNS]
    else:
        raise ImportRefused(
            f"{source} does not look like LIAR: line 1 has {len(first)} tab-separated columns, "
            f"expected {len(RAW_COLUMNS)} (or a header row naming label and statement)."
        )
    rows = []
    for number, line in enumerate(lines[start:], start=start + 1):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != len(columns):
            raise ImportRefused(
                f"{source}, line {number}: {len(cells)} columns where the file has "
                f"{len(columns)}. Nothing was imported."
            )
        value = dict(zip(columns, (c.strip() for c in cells), strict=True))
        rows.append(
            Row(
                line=number,
                statement_id=re.sub(r"\.json$", "", value["id"]),
                label=value["label"].lower(),
                statement=value["statement"],
                subjects=value.get("subjects", ""),
                speaker=value.get("speaker", ""),
                job_title=value.get("speaker_job_title", ""),
                state=value.get("state_info", ""),
                party=value.get("party_affiliation", ""),
                context=value.get("context", ""),
            )
        )
    return rows


def title_for(row: Row) -> str:
    subjects = row.subjects.replace(",", ", ")
    return f"LIAR {row.statement_id}: {subjects}"[:300] if subjects else f"LIAR {row.statement_id}"


def scale() -> dict[str, Rating]:
    """The rating of each LIAR label, by slug, else by label; ImportRefused if one is missing."""
    by_key: dict[str, Rating] = {}
    for rating in Rating.objects.all():
        by_key.setdefault(rating_key(rating.slug), rating)
    for rating in Rating.objects.all():
        by_key.setdefault(rating_key(rating.label), rating)
    found = {
        label: next((by_key[rating_key(n)] for n in names if rating_key(n) in by_key), None)
        for label, names in LABELS.items()
    }
    missing = [names[0] for label, names in LABELS.items() if found[label] is None]
    if missing:
        raise ImportRefused(
            f"The rating scale lacks {', '.join(missing)} (by slug or label): "
            "run migrate to seed it, or give the renamed rating its label back."
        )
    return {label: rating for label, rating in found.items() if rating is not None}


def import_liar(text: str, source: str) -> DatasetResult:
    """Import LIAR statements from the text of a TSV file, in one transaction.

    Rows with an unknown label or an empty statement, and statements imported before, are
    skipped with the reason. Raises ImportRefused, writing nothing, for a file of the wrong
    shape or one of which no row can be used.
    """
    rows = parse(text, source)
    ratings = scale()
    result = DatasetResult()
    keep: list[Row] = []
    seen = imported_ids(DATASET, (row.statement_id for row in rows))
    for row in rows:
        if row.label not in LABELS:
            result.skipped.append(f"line {row.line}: unknown label {row.label!r}")
        elif not row.statement:
            result.skipped.append(f"line {row.line}: empty statement")
        elif row.statement_id in seen:
            result.skipped.append(f"line {row.line}: statement {row.statement_id} already imported")
        elif len(row.statement_id) > 100:
            result.skipped.append(f"line {row.line}: the statement id is over 100 characters")
        else:
            seen.add(row.statement_id)
            keep.append(row)
    refuse_if_nothing(keep, result.skipped, f"statement of {source}")
    with transaction.atomic():
        result.created = _create(keep, ratings)
    return result


def _speakers(rows: list[Row]) -> dict[str, Speaker | None]:
    """Each row's speaker by slug: the registry's (names and aliases folded as slugs fold
    them), else a new one, created in bulk."""
    speakers = SpeakerRegistry.for_names(
        (speaker_name(row.speaker) for row in rows if row.speaker),
        (row.speaker for row in rows if row.speaker),
    )
    by_slug_key: dict[str, Speaker] = {}
    for key, speaker in sorted(speakers.by_key.items()):
        by_slug_key.setdefault(slug_key(speaker.name), speaker)
        by_slug_key.setdefault(slug_key(key), speaker)
    found: dict[str, Speaker | None] = {}
    for row in rows:
        if row.speaker in found:
            continue
        known = by_slug_key.get(slug_key(row.speaker)) if row.speaker else None
        if known is not None:
            found[row.speaker] = known
            continue
        kind = kind_from_slug(row.speaker, row.party)
        party = "" if row.party.lower() in ("organization", "none") else row.party
        found[row.speaker] = speakers.get_or_create(
            speaker_name(row.speaker),
            defer=True,
            kind=kind,
            role=row.job_title[:300] if kind != "other" else "",
            party=party[:100],
            state=row.state[:100],
        )
    speakers.save_deferred(BATCH)
    return found


def _create(rows: list[Row], ratings: dict[str, Rating]) -> int:
    found = _speakers(rows)
    claims = create_statement_articles(
        [
            Statement(
                row.statement_id,
                title_for(row),
                row.statement,
                {
                    "speaker": found[row.speaker],
                    "context": row.context[:300],
                    "subjects": row.subjects.replace(",", ", ")[:300],
                },
            )
            for row in rows
        ],
        dataset=DATASET,
        outlet=OUTLET,
        method=METHOD,
        reason=REASON,
    )
    ExternalReview.objects.bulk_create(
        [
            ExternalReview(
                claim=claim,
                origin=ExternalReview.Origin.LIAR,
                external_id=row.statement_id[:100],
                publisher_name=OUTLET,
                publisher_url=PUBLISHER_URL,
                rating_label=PUBLISHER_LABELS[row.label],
                # LIAR's six labels are PolitiFact's Truth-O-Meter, which our scale copies.
                rating=ratings[row.label],
                claim_location=row.context[:300],
            )
            for claim, row in zip(claims, rows, strict=True)
        ],
        batch_size=BATCH,
    )
    return len(claims)
