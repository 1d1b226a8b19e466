"""The LIAR data set (Wang 2017): PolitiFact statements with their labels.

Each statement becomes an article (body = the statement) with one claim of kind
statement, its speaker (job title as role, party and state kept) and a verdict with the
mapped rating. The verdicts are imported **in review**, not published: PolitiFact checked
these statements, we did not, and a published verdict would go out as our ClaimReview.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction
from simple_history.utils import bulk_create_with_history

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
from quotes.models import Rating, Verdict

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
    """LIAR names speakers by slug ("dwayne-bohac"): make a readable name of it."""
    return " ".join(part.capitalize() for part in slug.replace("_", "-").split("-") if part)


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


def _create(rows: list[Row], ratings: dict[str, Rating]) -> int:
    speakers = SpeakerRegistry.load()
    found = [
        speakers.get_or_create(
            speaker_name(row.speaker),
            defer=True,
            role=row.job_title[:300],
            party=row.party[:100],
            state=row.state[:100],
        )
        for row in rows
    ]
    speakers.save_deferred(BATCH)
    claims = create_statement_articles(
        [
            Statement(
                row.statement_id,
                title_for(row),
                row.statement,
                {
                    "speaker": speaker,
                    "context": row.context[:300],
                    "subjects": row.subjects.replace(",", ", ")[:300],
                },
            )
            for row, speaker in zip(rows, found, strict=True)
        ],
        dataset=DATASET,
        outlet=OUTLET,
        method=METHOD,
        reason=REASON,
    )
    bulk_create_with_history(
        [
            Verdict(
                claim=claim,
                rating=ratings[row.label],
                status=Verdict.Status.IN_REVIEW,
                rationale=(
                    f"Imported from LIAR (PolitiFact label “{row.label}”, "
                    f"statement {row.statement_id}); not checked by us yet."
                ),
            )
            for claim, row in zip(claims, rows, strict=True)
        ],
        Verdict,
        batch_size=BATCH,
        default_change_reason=REASON,
    )
    return len(claims)
