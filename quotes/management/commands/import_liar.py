"""Import the LIAR data set (Wang 2017): PolitiFact statements with their labels.

Each statement becomes an article (body = the statement) with one claim of kind
statement, its speaker (job title as role, party and state kept) and a verdict with the
mapped rating. The verdicts are imported **in review**, not published: PolitiFact checked
these statements, we did not, and a published verdict would go out as our ClaimReview.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from quotes.management.report import write_skipped
from quotes.models import NAME_KEY_LENGTH, Article, Rating, Speaker, SpeakerAlias, Verdict
from quotes.services import create_statement_articles, refresh_after_bulk_import
from quotes.text import normalize_name

# LIAR's six labels on our scale; "barely-true" is PolitiFact's old name for mostly false.
LABELS = {
    "pants-fire": "pants-fire",
    "false": "false",
    "barely-true": "mostly-false",
    "half-true": "half-true",
    "mostly-true": "mostly-true",
    "true": "true",
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
BATCH = 1000
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
    """Split a LIAR TSV file into rows; raises CommandError for a file of the wrong shape.

    Accepts the raw files (14 columns, no header), the same with a leading split column
    (15), and files with a header row naming the columns.
    """
    lines = text.splitlines()
    if not lines or not any(line.strip() for line in lines):
        raise CommandError(f"{source} is empty.")
    first = lines[0].split("\t")
    header = [name.strip().lower() for name in first]
    start = 0
    if "label" in header and "statement" in header:
        columns = ["subjects" if name == "subject" else name for name in header]
        missing = [name for name in REQUIRED if name not in columns]
        if missing:
            raise CommandError(f"{source}: the header row lacks the columns {', '.join(missing)}.")
        start = 1
    elif len(first) == len(RAW_COLUMNS):
        columns = RAW_COLUMNS
    elif len(first) == len(RAW_COLUMNS) + 1 and first[0] in SPLITS:
        columns = ["split", *RAW_COLUMNS]
    else:
        raise CommandError(
            f"{source} does not look like LIAR: line 1 has {len(first)} tab-separated columns, "
            f"expected {len(RAW_COLUMNS)} (or a header row naming label and statement)."
        )
    rows = []
    for number, line in enumerate(lines[start:], start=start + 1):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != len(columns):
            raise CommandError(
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


class Command(BaseCommand):
    help = (
        "Import the LIAR data set (TSV, with or without a header row): one article and claim "
        "per statement, with its speaker and a verdict *in review* carrying PolitiFact's label."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="A LIAR .tsv file (train/valid/test or liar_all.tsv).")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        data = path.read_bytes()
        if b"\x00" in data:
            raise CommandError(f"{path} contains NUL bytes: this is a binary file, not a TSV.")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CommandError(
                f"{path} is not valid UTF-8 (byte {exc.start}): save it as UTF-8 and retry."
            ) from exc
        rows = parse(text, str(path))
        ratings = {r.slug: r for r in Rating.objects.filter(slug__in=set(LABELS.values()))}
        missing = sorted(set(LABELS.values()) - set(ratings))
        if missing:
            raise CommandError(
                f"The rating scale lacks {', '.join(missing)}: run migrate to seed it."
            )

        skipped: list[str] = []
        keep: list[Row] = []
        seen = self._imported_ids()
        for row in rows:
            if row.label not in LABELS:
                skipped.append(f"line {row.line}: unknown label {row.label!r}")
            elif not row.statement:
                skipped.append(f"line {row.line}: empty statement")
            elif row.statement_id in seen:
                skipped.append(f"line {row.line}: statement {row.statement_id} already imported")
            else:
                seen.add(row.statement_id)
                keep.append(row)
        if not keep and not any("already imported" in s for s in skipped):
            raise CommandError(
                f"No statement of {path} could be imported:\n  " + "\n  ".join(skipped[:20])
            )

        with transaction.atomic():
            created = self._create(keep, ratings)
        refresh_after_bulk_import()
        self.stdout.write(
            f"Imported {created} LIAR statements as claims with verdicts in review "
            "(PolitiFact's labels, not our checks: publish only after review)."
        )
        write_skipped(self.stdout, skipped)

    def _imported_ids(self) -> set[str]:
        titles = Article.objects.filter(outlet=OUTLET, title__startswith="LIAR ").values_list(
            "title", flat=True
        )
        return {m.group(1) for t in titles if (m := re.match(r"LIAR ([^:]+)", t))}

    def _speakers(self, rows: list[Row]) -> dict[str, Speaker]:
        """Speakers by normalised name: the registry's, plus new ones created in bulk."""
        known: dict[str, Speaker] = {s.normalized_name: s for s in Speaker.objects.all()}
        for alias in SpeakerAlias.objects.select_related("speaker"):
            known.setdefault(alias.normalized, alias.speaker)
        new: dict[str, Speaker] = {}
        for row in rows:
            name = speaker_name(row.speaker)
            key = normalize_name(name)
            # a name whose key outgrows its column stays unattributed (else: DataError)
            if key and len(key) <= NAME_KEY_LENGTH and key not in known and key not in new:
                # bulk_create skips Speaker.save(), so the normalised name is set here.
                new[key] = Speaker(
                    name=name[:200],
                    normalized_name=key,
                    role=row.job_title[:300],
                    party=row.party[:100],
                    state=row.state[:100],
                )
        Speaker.objects.bulk_create(new.values(), batch_size=BATCH)
        return known | new

    def _create(self, rows: list[Row], ratings: dict[str, Rating]) -> int:
        speakers = self._speakers(rows)
        claims = create_statement_articles(
            [Article(title=title_for(row), outlet=OUTLET, body=row.statement) for row in rows],
            [
                {
                    "speaker": speakers.get(normalize_name(speaker_name(row.speaker))),
                    "context": row.context[:300],
                    "subjects": row.subjects.replace(",", ", ")[:300],
                }
                for row in rows
            ],
            method=METHOD,
            reason=REASON,
            batch_size=BATCH,
        )
        bulk_create_with_history(
            [
                Verdict(
                    claim=claim,
                    rating=ratings[LABELS[row.label]],
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
