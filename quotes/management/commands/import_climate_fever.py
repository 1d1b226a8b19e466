"""Import the Climate-FEVER data set (Diggelmann et al. 2020): climate claims with evidence.

Each line of the JSON Lines file is a claim with five Wikipedia sentences that annotators
labelled as supporting it, refuting it or not enough information. As in import_liar, each claim
becomes an article (body = the claim) with one claim of kind statement spanning it. Each sentence
becomes evidence on that claim: the source is its Wikipedia article (one Source per URL, shared
between claims and reused when the database already has it), the sentence is the excerpt and
the annotators' label is the stance (SUPPORTS → corroborates, REFUTES → disputes,
NOT_ENOUGH_INFO → context). The evidence note keeps the Climate-FEVER evidence id, the votes
and the claim's label.

No verdicts are created. LIAR's labels are PolitiFact's ratings of a statement, so import_liar
maps them onto our scale; Climate-FEVER's claim_label only sums up whether the retrieved
Wikipedia sentences support the claim (DISPUTED: some support it, some refute it). It is not a
rating of the claim: claim 5, "The sun has gone into 'lockdown' which could cause freezing
weather, earthquakes and famine, say scientists", is SUPPORTS because Wikipedia says cold
weather causes famine. Mapping SUPPORTS to "true" would put ratings nobody gave in the review
queue, so the label stays in the evidence notes.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from quotes.management.report import write_skipped
from quotes.models import Article, Evidence, Source
from quotes.services import create_statement_articles, refresh_after_bulk_import

CLAIM_LABELS = {"SUPPORTS", "REFUTES", "NOT_ENOUGH_INFO", "DISPUTED"}
STANCES = {
    "SUPPORTS": Evidence.Stance.CORROBORATES,
    "REFUTES": Evidence.Stance.DISPUTES,
    "NOT_ENOUGH_INFO": Evidence.Stance.CONTEXT,
}
OUTLET = "Climate-FEVER"
TITLE_PREFIX = "Climate-FEVER "
METHOD = "climate-fever"
PUBLISHER = "Wikipedia"
WIKIPEDIA = "https://en.wikipedia.org/wiki/"
# What MediaWiki leaves unescaped in its canonical URLs (wfUrlencode); "_.-~" are always safe.
URL_SAFE = ";@$!*(),/:"
# Wikipedia titles are at most 255 bytes: longer ones are not articles (and would not fit a URL).
MAX_TITLE_BYTES = 255
# Article titles embed the id, and the re-import check reads it back up to the colon.
CLAIM_ID = re.compile(r"[^\s:]{1,100}")
IMPORTED = re.compile(r"Climate-FEVER ([^\s:]+):")
BATCH = 1000
REASON = "Imported from Climate-FEVER"
JSON_TYPES = {
    dict: "an object",
    list: "an array",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "a boolean",
    type(None): "null",
}


@dataclass(frozen=True)
class Sentence:
    evidence_id: str
    label: str
    article: str
    text: str
    entropy: float | None
    votes: tuple[str, ...]

    @property
    def url(self) -> str:
        return wikipedia_url(self.article)


@dataclass(frozen=True)
class Row:
    line: int
    claim_id: str
    claim: str
    label: str
    evidences: tuple[Sentence, ...]


def wikipedia_url(title: str) -> str:
    """The English Wikipedia URL of an article title, spelt as Wikipedia links it."""
    return WIKIPEDIA + quote(title.replace(" ", "_"), safe=URL_SAFE)


def json_type(value: object) -> str:
    return JSON_TYPES.get(type(value), type(value).__name__)


def text_field(obj: dict[str, Any], key: str, where: str, path: str) -> str:
    """A string field, stripped; CommandError if it is missing, not a string or unstorable."""
    if key not in obj:
        raise CommandError(f"{where}: {path} is missing. Nothing was imported.")
    value = obj[key]
    if not isinstance(value, str):
        raise CommandError(
            f"{where}: {path} should be a string, not {json_type(value)}. Nothing was imported."
        )
    check_storable(value, where, path)
    return value.strip()


def check_storable(value: str, where: str, path: str) -> None:
    # JSON can spell what a database refuses: NUL ("\u0000") and lone surrogates ("\ud800").
    if "\x00" in value:
        raise CommandError(f"{where}: {path} contains a NUL character. Nothing was imported.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise CommandError(
            f"{where}: {path} contains an unpaired surrogate (\\u{ord(value[exc.start]):04x}), "
            "which is not text. Nothing was imported."
        ) from exc


def label(value: str) -> str:
    return value.upper().replace(" ", "_")


def sentence(value: object, where: str, path: str) -> Sentence:
    if not isinstance(value, dict):
        raise CommandError(
            f"{where}: {path} should be an object, not {json_type(value)}. Nothing was imported."
        )
    entropy = value.get("entropy")
    if isinstance(entropy, bool) or not isinstance(entropy, int | float | None):
        raise CommandError(
            f"{where}: {path}.entropy should be a number, not {json_type(entropy)}. "
            "Nothing was imported."
        )
    votes = value.get("votes")
    if votes is None:
        votes = []
    if not isinstance(votes, list):
        raise CommandError(
            f"{where}: {path}.votes should be an array, not {json_type(votes)}. "
            "Nothing was imported."
        )
    for i, vote in enumerate(votes):
        if not isinstance(vote, str | None):
            raise CommandError(
                f"{where}: {path}.votes[{i}] should be a string or null, not {json_type(vote)}. "
                "Nothing was imported."
            )
        if vote is not None:
            check_storable(vote, where, f"{path}.votes[{i}]")
    return Sentence(
        evidence_id=text_field(value, "evidence_id", where, f"{path}.evidence_id"),
        label=label(text_field(value, "evidence_label", where, f"{path}.evidence_label")),
        # Wikipedia titles have single spaces; a stray double space would make another URL.
        article=" ".join(text_field(value, "article", where, f"{path}.article").split()),
        text=text_field(value, "evidence", where, f"{path}.evidence"),
        entropy=None if entropy is None else float(entropy),
        votes=tuple(label(v.strip()) for v in votes if v is not None and v.strip()),
    )


def record(value: object, number: int, where: str) -> Row:
    if not isinstance(value, dict):
        raise CommandError(
            f"{where} is {json_type(value)}, not a JSON object with a claim. Nothing was imported."
        )
    if "claim_id" not in value:
        raise CommandError(f"{where}: claim_id is missing. Nothing was imported.")
    claim_id = value["claim_id"]
    if isinstance(claim_id, int) and not isinstance(claim_id, bool):
        claim_id = str(claim_id)
    if not isinstance(claim_id, str):
        raise CommandError(
            f"{where}: claim_id should be a string, not {json_type(claim_id)}. "
            "Nothing was imported."
        )
    check_storable(claim_id, where, "claim_id")
    claim_id = claim_id.strip()
    if not CLAIM_ID.fullmatch(claim_id):
        raise CommandError(
            f"{where}: claim_id {claim_id[:100]!r} should be 1 to 100 characters without spaces "
            "or colons. Nothing was imported."
        )
    claim = text_field(value, "claim", where, "claim")
    claim_label = label(text_field(value, "claim_label", where, "claim_label"))
    if "evidences" not in value:
        raise CommandError(f"{where}: evidences is missing. Nothing was imported.")
    evidences = value["evidences"]
    if not isinstance(evidences, list):
        raise CommandError(
            f"{where}: evidences should be an array, not {json_type(evidences)}. "
            "Nothing was imported."
        )
    return Row(
        line=number,
        claim_id=claim_id,
        claim=claim,
        label=claim_label,
        evidences=tuple(sentence(e, where, f"evidences[{i}]") for i, e in enumerate(evidences)),
    )


def parse(data: bytes, source: str, limit: int | None = None) -> list[Row]:
    """Read the claims of a Climate-FEVER JSON Lines file (the first `limit` ones if given).

    Raises CommandError naming the line for anything that is not a claim of the right shape:
    NUL bytes, invalid UTF-8, invalid JSON, missing fields or fields of the wrong type.
    """
    if not data.strip():
        raise CommandError(f"{source} is empty.")
    rows: list[Row] = []
    # Split the bytes, not the text: str.splitlines() would also split at U+2028 inside a string.
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if limit is not None and len(rows) >= limit:
            break
        if number == 1:
            raw = raw.removeprefix(codecs.BOM_UTF8)
        if not raw.strip():
            continue
        where = f"{source}, line {number}"
        if b"\x00" in raw:
            raise CommandError(
                f"{where} contains NUL bytes: this is a binary file, not JSON Lines. "
                "Nothing was imported."
            )
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CommandError(
                f"{where} is not valid UTF-8 (byte {exc.start + 1} of the line): save the file "
                "as UTF-8 and retry. Nothing was imported."
            ) from exc
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"{where} is not valid JSON ({exc.msg}, column {exc.colno}). Nothing was imported."
            ) from exc
        rows.append(record(value, number, where))
    return rows


def problem(row: Row) -> str | None:
    """Why a well-formed row cannot be imported, or None."""
    if not row.claim:
        return "empty claim"
    if row.label not in CLAIM_LABELS:
        return f"unknown claim label {row.label!r}"
    for i, s in enumerate(row.evidences):
        if s.label not in STANCES:
            return f"evidences[{i}] has the unknown label {s.label!r}"
        if not s.article:
            return f"evidences[{i}] has no article title"
        if len(s.article.encode("utf-8")) > MAX_TITLE_BYTES:
            return f"evidences[{i}] has an article title longer than Wikipedia allows"
        if not s.text:
            return f"evidences[{i}] has an empty sentence"
    return None


def title_for(row: Row) -> str:
    return f"{TITLE_PREFIX}{row.claim_id}: {row.claim}"[:300]


def note_for(row: Row, s: Sentence) -> str:
    votes = ", ".join(s.votes)
    details = "; ".join(
        part
        for part in (
            f"votes {votes}" if votes else "",
            f"entropy {s.entropy:.2f}" if s.entropy is not None else "",
        )
        if part
    )
    return (
        f"Climate-FEVER evidence “{s.evidence_id}”: {s.label}"
        + (f" ({details})" if details else "")
        + f". Claim {row.claim_id} is labelled {row.label} over all its evidence."
    )


class Command(BaseCommand):
    help = (
        "Import the Climate-FEVER data set (JSON Lines): one article and claim per claim, with "
        "each Wikipedia sentence as evidence (SUPPORTS → corroborates, REFUTES → disputes, "
        "NOT_ENOUGH_INFO → context). No verdicts: its labels are not fact-check ratings."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="climate-fever.jsonl, one claim per line.")
        parser.add_argument(
            "--limit",
            type=int,
            metavar="N",
            help="Read only the first N claims of the file (the rest is not read or checked).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        limit: int | None = options["limit"]
        if limit is not None and limit < 1:
            raise CommandError("--limit must be at least 1.")
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        rows = parse(path.read_bytes(), str(path), limit)

        skipped: list[str] = []
        keep: list[Row] = []
        imported = self._imported_ids()
        first_line: dict[str, int] = {}
        for row in rows:
            reason = problem(row)
            if reason:
                skipped.append(f"line {row.line}: {reason}")
            elif row.claim_id in imported:
                skipped.append(f"line {row.line}: claim {row.claim_id} already imported")
            elif row.claim_id in first_line:
                skipped.append(
                    f"line {row.line}: claim {row.claim_id} is also on line "
                    f"{first_line[row.claim_id]}"
                )
            else:
                first_line[row.claim_id] = row.line
                keep.append(row)
        if not keep and not any("already imported" in s for s in skipped):
            raise CommandError(
                f"No claim of {path} could be imported:\n  " + "\n  ".join(skipped[:20])
            )

        with transaction.atomic():
            claims, evidence, sources, new_sources = self._create(keep)
        refresh_after_bulk_import()
        self.stdout.write(
            f"Imported {claims} Climate-FEVER claims with {evidence} pieces of evidence from "
            f"{sources} Wikipedia articles ({new_sources} new sources). No verdicts: the labels "
            "say whether Wikipedia supports a claim, not whether it is true."
        )
        write_skipped(self.stdout, skipped)

    def _imported_ids(self) -> set[str]:
        titles = Article.objects.filter(outlet=OUTLET, title__startswith=TITLE_PREFIX).values_list(
            "title", flat=True
        )
        return {m.group(1) for t in titles if (m := IMPORTED.match(t))}

    def _sources(self, rows: list[Row]) -> tuple[dict[str, Source], int]:
        """Sources by URL: those already in the database, plus new ones created in bulk."""
        titles: dict[str, str] = {}
        for row in rows:
            for s in row.evidences:
                titles.setdefault(s.url, s.article)
        urls = list(titles)
        known: dict[str, Source] = {}
        for start in range(0, len(urls), BATCH):
            known.update(
                (source.url, source)
                for source in Source.objects.filter(url__in=urls[start : start + BATCH])
            )
        new = {
            url: Source(url=url, title=title[:500], publisher=PUBLISHER)
            for url, title in titles.items()
            if url not in known
        }
        Source.objects.bulk_create(new.values(), batch_size=BATCH)
        return known | new, len(new)

    def _create(self, rows: list[Row]) -> tuple[int, int, int, int]:
        sources, new_sources = self._sources(rows)
        claims = create_statement_articles(
            [Article(title=title_for(row), outlet=OUTLET, body=row.claim) for row in rows],
            [{} for _ in rows],
            method=METHOD,
            reason=REASON,
            batch_size=BATCH,
        )
        evidence = Evidence.objects.bulk_create(
            [
                Evidence(
                    claim=claim,
                    source=sources[s.url],
                    stance=STANCES[s.label],
                    excerpt=s.text,
                    note=note_for(row, s),
                )
                for claim, row in zip(claims, rows, strict=True)
                for s in row.evidences
            ],
            batch_size=BATCH,
        )
        return len(claims), len(evidence), len(sources), new_sources
