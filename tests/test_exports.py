"""The report builders in quotes/exports/, checked by content for every format."""

from __future__ import annotations

import builtins
import csv
import datetime as dt
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from pypdf import PdfReader

from quotes import exports
from quotes.exports.claimreview import RatingScale, build_claimreview
from quotes.models import Article, Claim, Evidence, Speaker, Verdict
from tests import factories

SCHEMA = json.loads(
    (Path(__file__).parent / "schemas" / "claimreview.schema.json").read_text("utf-8")
)
PUBLISHED_AT = dt.datetime(2024, 5, 6, 10, 30, tzinfo=dt.UTC)
SECRETS = ("DRAFT-SECRET", "REVIEW-SECRET")

BODY = (
    "The minister said <script>alert(1)</script> prices *fell* by 3% [last] year. "
    "Unemployment rose in May. "
    "Exports doubled, she claimed. "
    "=SUM(A1:A9) is what the spreadsheet said."
)


@dataclass
class Report:
    article: Article
    published: Claim
    draft: Claim
    review: Claim
    bare: Claim
    verdict: Verdict


def _claim(article: Article, text: str, position: int, **kwargs: Any) -> Claim:
    start = article.body.index(text)
    return factories.ClaimFactory(
        article=article, start=start, end=start + len(text), position=position, **kwargs
    )


def make_report(
    reviewer: User | None = None, speaker_name: str = "Ann <i>Evil</i> *Star*"
) -> Report:
    article = factories.ArticleFactory(
        title="Budget <b>night</b>",
        outlet="Example News",
        url="https://news.example.org/budget",
        published=dt.date(2024, 5, 1),
        byline="A. Reporter",
        body=BODY,
    )
    speaker = factories.SpeakerFactory(name=speaker_name, role="Finance Minister", party="Green")
    speaker.add_alias(f"The Minister of {speaker_name}")
    published = _claim(
        article,
        "The minister said <script>alert(1)</script> prices *fell* by 3% [last] year.",
        1,
        speaker=speaker,
        kind=Claim.Kind.QUOTE,
        speaker_confirmed=True,
    )
    draft = _claim(article, "Unemployment rose in May.", 2)
    review = _claim(article, "Exports doubled, she claimed.", 3)
    bare = _claim(article, "=SUM(A1:A9) is what the spreadsheet said.", 4, speaker=None)

    verdict = factories.VerdictFactory(
        claim=published,
        false=True,
        rationale=(
            "Figures show a rise.</script><script>alert(2)</script> See [this](javascript:x)."
        ),
        reviewer=reviewer,
    )
    # Published the way the admin does it, so the history has a published version.
    verdict.status = Verdict.Status.PUBLISHED
    verdict.published_at = PUBLISHED_AT
    verdict._change_reason = "Published"  # type: ignore[attr-defined]
    verdict.save()
    factories.VerdictFactory(claim=draft, true=True, rationale="DRAFT-SECRET rationale")
    factories.VerdictFactory(
        claim=review, pants_on_fire=True, rationale="REVIEW-SECRET", status=Verdict.Status.IN_REVIEW
    )
    source = factories.SourceFactory(title="Stats <office>")
    factories.EvidenceFactory(claim=published, source=source, stance=Evidence.Stance.DISPUTES)
    factories.EvidenceFactory(
        claim=published, stance=Evidence.Stance.CORROBORATES, excerpt="Some prices fell."
    )
    factories.EvidenceFactory(claim=draft, stance=Evidence.Stance.CONTEXT)
    return Report(article, published, draft, review, bare, verdict)


@pytest.fixture
def report(fact_checker: User) -> Report:
    fact_checker.first_name, fact_checker.last_name = "Chris", "Checker"
    fact_checker.save()
    return make_report(reviewer=fact_checker)


def content(export: exports.Export) -> bytes:
    return b"".join(export.chunks)


def assert_no_secrets(data: bytes | str, *, ratings: bool = True) -> None:
    text = data if isinstance(data, str) else data.decode("utf-8", "replace")
    for secret in SECRETS:
        assert secret not in text
    if ratings:
        # The draft's and the review's ratings do not leak either.
        assert "Pants on fire" not in text
        assert "True" not in text


# --- CSV ------------------------------------------------------------------------------

CSV_TEXT = 10  # the "text" column


