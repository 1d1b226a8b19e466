"""Markdown: the report as plain text that renders safely, streamed claim by claim."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from quotes.exports.records import NO_VERDICT, ClaimRecord, iter_records, permalink
from quotes.models import Article, Claim

# Only what would change how the text renders: emphasis (* and _ at a word's edge), code,
# links and images ([ ]), a backslash, a doubled ~ (strikethrough). Full stops, hyphens,
# brackets and the like in prose ("U.S.", "-5%", "(2020)") are left as written.
_MD_SPECIAL = re.compile(r"([\\`*\[\]]|(?<!\w)_|_(?!\w)|~(?=~))")
# "&" only where it would start an entity ("&copy;"); "AT&T" stays.
_ENTITY_START = re.compile(r"&(?=#?\w+;)")


def md_escape(text: str) -> str:
    """User text made inert in Markdown, with as little escaping as that takes.

    Whitespace runs (newlines included) become one space so the text cannot start a
    line of its own (a heading, list or quote): it always follows a marker of ours.
    < and > become entities because many Markdown renderers pass raw HTML through.
    """
    text = " ".join(text.split())
    text = _ENTITY_START.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")
    # "\](" as well as "\[": a link needs both, and a reader should not see the pair
    text = _MD_SPECIAL.sub(r"\\\1", text).replace("](", "]\\(")
    # closing #s would end a heading early
    return re.sub(r"(#+)$", lambda m: "\\#" * len(m.group(1)), text)


def md_url(url: str) -> str:
    """A URL safe as a Markdown link target: characters that would end it are %-encoded."""
    for char, code in (("(", "%28"), (")", "%29"), (" ", "%20"), ("<", "%3C"), (">", "%3E")):
        url = url.replace(char, code)
    return url


def _md_link(text: str, url: str) -> str:
    return f"[{md_escape(text or url)}]({md_url(url)})" if url else md_escape(text)


def _md_url_link(url: str) -> str:
    """A URL shown as itself, so it survives printing or pasting as plain text."""
    return f"<{md_url(url)}>"


def iter_markdown(
    claims: QuerySet[Claim],
    *,
    title: str,
    article: Article | None = None,
    description: str = "",
    scope: str = "",
) -> Iterator[bytes]:
    """Stream the Markdown report: what the HTML report carries, claim by claim.

    The query and the first chunk of claims run now, the rest as the bytes are read.
    """
    generated = timezone.localtime().strftime("%Y-%m-%d %H:%M %Z")
    lines = [f"# {md_escape(title)}", ""]
    if article is not None:
        lines += _md_article_lines(article)
    if description:
        lines += [f"**{md_escape(description)}**", ""]
    if scope:
        lines += [md_escape(scope), ""]
    lines += [f"_{md_escape(settings.FACTCHECK_ORG_NAME)}, exported {generated}_", "", ""]
    return _pieces("\n".join(lines).encode(), iter_records(claims), with_article=article is None)


def _pieces(
    heading: bytes, records: Iterable[ClaimRecord], *, with_article: bool
) -> Iterator[bytes]:
    yield heading
    count = 0
    for count, record in enumerate(records, start=1):
        yield "\n".join(_md_claim(record, count)).encode()
    if not count:
        yield b"_No claims._\n"


def _md_article_lines(article: Article) -> list[str]:
    lines = []
    if article.outlet:
        lines.append(f"- **Outlet:** {md_escape(article.outlet)}")
    if article.url:
        lines.append(f"- **URL:** {_md_url_link(article.url)}")
    if article.published:
        lines.append(f"- **Published:** {article.published.isoformat()}")
    if article.byline:
        lines.append(f"- **Byline:** {md_escape(article.byline)}")
    return [*lines, ""] if lines else []


def _md_where(record: ClaimRecord) -> str:
    claim, article = record.claim, record.claim.article
    parts = [md_escape(claim.context)] if claim.context else []
    place = md_escape(article.title)
    if article.outlet and article.outlet not in article.title:
        place += f" ({md_escape(article.outlet)})"
    if article.published:
        place += f", {article.published.isoformat()}"
    if article.url:
        place += f", {_md_url_link(article.url)}"
    return "; ".join([*parts, place])


def _md_claim(record: ClaimRecord, number: int) -> list[str]:
    claim, verdict = record.claim, record.verdict
    lines = [f"## {number}. {md_escape(record.summary)}", "", f"> {md_escape(claim.exact)}", ""]
    if claim.speaker:
        speaker = md_escape(claim.speaker.name)
        if claim.speaker.role:
            speaker += f", {md_escape(claim.speaker.role)}"
        lines.append(f"- **Said by:** {speaker}")
    elif claim.speaker_text:
        lines.append(f"- **Said by:** not named; the article says {md_escape(claim.speaker_text)}")
    else:
        lines.append("- **Said by:** unattributed")
    lines.append(f"- **Where and when:** {_md_where(record)}")
    if verdict is not None:
        lines.append(f"- **Rating:** {md_escape(verdict.rating.label)}")
        lines.append(f"- **Why:** {md_escape(verdict.rationale)}")
        byline = []
        if verdict.published_at:
            byline.append(f"published {timezone.localdate(verdict.published_at).isoformat()}")
        if record.reviewer:
            byline.append(f"checked by {md_escape(record.reviewer)}")
        byline.append(_md_url_link(permalink(verdict)))
        lines.append(f"- **Fact check:** {', '.join(byline)}")
        if record.correction:
            lines.append(f"- **Correction:** {md_escape(record.correction)}")
    else:
        lines.append(f"- **Rating:** {NO_VERDICT}")
    if record.evidence:
        lines.append("- **Sources:**")
        for e in record.evidence:
            source = e.source
            item = f"  - {e.get_stance_display()}: {md_escape(str(source))}"
            if source.publisher:
                item += f", {md_escape(source.publisher)}"
            if source.published:
                item += f", {source.published.isoformat()}"
            item += f", {_md_url_link(source.url)}"
            if e.excerpt:
                item += f": “{md_escape(e.excerpt)}”"
            lines.append(item)
    return [*lines, "", ""]


def failure_trailer(note: str) -> bytes:
    return f"\n\n**{md_escape(note)}**\n".encode()
