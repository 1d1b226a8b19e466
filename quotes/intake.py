"""Articles from the web: a page fetched by URL, reduced to its article with trafilatura.

The page is fetched through quotes/fetch.py (the security boundary) and read by
trafilatura, which finds the main text, title, author, date and site name far better
than hand-written rules. The import page, `manage.py import_url`, and feed entries all
come through here.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

import trafilatura
from django.utils.dateparse import parse_date

from quotes import services
from quotes.fetch import Fetched, FetchRefused, fetch
from quotes.models import Article

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageArticle:
    url: str
    title: str
    byline: str
    outlet: str
    published: dt.date | None
    text: str


def _paragraphs(text: str) -> str:
    # trafilatura puts one line break between paragraphs; the workbench (and the text
    # pipeline's paragraph rules) expect a blank line.
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n\n".join(line for line in lines if line)


def extract(page: Fetched) -> PageArticle:
    """The article in a fetched page: its main text and metadata.

    Plain text is taken as it is. Raises FetchRefused when no article text is found.
    """
    if page.content_type == "text/plain":
        text = page.text().replace("\r\n", "\n").replace("\r", "\n")
        title = next((line.strip() for line in text.splitlines() if line.strip()), "")
        found: Any = None
    else:
        try:
            found = trafilatura.bare_extraction(
                page.content, url=page.url, with_metadata=True, include_comments=False
            )
        # trafilatura parses whatever the web serves; any failure of its own is a page we
        # cannot read, not a crash of the import.
        except Exception as exc:  # noqa: BLE001
            logger.warning("trafilatura failed on %s: %r", page.url, exc)
            found = None
        text = _paragraphs(getattr(found, "text", None) or "")
        title = getattr(found, "title", None) or ""
        first, _, rest = text.partition("\n\n")
        if rest and title and " ".join(first.split()) == " ".join(title.split()):
            text = rest  # the headline: metadata, not a claim of the article
    if not text.strip():
        raise FetchRefused("No article text was found on this page.")
    date = getattr(found, "date", None) or ""
    return PageArticle(
        url=page.url,
        title=" ".join(title.split())[:300],
        byline=" ".join((getattr(found, "author", None) or "").split())[:300],
        outlet=" ".join((getattr(found, "sitename", None) or "").split())[:200],
        published=_date(date),
        text=text,
    )


def _date(value: str) -> dt.date | None:
    try:
        return parse_date(value[:10]) if value else None
    except ValueError:
        return None


def fetch_article(url: str) -> PageArticle:
    """Fetch `url` and extract its article; FetchRefused says why not."""
    return extract(fetch(url.strip()))


def import_page(
    page: PageArticle,
    *,
    imported_by: Any = None,
    outlet: str = "",
    title: str = "",
    published: dt.date | None = None,
) -> Article:
    """Store an extracted page as an article and analyse it (in the background when a
    broker is configured). `outlet`, `title` and `published` fill what the page lacks."""
    services.check_body(page.text)
    return services.ingest_article(
        body=page.text,
        title=page.title or title or page.url,
        outlet=outlet or page.outlet,
        url=page.url,
        published=page.published or published,
        byline=page.byline,
        imported_by=imported_by,
        background=True,
    )