def test_csv_has_one_row_per_claim_with_published_verdicts_only(report: Report) -> None:
    export = exports.export_article(report.article, "csv", include_unchecked=True)

    assert export.streaming and not isinstance(export.chunks, list | bytes)
    rows = list(csv.DictReader(io.StringIO(content(export).decode("utf-8-sig"))))
    assert [r["claim_id"] for r in rows] == [
        str(c.pk) for c in (report.published, report.draft, report.review, report.bare)
    ]
    first = rows[0]
    assert first["text"] == report.published.exact
    assert first["speaker"] == "Ann <i>Evil</i> *Star*"
    assert first["kind"] == "quote"
    assert first["attribution_method"] == "said-before"
    assert first["confidence"] == "0.900"
    assert first["speaker_confirmed"] == "yes"
    assert first["rating"] == "False"
    assert first["status"] == "published"
    assert first["reviewer"] == "Chris Checker"
    assert (first["evidence_corroborates"], first["evidence_disputes"]) == ("1", "1")
    assert first["evidence_context"] == "0"
    assert first["verdict_url"] == f"http://127.0.0.1:8000/v/{report.verdict.pk}/"
    for row in rows[1:]:
        assert (row["rating"], row["status"], row["reviewer"], row["verdict_url"]) == (
            "",
            exports.NO_VERDICT,
            "",
            "",
        )
    assert rows[1]["evidence_context"] == "1"


def test_csv_defuses_spreadsheet_formulas(report: Report) -> None:
    rows = list(
        csv.reader(
            io.StringIO(
                content(
                    exports.export_article(report.article, "csv", include_unchecked=True)
                ).decode("utf-8-sig")
            )
        )
    )

    assert rows[4][CSV_TEXT] == "'=SUM(A1:A9) is what the spreadsheet said."


def test_no_export_shows_a_draft_or_review_verdict(report: Report) -> None:
    for fmt in exports.FORMATS:
        data = content(exports.export_article(report.article, fmt, include_unchecked=True))
        if fmt == "pdf":
            data = pdf_text(data).encode()
        # JSON lists the whole rating scale in its header; its claims are checked apart.
        assert_no_secrets(data, ratings=fmt != "json")
    claims = json.loads(
        content(exports.export_article(report.article, "json", include_unchecked=True))
    )["claims"]
    assert [c["verdict"] is None for c in claims] == [False, True, True, True]


# --- JSON -----------------------------------------------------------------------------


def test_json_is_the_full_nested_record(report: Report) -> None:
    data = json.loads(
        content(exports.export_article(report.article, "json", include_unchecked=True))
    )

    assert data["format"] == "factcheck-workbench-export"
    assert data["article"]["body"] == BODY
    assert data["article"]["published"] == "2024-05-01"
    assert [r["slug"] for r in data["rating_scale"]][:2] == ["true", "mostly-true"]
    claims = data["claims"]
    assert [c["id"] for c in claims] == [
        report.published.pk,
        report.draft.pk,
        report.review.pk,
        report.bare.pk,
    ]
    first = claims[0]
    assert first["speaker"]["aliases"] == ["The Minister of Ann <i>Evil</i> *Star*"]
    assert first["speaker"]["party"] == "Green"
    assert first["attribution"] == {
        "as_written": "",
        "method": "said-before",
        "cue": "",
        "confidence": 0.9,
        "confirmed": True,
    }
    assert first["selector"]["exact"] == BODY[first["selector"]["start"] : first["selector"]["end"]]
    assert {e["stance"] for e in first["evidence"]} == {"disputes", "corroborates"}
    assert first["evidence"][0]["source"]["title"] == "Stats <office>"
    verdict = first["verdict"]
    assert verdict["rating"] == {"label": "False", "slug": "false", "value": 2}
    assert verdict["url"].endswith(f"/v/{report.verdict.pk}/")
    assert verdict["published_at"] == PUBLISHED_AT.isoformat()
    # Only the published version is history: the draft it was created as is not.
    assert [h["reason"] for h in verdict["history"]] == ["Published"]
    for claim in claims[1:]:
        assert claim["verdict"] is None
        assert claim["verdict_note"] == exports.NO_VERDICT
    assert claims[3]["speaker"] is None


def test_json_history_skips_draft_edits_between_publications(report: Report) -> None:
    verdict = report.verdict
    verdict.status = Verdict.Status.IN_REVIEW
    verdict.rationale = "DRAFT-SECRET rewrite"
    verdict.save()
    verdict.status = Verdict.Status.PUBLISHED
    verdict.rationale = "Second published rationale."
    verdict.save()

    data = json.loads(
        content(exports.export_article(report.article, "json", include_unchecked=True))
    )

    history = data["claims"][0]["verdict"]["history"]
    assert [h["rationale"] for h in history][-1] == "Second published rationale."
    assert len(history) == 2
    assert_no_secrets(json.dumps(data), ratings=False)


def test_json_of_an_article_without_claims_is_valid(db: None) -> None:
    article = factories.ArticleFactory()

    data = json.loads(content(exports.export_article(article, "json")))

    assert data["claims"] == []
    assert data["article"]["id"] == article.pk


# --- ClaimReview ----------------------------------------------------------------------


