"""Markdown: the report as plain text that renders safely, streamed claim by claim."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from quotes.exports.records import NO_VERDICT, ClaimRecord, iter_records, permalink
from quotes.models import Article, Claim

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
    """Stream the Markdown report: article metadata, then each claim with its verdict.

    The query and the first chunk of claims run now, the rest as the bytes are read.
    """
    generated = timezone.localtime().strftime("%Y-%m-%d %H:%M %Z")
    lines = [f"# {md_escape(title)}", ""]
    if article is not None:
        lines += _md_article_lines(article)
    lines += [f"_{md_escape(settings.FACTCHECK_ORG_NAME)}, exported {generated}_", "", ""]
    return _pieces("\n".join(lines).encode(), iter_records(claims), with_article=article is None)


def _pieces(
    heading: bytes, records: Iterable[ClaimRecord], *, with_article: bool
) -> Iterator[bytes]:
    yield heading
    count = 0
    for count, record in enumerate(records, start=1):
        yield "\n".join(_md_claim(record, count, with_article=with_article)).encode()
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


def failure_trailer(note: str) -> bytes:
    return f"\n\n**{md_escape(note)}**\n".encode()
