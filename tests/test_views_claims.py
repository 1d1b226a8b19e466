"""The claims list (filters, search, pagination, export links) and the claim page."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from quotes import views
from quotes.models import Verdict
from tests.factories import ArticleFactory, ClaimFactory, EvidenceFactory, VerdictFactory

pytestmark = pytest.mark.django_db


def claim_links(response: object) -> list[str]:
    html = BeautifulSoup(response.content, "html.parser")  # type: ignore[attr-defined]
    return [a["href"] for a in html.select(".claim-rows li > a")]


def test_claims_filter_finds_published_false_verdicts(checker_client: Client) -> None:
    hit = VerdictFactory(false=True, published=True).claim
    EvidenceFactory(claim=hit)
    VerdictFactory(true=True)
    VerdictFactory(false=True)  # a draft
    response = checker_client.get(
        reverse("quotes:claims"), {"rating": "false", "status": "published", "stance": "disputes"}
    )
    assert response.status_code == 200
    assert claim_links(response) == [hit.get_absolute_url()]
    assert "1 claim" in response.content.decode()


def test_text_search_on_the_claims_page(checker_client: Client) -> None:
    body = "Unemployment rose sharply in May. Café prices fell."
    article = ArticleFactory(body=body)
    hit = ClaimFactory(article=article, start=0, end=33)
    ClaimFactory(article=article, start=34, end=len(body))
    response = checker_client.get(reverse("quotes:claims"), {"q": "unemployment"})
    assert claim_links(response) == [hit.get_absolute_url()]


def test_export_links_carry_the_filter(checker_client: Client) -> None:
    ClaimFactory()
    response = checker_client.get(reverse("quotes:claims"), {"kind": "quote", "q": "prix café"})
    html = BeautifulSoup(response.content, "html.parser")
    exports = [a["href"] for a in html.select("a") if "/reports/claims." in a["href"]]
    assert len(exports) == 5
    for href in exports:
        assert parse_qs(urlsplit(href).query) == {"kind": ["quote"], "q": ["prix café"]}
    # and the filter form shows the filter it applied
    assert html.find("select", attrs={"name": "kind"}).find("option", selected=True)["value"] == (
        "quote"
    )


def test_pages_keep_the_filter(checker_client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views, "CLAIMS_PER_PAGE", 2)
    article = ArticleFactory(body="Word " * 20)
    for i in range(5):
        ClaimFactory(article=article, start=i * 5, end=i * 5 + 4, kind="quote")
    ClaimFactory(article=article, start=50, end=54, kind="statement")
    response = checker_client.get(reverse("quotes:claims"), {"kind": "quote"})
    html = BeautifulSoup(response.content, "html.parser")
    assert "5 claims" in html.get_text()
    next_link = html.find("a", rel="next")["href"]
    query = parse_qs(urlsplit(next_link).query)
    assert query["kind"] == ["quote"] and set(query) == {"kind", "after"}
    response = checker_client.get(reverse("quotes:claims") + next_link)
    assert len(claim_links(response)) == 2
    # an old numbered link past the end shows the last page (the two oldest) instead of failing
    response = checker_client.get(reverse("quotes:claims"), {"kind": "quote", "page": "99"})
    assert response.status_code == 200 and len(claim_links(response)) == 2


@pytest.mark.parametrize(
    "query",
    [
        {"date_after": "nope"},
        {"rating": "no-such-rating"},
        {"speaker": "999999"},
        {"article": "x"},
        {"kind": "opinion"},
    ],
)
def test_a_bad_filter_is_a_400_with_the_error_shown(
    checker_client: Client, query: dict[str, str]
) -> None:
    ClaimFactory()
    response = checker_client.get(reverse("quotes:claims"), query)
    assert response.status_code == 400
    html = BeautifulSoup(response.content, "html.parser")
    assert html.select(".field.invalid .error")
    assert not html.select(".claim-rows")


def test_claim_page_shows_context_evidence_history_and_similar_claims(
    checker_client: Client, editor: object
) -> None:
    text = "Unemployment rose sharply in May across the northern region"
    first = ClaimFactory(article=ArticleFactory(body="Before. " + text + " After."), start=8)
    first.end = 8 + len(text)
    first.exact = text
    first.save()
    near = ClaimFactory(article=ArticleFactory(body=text + " again"), end=len(text))
    EvidenceFactory(claim=first, excerpt="Figures show a fall.")
    verdict = VerdictFactory(claim=first, status=Verdict.Status.IN_REVIEW)
    verdict.publish(by=editor)
    response = checker_client.get(first.get_absolute_url())
    assert response.status_code == 200
    html = BeautifulSoup(response.content, "html.parser")
    assert html.select_one(".context mark").get_text() == text
    assert "Before." in html.select_one(".context").get_text()
    assert "Figures show a fall." in html.select_one(".evidence").get_text()
    history = [row.get_text(" ", strip=True) for row in html.select("tbody tr")]
    assert len(history) == 2 and "Published" in history[0]
    assert [a["href"] for a in html.select(".similar a")] == [near.get_absolute_url()]
    assert html.find("a", string="Open in the workbench")


def test_claim_page_without_verdict_or_similar(checker_client: Client) -> None:
    claim = ClaimFactory()
    page = checker_client.get(claim.get_absolute_url()).content.decode()
    assert "No verdict yet." in page and "None found." in page


def test_article_select_offers_the_newest_and_speakers_are_typed(checker_client: Client) -> None:
    claims = [ClaimFactory() for _ in range(3)]
    chosen = claims[1]
    response = checker_client.get(reverse("quotes:claims"))
    html = BeautifulSoup(response.content, "html.parser")
    assert [
        o.get_text() for o in html.find("select", attrs={"name": "article"}).select("option")
    ] == ["Any"] + [c.article.title for c in reversed(claims)]
    # speakers are found by typing ("Said by", with autocomplete), not in a list of thousands
    assert html.find("select", attrs={"name": "speaker"}) is None
    assert html.find("input", attrs={"name": "said_by", "list": "speaker-names"}) is not None
    # the article's and the speaker's pages link to the list filtered by them
    for page, name, obj in (
        (chosen.article.get_absolute_url(), "article", chosen.article),
        (chosen.speaker.get_absolute_url(), "speaker", chosen.speaker),
    ):
        link = f"{reverse('quotes:claims')}?{name}={obj.pk}"
        assert link in checker_client.get(page).content.decode()
        html = BeautifulSoup(checker_client.get(link).content, "html.parser")
        options = html.find("select", attrs={"name": name}).select("option")
        assert [(o["value"], o.has_attr("selected")) for o in options][:2] == [
            ("", False),
            (str(obj.pk), True),
        ]
        assert claim_links_of(html) == [chosen.get_absolute_url()]


def claim_links_of(html: BeautifulSoup) -> list[str]:
    return [a["href"] for a in html.select(".claim-rows li > a")]