def test_claimreview_matches_the_schema_and_lists_published_verdicts_only(
    report: Report,
) -> None:
    reviews = json.loads(
        content(exports.export_article(report.article, "claimreview", include_unchecked=True))
    )

    assert len(reviews) == 1
    review = reviews[0]
    jsonschema.validate(review, SCHEMA)
    # a short summary beside the exact words (Google: under about 75 characters)
    assert review["claimReviewed"] == report.published.short_summary
    assert len(review["claimReviewed"]) <= 75
    assert review["itemReviewed"]["text"] == report.published.exact
    assert review["url"] == f"http://127.0.0.1:8000/v/{report.verdict.pk}/"
    assert review["datePublished"] == "2024-05-06"
    assert review["author"] == {
        "@type": "Organization",
        "name": "Factcheck Workbench",
        "url": "http://127.0.0.1:8000/",
    }
    assert review["publisher"] == review["author"]
    rating = review["reviewRating"]
    assert rating == {
        "@type": "Rating",
        "name": "False",
        "alternateName": "False",
        "ratingValue": 2,
        "bestRating": 6,
        "worstRating": 1,
    }
    assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
    appearance = {
        "@type": "CreativeWork",
        "url": "https://news.example.org/budget",
        "headline": "Budget <b>night</b>",
        "publisher": {"@type": "Organization", "name": "Example News"},
        "author": {"@type": "Person", "name": "A. Reporter"},
        "datePublished": "2024-05-01",
    }
    assert review["itemReviewed"] == {
        "@type": "Claim",
        "text": report.published.exact,
        "author": {
            "@type": "Person",
            "name": "Ann <i>Evil</i> *Star*",
            "jobTitle": "Finance Minister",
        },
        "datePublished": "2024-05-01",
        "appearance": [appearance],
        "firstAppearance": appearance,
    }


def test_claimreview_of_an_off_scale_rating_has_no_numbers(report: Report) -> None:
    report.verdict.rating = factories.rating("misleading")
    report.verdict.save()
    report.published.speaker = factories.SpeakerFactory(
        name="Acme Ltd", kind=Speaker.Kind.ORGANISATION
    )
    report.published.save()

    [review] = json.loads(
        content(exports.export_article(report.article, "claimreview", include_unchecked=True))
    )

    jsonschema.validate(review, SCHEMA)
    assert review["reviewRating"] == {
        "@type": "Rating",
        "name": "Misleading",
        "alternateName": "Misleading",
    }
    assert review["itemReviewed"]["author"] == {"@type": "Organization", "name": "Acme Ltd"}


def test_claimreview_refuses_an_unpublished_verdict(report: Report) -> None:
    draft = Verdict.objects.get(claim=report.draft)

    with pytest.raises(ValueError, match="published"):
        build_claimreview(report.draft, draft, RatingScale.load())


# --- Markdown -------------------------------------------------------------------------


def test_markdown_lists_every_claim_and_escapes_user_text(report: Report) -> None:
    text = content(exports.export_article(report.article, "md", include_unchecked=True)).decode()

    assert text.startswith("# Budget &lt;b&gt;night&lt;/b&gt;\n")
    assert "<script>" not in text and "<i>" not in text
    assert (
        "> The minister said &lt;script&gt;alert(1)&lt;/script&gt; prices \\*fell\\* by 3% " in text
    )
    assert "- **Said by:** Ann &lt;i&gt;Evil&lt;/i&gt; \\*Star\\*, Finance Minister" in text
    assert "See \\[this\\]\\(javascript:x)." in text
    for claim in (report.draft, report.review, report.bare):
        assert exports.md_escape(claim.exact) in text
    assert text.count(f"- **Rating:** {exports.NO_VERDICT}") == 3
    assert "- **Rating:** False" in text
    assert "- **Fact check:** published 2024-05-06, checked by Chris Checker" in text
    assert (
        "- **Where and when:** Budget &lt;b&gt;night&lt;/b&gt; (Example News), 2024-05-01, " in text
    )
    source = report.published.evidence.get(stance="disputes").source
    line = next(x for x in text.splitlines() if x.startswith("  - Disputes: Stats &lt;office&gt;"))
    assert f", <{source.url}>: “" in line


def test_markdown_reads_as_written() -> None:
    assert exports.md_escape("The U.S. rate fell -5% (2020), AT&T said!") == (
        "The U.S. rate fell -5% (2020), AT&T said!"
    )
    assert exports.md_escape("snake_case and _emphasis_ and &copy; ~~gone~~") == (
        "snake_case and \\_emphasis\\_ and &amp;copy; \\~~gone\\~~"
    )


def test_md_escape_keeps_user_text_off_line_starts() -> None:
    assert (
        exports.md_escape("# Heading\n\n1. item\n> quote #") == "# Heading 1. item &gt; quote \\#"
    )
    assert exports.md_url("https://x.example/a_(b) c") == "https://x.example/a_%28b%29%20c"


