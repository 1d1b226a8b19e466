"""Report builders: HTML, PDF (WeasyPrint), Markdown, CSV, JSON and ClaimReview JSON-LD.

The views (quotes/report_views.py) and `manage.py export_report` both call
export_article() / export_claims(), so a report is the same wherever it is made.

Only *published* verdicts appear in any export, people-facing or machine-readable: a
claim whose verdict is a draft or in review is exported as having "no published
verdict", with no rating, rationale, reviewer or status, so nothing unpublished leaks
through a forwarded report or a CSV pasted into a spreadsheet.

CSV, JSON, ClaimReview and Markdown are generators over the claims in chunks (the
related rows select_related or prefetched per chunk), so memory stays flat and the number
of queries grows with the number of chunks, not of claims.
"""

from __future__ import annotations

import csv
import gc
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.models import Prefetch, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from quotes.claimreview import RatingScale, build_claimreview, permalink
from quotes.models import Article, Claim, Evidence, Rating, Verdict

FORMATS = ("html", "pdf", "md", "csv", "json", "claimreview")
CHUNK_SIZE = 500
# WeasyPrint lays out every page in memory; past this a PDF takes minutes and
# hundreds of MB, so the user is asked to narrow the filter (CSV/JSON have no limit).
MAX_PDF_CLAIMS = 2000
NO_VERDICT = "no published verdict"

CSV_COLUMNS = [
    "claim_id",
    "article_id",
    "article_title",
    "article_url",
    "position",
    "kind",
    "text",
    "speaker",
    "speaker_as_written",
    "attribution_method",
    "confidence",
    "speaker_confirmed",
    "rating",
    "status",
    "reviewer",
    "evidence_corroborates",
    "evidence_disputes",
    "evidence_context",
    "verdict_url",
]


class ExportError(Exception):
    """An export that cannot be made; the message says why, for the user."""


class PdfUnavailable(ExportError):
    """WeasyPrint's system libraries (Pango, HarfBuzz, fontconfig) are missing."""


class ExportTooLarge(ExportError):
    """Too many claims for a paginated format."""


@dataclass(frozen=True)
class Export:
    """A finished export: its bytes (possibly a lazy generator) and how to serve it."""

    fmt: str
    content_type: str
    filename: str
    chunks: Iterable[bytes]
    streaming: bool


@dataclass
class ClaimRecord:
    """A claim with what an export may show of it: the verdict only when published."""

    claim: Claim
    verdict: Verdict | None
    evidence: list[Evidence]
    history: list[Any] = field(default_factory=list)

    @property
    def stance_counts(self) -> Counter[str]:
        return Counter(e.stance for e in self.evidence)

    @property
    def permalink(self) -> str:
        return permalink(self.verdict) if self.verdict else ""


