"""The Climate-FEVER data set (Diggelmann et al. 2020): climate claims with evidence.

Each line of the JSON Lines file is a claim with five Wikipedia sentences that annotators
labelled as supporting it, refuting it or not enough information. As with LIAR, each claim
becomes an article (body = the claim) with one claim of kind statement spanning it. Each sentence
becomes evidence on that claim: the source is its Wikipedia article (one Source per URL, shared
between claims and reused when the database already has it), the sentence is the excerpt and
the annotators' label is the stance (SUPPORTS → corroborates, REFUTES → disputes,
NOT_ENOUGH_INFO → context). The evidence note keeps the Climate-FEVER evidence id, the votes
and the claim's label.

No verdicts are created. LIAR's labels are PolitiFact's ratings of a statement, so the LIAR import
maps them onto our scale; Climate-FEVER's claim_label only sums up whether the retrieved
Wikipedia sentences support the claim (DISPUTED: some support it, some refute it). It is not a
rating of the claim: claim 5, "The sun has gone into 'lockdown' which could cause freezing
weather, earthquakes and famine, say scientists", is SUPPORTS because Wikipedia says cold
weather causes famine. Mapping SUPPORTS to "true" would put ratings nobody gave in the review
queue, so the label stays in the evidence notes.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any
from urllib.parse import quote

from django.db import transaction
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic_core import ErrorDetails

from quotes.imports.datasets import (
    BATCH,
    DatasetResult,
    Statement,
    create_statement_articles,
    imported_ids,
    refuse_if_nothing,
)
from quotes.imports.text import ImportRefused
from quotes.models import Evidence, Source

DATASET = "climate-fever"
CLAIM_LABELS = {"SUPPORTS", "REFUTES", "NOT_ENOUGH_INFO", "DISPUTED"}
STANCES = {
    "SUPPORTS": Evidence.Stance.CORROBORATES,
    "REFUTES": Evidence.Stance.DISPUTES,
    "NOT_ENOUGH_INFO": Evidence.Stance.CONTEXT,
}
OUTLET = "Climate-FEVER"
METHOD = "climate-fever"
PUBLISHER = "Wikipedia"
WIKIPEDIA = "https://en.wikipedia.org/wiki/"
# What MediaWiki leaves unescaped in its canonical URLs (wfUrlencode); "_.-~" are always safe.
URL_SAFE = ";@$!*(),/:"
# Wikipedia titles are at most 255 bytes: longer ones are not articles (and would not fit a URL).
MAX_TITLE_BYTES = 255
# The id is shown in titles ("Climate-FEVER 1001: ...") and stored as Article.external_id.
CLAIM_ID = re.compile(r"[^\s:]{1,100}")
REASON = "Imported from Climate-FEVER"
NOTHING = "Nothing was imported."


def storable(value: str) -> str:
    # JSON can spell what a database refuses: NUL ("\u0000") and lone surrogates ("\ud800").
    if "\x00" in value:
        raise ValueError("contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(
            f"contains an unpaired surrogate (\\u{ord(value[exc.start]):04x}), which is not text"
        ) from exc
    return value.strip()


def label(value: str) -> str:
    return value.upper().replace(" ", "_")


def number_as_text(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def claim_id(value: str) -> str:
    if not CLAIM_ID.fullmatch(value):
        raise ValueError(f"{value[:100]!r} should be 1 to 100 characters without spaces or colons")
    return value


Text = Annotated[str, AfterValidator(storable)]
Label = Annotated[Text, AfterValidator(label)]


class Sentence(BaseModel):
    model_config = ConfigDict(strict=True, frozen=True)

    evidence_id: Text
    evidence_label: Label
    # Wikipedia titles have single spaces; a stray double space would make another URL.
    article: Annotated[Text, AfterValidator(lambda title: " ".join(title.split()))]
    evidence: Text
    entropy: float | None = None
    votes: list[Text | None] | None = None

    @property
    def url(self) -> str:
        return wikipedia_url(self.article)

    @property
    def vote_labels(self) -> list[str]:
        return [label(v) for v in self.votes or () if v]


class Row(BaseModel):
    model_config = ConfigDict(strict=True, frozen=True)

    line: int
    claim_id: Annotated[Text, BeforeValidator(number_as_text), AfterValidator(claim_id)]
    claim: Text
    claim_label: Label
    evidences: list[Sentence]


def wikipedia_url(title: str) -> str:
    """The English Wikipedia URL of an article title, spelt as Wikipedia links it."""
    return WIKIPEDIA + quote(title.replace(" ", "_"), safe=URL_SAFE)


JSON_TYPES = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
EXPECTED = {
    "missing": "is missing",
    "string_type": "should be a string",
    "list_type": "should be an array",
    "model_type": "should be an object",
    "float_type": "should be a number",
}


def json_type(value: object) -> str:
    if value is None:
        return "null"
    return JSON_TYPES.get(type(value), "a number" if isinstance(value, int | float) else "")


def describe(error: ErrorDetails) -> str:
    """One validation error as a reader of the file would put it: `evidences[1].article ...`."""
    path = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in error["loc"])
    path = path.removeprefix(".")
    if error["type"] == "value_error":
        return f"{path} {error['ctx']['error']}"
    expected = EXPECTED.get(error["type"], error["msg"])
    if error["type"] == "missing":
        return f"{path} {expected}"
    return f"{path} {expected}, not {json_type(error['input'])}"


def parse(text: str, source: str, limit: int | None = None) -> list[Row]:
    """Read the claims of a Climate-FEVER JSON Lines file (the first `limit` ones if given).

    Raises ImportRefused naming the line for anything that is not a claim of the right
    shape: invalid JSON, missing fields or fields of the wrong type.
    """
    if not text.strip():
        raise ImportRefused(f"{source} is empty.")
    rows: list[Row] = []
    # Split at "\n" only: str.splitlines() would also split at U+2028 inside a string.
    for number, line in enumerate(text.split("\n"), start=1):
        if limit is not None and len(rows) >= limit:
            break
        if not line.strip():
            continue
        where = f"{source}, line {number}"
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ImportRefused(
                f"{where} is not valid JSON ({exc.msg}, column {exc.colno}). {NOTHING}"
            ) from exc
        if not isinstance(value, dict):
            raise ImportRefused(
                f"{where} is {json_type(value)}, not a JSON object with a claim. {NOTHING}"
            )
        try:
            rows.append(Row.model_validate({**value, "line": number}))
        except ValidationError as exc:
            raise ImportRefused(f"{where}: {describe(exc.errors()[0])}. {NOTHING}") from exc
    return rows


def problem(row: Row) -> str | None:
    """Why a well-formed row cannot be imported, or None."""
    if not row.claim:
        return "empty claim"
    if row.claim_label not in CLAIM_LABELS:
        return f"unknown claim label {row.claim_label!r}"
    for i, s in enumerate(row.evidences):
        if s.evidence_label not in STANCES:
            return f"evidences[{i}] has the unknown label {s.evidence_label!r}"
        if not s.article:
            return f"evidences[{i}] has no article title"
        if len(s.article.encode("utf-8")) > MAX_TITLE_BYTES:
            return f"evidences[{i}] has an article title longer than Wikipedia allows"
        if not s.evidence:
            return f"evidences[{i}] has an empty sentence"
    return None


def title_for(row: Row) -> str:
    return f"{OUTLET} {row.claim_id}: {row.claim}"[:300]


def note_for(row: Row, s: Sentence) -> str:
    votes = ", ".join(s.vote_labels)
    details = "; ".join(
        part
        for part in (
            f"votes {votes}" if votes else "",
            f"entropy {s.entropy:.2f}" if s.entropy is not None else "",
        )
        if part
    )
    return (
        f"Climate-FEVER evidence “{s.evidence_id}”: {s.evidence_label}"
        + (f" ({details})" if details else "")
        + f". Claim {row.claim_id} is labelled {row.claim_label} over all its evidence."
    )


def import_climate_fever(text: str, source: str, limit: int | None = None) -> DatasetResult:
    """Import Climate-FEVER claims with their evidence from JSON Lines text, in one transaction.

    `result.counts` holds claims, evidence, sources and new_sources. Rows with unknown
    labels or empty fields, claims imported before and repeated claim ids are skipped with
    the reason; a line of the wrong shape refuses the whole file (ImportRefused).
    """
    rows = parse(text, source, limit)
    result = DatasetResult()
    keep: list[Row] = []
    imported = imported_ids(DATASET, (row.claim_id for row in rows))
    first_line: dict[str, int] = {}
    for row in rows:
        reason = problem(row)
        if reason:
            result.skipped.append(f"line {row.line}: {reason}")
        elif row.claim_id in imported:
            result.skipped.append(f"line {row.line}: claim {row.claim_id} already imported")
        elif row.claim_id in first_line:
            result.skipped.append(
                f"line {row.line}: claim {row.claim_id} is also on line {first_line[row.claim_id]}"
            )
        else:
            first_line[row.claim_id] = row.line
            keep.append(row)
    refuse_if_nothing(keep, result.skipped, f"claim of {source}")
    with transaction.atomic():
        result.counts = _create(keep)
    result.created = result.counts["claims"]
    return result


def _sources(rows: list[Row]) -> tuple[dict[str, Source], int]:
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


def _create(rows: list[Row]) -> dict[str, int]:
    sources, new_sources = _sources(rows)
    claims = create_statement_articles(
        [Statement(row.claim_id, title_for(row), row.claim) for row in rows],
        dataset=DATASET,
        outlet=OUTLET,
        method=METHOD,
        reason=REASON,
    )
    evidence = Evidence.objects.bulk_create(
        [
            Evidence(
                claim=claim,
                source=sources[s.url],
                stance=STANCES[s.evidence_label],
                excerpt=s.evidence,
                note=note_for(row, s),
            )
            for claim, row in zip(claims, rows, strict=True)
            for s in row.evidences
        ],
        batch_size=BATCH,
    )
    return {
        "claims": len(claims),
        "evidence": len(evidence),
        "sources": len(sources),
        "new_sources": new_sources,
    }