# --- HTML and PDF ---------------------------------------------------------------------


def test_html_report_shows_every_claim_escaped(report: Report) -> None:
    html = content(exports.export_article(report.article, "html", include_unchecked=True)).decode()

    assert "<script" not in html and "style=" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Ann &lt;i&gt;Evil&lt;/i&gt; *Star*" in html
    assert "&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert 'href="/static/css/report.css"' in html
    for claim in (report.draft, report.review):
        assert claim.exact in html
    assert html.count(exports.NO_VERDICT) == 3
    assert f'href="http://127.0.0.1:8000/v/{report.verdict.pk}/"' in html
    assert "Budget &lt;b&gt;night&lt;/b&gt;" in html


def test_standalone_html_embeds_the_stylesheet(report: Report) -> None:
    html = content(
        exports.export_article(report.article, "html", include_unchecked=True, standalone=True)
    ).decode()

    assert "<style>" in html and ".claim-text" in html
    assert "report.css" not in html


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_pdf_report_contains_every_claim(report: Report) -> None:
    data = content(exports.export_article(report.article, "pdf", include_unchecked=True))

    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert "Budget <b>night</b>" in text
    assert "<script>alert(1)</script> prices *fell*" in text
    for claim in (report.draft, report.review, report.bare):
        assert claim.exact in text
    assert "Figures show a rise." in text
    assert text.count(exports.NO_VERDICT) == 3
    assert "Stats <office>" in text


def test_pdf_without_system_libraries_names_pango(
    report: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = builtins.__import__

    def failing_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", failing_import)

    with pytest.raises(exports.PdfUnavailable, match="pango"):
        exports.export_article(report.article, "pdf", include_unchecked=True)


def test_pdf_refuses_more_claims_than_the_limit(
    report: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exports.pdf, "MAX_PDF_CLAIMS", 3)

    with pytest.raises(exports.ExportTooLarge, match="4 claims is too many"):
        exports.export_article(report.article, "pdf", include_unchecked=True)


def test_unknown_format_is_refused(report: Report) -> None:
    with pytest.raises(exports.ExportError, match="Unknown format 'docx'"):
        exports.export_article(report.article, "docx", include_unchecked=True)


# --- claim lists, query counts --------------------------------------------------------


def test_claims_export_covers_several_articles(report: Report) -> None:
    other = make_report(speaker_name="Bob Other")

    rows = list(
        csv.DictReader(
            io.StringIO(content(exports.export_claims(Claim.objects.all(), "csv")).decode())
        )
    )

    assert len(rows) == 8
    assert {r["article_id"] for r in rows} == {str(report.article.pk), str(other.article.pk)}


def add_claims(article: Article, count: int) -> None:
    speaker = factories.SpeakerFactory()
    speaker.add_alias(f"{speaker.name} alias")
    for position in range(count):
        claim = factories.ClaimFactory(article=article, position=10 + position, speaker=speaker)
        factories.EvidenceFactory(claim=claim)
        verdict = factories.VerdictFactory(claim=claim, published=True)
        verdict.published_at = PUBLISHED_AT
        verdict.save()


def consume(chunks: Iterable[bytes]) -> int:
    return sum(len(c) for c in chunks)


@pytest.mark.parametrize("fmt", ["csv", "json", "claimreview", "md", "html"])
def test_queries_do_not_grow_with_claims(
    report: Report, fmt: str, django_assert_max_num_queries: Any
) -> None:
    add_claims(report.article, 3)
    with django_assert_max_num_queries(12) as small:
        consume(exports.export_article(report.article, fmt, include_unchecked=True).chunks)
    add_claims(report.article, 25)
    with django_assert_max_num_queries(len(small.captured_queries)):
        consume(exports.export_article(report.article, fmt, include_unchecked=True).chunks)


def test_chunks_keep_queries_per_chunk_constant(
    report: Report, django_assert_max_num_queries: Any
) -> None:
    add_claims(report.article, 20)
    # The ids, then per chunk of 4: claims (with joins), evidence, aliases, history.
    with django_assert_max_num_queries(1 + 6 * 4):
        records = list(
            exports.iter_records(report.article.claims.all(), with_history=True, chunk_size=4)
        )
    assert len(records) == 24


def test_published_at_is_exported_as_the_local_date(report: Report, settings: Any) -> None:
    settings.TIME_ZONE = "Pacific/Auckland"
    report.verdict.published_at = dt.datetime(2024, 5, 6, 20, 0, tzinfo=dt.UTC)
    report.verdict.save()

    with timezone.override("Pacific/Auckland"):
        [review] = json.loads(
            content(exports.export_article(report.article, "claimreview", include_unchecked=True))
        )

    assert review["datePublished"] == "2024-05-07"