def export_queryset(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    """The claims of `claims`, in report order, with everything an export reads loaded.

    Re-selecting by primary key keeps any annotations, joins or DISTINCT of a filter's
    queryset out of the export query.
    """
    return (
        Claim.objects.filter(pk__in=claims.values("pk"))
        .select_related("article", "speaker", "verdict__rating", "verdict__reviewer")
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


def iter_records(
    claims: QuerySet[Claim], *, with_history: bool = False, chunk_size: int = CHUNK_SIZE
) -> Iterator[ClaimRecord]:
    """Yield a ClaimRecord per claim of `claims`, reading the database chunk by chunk.

    With `with_history`, each published verdict carries the versions of itself that
    were published (never the draft versions in between).
    """
    # The ids first, then each chunk by id: unlike .iterator() with prefetching, no cursor
    # stays open while the prefetch queries run, which on SQLite made peak memory grow
    # with the number of rows (measured in benchmarks/exports.py).
    ordered = export_queryset(claims)
    ids = list(ordered.values_list("pk", flat=True))
    for offset in range(0, len(ids), chunk_size):
        batch = list(ordered.filter(pk__in=ids[offset : offset + chunk_size]))
        yield from _records(batch, with_history)
        # A claim and its verdict refer to each other (select_related fills both sides),
        # so a finished chunk is only freed by the cycle collector: run it now. Without
        # this, peak memory climbed to ~4 chunks (benchmarks/exports.py: 22 MiB vs 6 MiB).
        del batch
        gc.collect()


def _records(batch: list[Claim], with_history: bool) -> Iterator[ClaimRecord]:
    verdicts = {c.pk: published_verdict(c) for c in batch}
    history: dict[int, list[Any]] = defaultdict(list)
    if with_history:
        ids = [v.pk for v in verdicts.values() if v is not None]
        rows = (
            Verdict.history.filter(id__in=ids, status=Verdict.Status.PUBLISHED)  # type: ignore[attr-defined]
            .select_related("rating", "history_user")
            .order_by("history_date", "history_id")
        )
        for row in rows:
            history[row.id].append(row)
    for claim in batch:
        verdict = verdicts[claim.pk]
        yield ClaimRecord(
            claim=claim,
            verdict=verdict,
            evidence=list(claim.evidence.all()),
            history=history.get(verdict.pk, []) if verdict else [],
        )


def person_name(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


# --- CSV --------------------------------------------------------------------------------


class _Echo:
    """A file-like object whose write() returns the line, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def _cell(value: str) -> str:
    # A cell starting with = + - @ is run as a formula by spreadsheets (CSV injection);
    # a leading apostrophe makes them show it as text.
    if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_rows(records: Iterable[ClaimRecord]) -> Iterator[list[str]]:
    """The CSV table as rows of strings, header first: one row per claim."""
    yield list(CSV_COLUMNS)
    for record in records:
        claim, verdict = record.claim, record.verdict
        counts = record.stance_counts
        yield [
            str(claim.pk),
            str(claim.article_id),
            _cell(claim.article.title),
            claim.article.url,
            str(claim.position),
            claim.kind,
            _cell(claim.exact),
            _cell(claim.speaker.name if claim.speaker else ""),
            _cell(claim.speaker_text),
            claim.attribution_method,
            "" if claim.confidence is None else f"{claim.confidence:.3f}",
            "yes" if claim.speaker_confirmed else "no",
            _cell(verdict.rating.label) if verdict else "",
            verdict.status if verdict else NO_VERDICT,
            _cell(person_name(verdict.reviewer)) if verdict else "",
            str(counts[Evidence.Stance.CORROBORATES]),
            str(counts[Evidence.Stance.DISPUTES]),
            str(counts[Evidence.Stance.CONTEXT]),
            permalink(verdict) if verdict else "",
        ]


def iter_csv(claims: QuerySet[Claim]) -> Iterator[bytes]:
    """Stream the CSV export of `claims` as UTF-8 bytes, one line at a time."""
    writer = csv.writer(_Echo())
    for row in csv_rows(iter_records(claims)):
        yield writer.writerow(row).encode()


# --- JSON -------------------------------------------------------------------------------


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
        "selector": {
            "start": claim.start,
            "end": claim.end,
            "exact": claim.exact,
            "prefix": claim.prefix,
            "suffix": claim.suffix,
        },
        "context": claim.context,
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
    """Stream the JSON export: a header object, then the claims array written claim by claim."""
    header: dict[str, Any] = {
        "format": "factcheck-workbench-export",
        "version": 1,
        "generated_at": timezone.now().isoformat(),
        "organisation": {"name": settings.FACTCHECK_ORG_NAME, "url": settings.FACTCHECK_ORG_URL},
        "rating_scale": [rating_json(r) for r in Rating.objects.all()],
    }
    if article is not None:
        header["article"] = article_json(article, with_body=True)
    # Write the header object without its closing brace, then the array piece by piece.
    yield (_dumps(header)[:-1] + ',"claims":[').encode()
    for index, record in enumerate(iter_records(claims, with_history=True)):
        yield (("," if index else "") + _dumps(record_json(record))).encode()
    yield b"]}\n"


def iter_claimreview(claims: QuerySet[Claim]) -> Iterator[bytes]:
    """Stream a JSON array of ClaimReview objects, one per published verdict."""
    scale = RatingScale.load()
    published = claims.filter(verdict__status=Verdict.Status.PUBLISHED)
    yield b"["
    index = 0
    for record in iter_records(published):
        if record.verdict is None:
            continue
        review = build_claimreview(record.claim, record.verdict, scale)
        yield (("," if index else "") + "\n" + json.dumps(review, ensure_ascii=False)).encode()
        index += 1
    yield b"\n]\n"


# --- Markdown ---------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")


def md_escape(text: str) -> str:
    """User text made inert in Markdown: no emphasis, links, headings or raw HTML.

    Whitespace runs (newlines included) become one space so the text cannot start a
    line of its own (a heading, list or quote). <, > and & become entities because many
    Markdown renderers pass raw HTML through.
    """
    text = " ".join(text.split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def md_url(url: str) -> str:
    """A URL safe as a Markdown link target: characters that would end it are %-encoded."""
    for char, code in (("(", "%28"), (")", "%29"), (" ", "%20"), ("<", "%3C"), (">", "%3E")):
        url = url.replace(char, code)
    return url


def _md_link(text: str, url: str) -> str:
    return f"[{md_escape(text or url)}]({md_url(url)})" if url else md_escape(text)


def iter_markdown(
    claims: QuerySet[Claim], *, title: str, article: Article | None = None
) -> Iterator[bytes]:
    """Stream the Markdown report: article metadata, then each claim with its verdict."""
    generated = timezone.localtime().strftime("%Y-%m-%d %H:%M %Z")
    lines = [f"# {md_escape(title)}", ""]
    if article is not None:
        lines += _md_article_lines(article)
    lines += [f"_{md_escape(settings.FACTCHECK_ORG_NAME)}, exported {generated}_", "", ""]
    yield "\n".join(lines).encode()
    count = 0
    for count, record in enumerate(iter_records(claims), start=1):
        yield "\n".join(_md_claim(record, count, with_article=article is None)).encode()
    if not count:
        yield b"_No claims._\n"


def _md_article_lines(article: Article) -> list[str]:
    lines = []
    if article.outlet:
        lines.append(f"- **Outlet:** {md_escape(article.outlet)}")
    if article.url:
        lines.append(f"- **URL:** {_md_link(article.url, article.url)}")
    if article.published:
        lines.append(f"- **Published:** {article.published.isoformat()}")
    if article.byline:
        lines.append(f"- **Byline:** {md_escape(article.byline)}")
    return [*lines, ""] if lines else []


def _md_claim(record: ClaimRecord, number: int, *, with_article: bool) -> list[str]:
    claim, verdict = record.claim, record.verdict
    lines = [f"## {number}\\. {md_escape(claim.exact)}", ""]
    if with_article:
        lines.append(f"- **Article:** {_md_link(claim.article.title, claim.article.url)}")
    if claim.speaker:
        speaker = md_escape(claim.speaker.name)
        if claim.speaker.role:
            speaker += f", {md_escape(claim.speaker.role)}"
        lines.append(f"- **Speaker:** {speaker}")
    elif claim.speaker_text:
        lines.append(f"- **Speaker:** not named; the article says {md_escape(claim.speaker_text)}")
    else:
        lines.append("- **Speaker:** unattributed")
    lines.append(f"- **Kind:** {claim.get_kind_display()}")
    if verdict is not None:
        lines.append(f"- **Verdict:** {md_escape(verdict.rating.label)}")
        lines.append(f"- **Rationale:** {md_escape(verdict.rationale)}")
        lines.append(f"- **Permalink:** {_md_link(permalink(verdict), permalink(verdict))}")
    else:
        lines.append(f"- **Verdict:** {NO_VERDICT}")
    if record.evidence:
        lines.append("- **Evidence:**")
        for e in record.evidence:
            item = f"  - {e.get_stance_display()}: {_md_link(str(e.source), e.source.url)}"
            if e.excerpt:
                item += f": “{md_escape(e.excerpt)}”"
            lines.append(item)
    return [*lines, "", ""]


# --- HTML and PDF -----------------------------------------------------------------------


def report_css() -> str:
    path = finders.find("css/report.css")
    if not path or isinstance(path, list):
        raise ExportError("The report stylesheet static/css/report.css is missing.")
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def render_html(
    claims: QuerySet[Claim],
    *,
    title: str,
    article: Article | None = None,
    filters: Sequence[tuple[str, str]] = (),
    mode: str = "web",
) -> str:
    """Render the HTML report.

    `mode` is "web" (links the stylesheet: the app's CSP forbids inline styles),
    "file" (embeds the stylesheet, for a self-contained file from the command line) or
    "pdf" (no stylesheet: WeasyPrint is given it directly).
    """
    records = list(iter_records(claims))
    context = {
        "title": title,
        "article": article,
        "records": records,
        "filters": filters,
        "org_name": settings.FACTCHECK_ORG_NAME,
        "org_url": settings.FACTCHECK_ORG_URL,
        "generated": timezone.now(),
        "mode": mode,
        "inline_css": report_css() if mode == "file" else "",
        "no_verdict": NO_VERDICT,
    }
    return render_to_string("quotes/reports/report.html", context)


def render_pdf(
    claims: QuerySet[Claim],
    *,
    title: str,
    article: Article | None = None,
    filters: Sequence[tuple[str, str]] = (),
) -> bytes:
    """Render the report as PDF through WeasyPrint.

    Raises PdfUnavailable naming the missing system libraries when WeasyPrint cannot
    load them, and ExportTooLarge past MAX_PDF_CLAIMS claims.
    """
    count = claims.count()
    if count > MAX_PDF_CLAIMS:
        raise ExportTooLarge(
            f"{count:,} claims is too many for a PDF (the limit is {MAX_PDF_CLAIMS:,}): "
            "narrow the filter, or export CSV or JSON."
        )
    try:
        from weasyprint import CSS, HTML
    except OSError as exc:
        # WeasyPrint loads Pango, HarfBuzz and fontconfig through cffi at import time.
        raise PdfUnavailable(
            "PDF export needs WeasyPrint's system libraries (pango, harfbuzz, fontconfig): "
            "install them, e.g. `apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
            f"libharfbuzz0b fontconfig`. ({exc})"
        ) from exc
    html = render_html(claims, title=title, article=article, filters=filters, mode="pdf")
    document = HTML(string=html, base_url=settings.PUBLIC_BASE_URL)
    pdf: bytes = document.write_pdf(stylesheets=[CSS(string=report_css())])
    return pdf


# --- entry points -----------------------------------------------------------------------


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "report"


def build_export(
    claims: QuerySet[Claim],
    fmt: str,
    *,
    title: str,
    filename: str,
    article: Article | None = None,
    filters: Sequence[tuple[str, str]] = (),
    standalone: bool = False,
) -> Export:
    """Build the export of `claims` in `fmt` (one of FORMATS).

    CSV, JSON, ClaimReview and Markdown come back as lazy generators (streaming=True);
    HTML and PDF are rendered now, so their errors (PdfUnavailable, ExportTooLarge)
    raise here. `standalone` embeds the stylesheet in HTML, for files written outside
    the web app.
    """
    if fmt == "csv":
        return Export(fmt, "text/csv; charset=utf-8", f"{filename}.csv", iter_csv(claims), True)
    if fmt == "json":
        return Export(
            fmt,
            "application/json",
            f"{filename}.json",
            iter_json(claims, article=article),
            True,
        )
    if fmt == "claimreview":
        return Export(
            fmt,
            "application/ld+json",
            f"{filename}.claimreview.json",
            iter_claimreview(claims),
            True,
        )
    if fmt == "md":
        return Export(
            fmt,
            "text/markdown; charset=utf-8",
            f"{filename}.md",
            iter_markdown(claims, title=title, article=article),
            True,
        )
    if fmt == "html":
        html = render_html(
            claims,
            title=title,
            article=article,
            filters=filters,
            mode="file" if standalone else "web",
        )
        return Export(fmt, "text/html; charset=utf-8", f"{filename}.html", [html.encode()], False)
    if fmt == "pdf":
        pdf = render_pdf(claims, title=title, article=article, filters=filters)
        return Export(fmt, "application/pdf", f"{filename}.pdf", [pdf], False)
    raise ExportError(f"Unknown format {fmt!r}: use one of {', '.join(FORMATS)}.")


def export_article(article: Article, fmt: str, *, standalone: bool = False) -> Export:
    """The report on one article's claims in `fmt`."""
    return build_export(
        article.claims.all(),
        fmt,
        title=article.title,
        filename=f"article-{article.pk}-{_slug(article.title)}",
        article=article,
        standalone=standalone,
    )


def export_claims(
    claims: QuerySet[Claim],
    fmt: str,
    *,
    filters: Sequence[tuple[str, str]] = (),
    standalone: bool = False,
) -> Export:
    """The report on a filtered list of claims (from the claims page) in `fmt`."""
    return build_export(
        claims,
        fmt,
        title="Claims report",
        filename="claims-report",
        filters=filters,
        standalone=standalone,
    )
