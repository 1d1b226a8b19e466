"""The article workbench: highlights, the claim panel and every action in it.

Each action is tested as htmx (the panel answers in place) and as a plain POST (a redirect,
or the page again with the error next to the field and a 4xx status), and with bad input:
foreign ids, offsets out of range and stale versions change nothing.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from quotes import services
from quotes.models import Article, Claim, Speaker, Verdict
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    SpeakerFactory,
    VerdictFactory,
    rating,
)
from tests.workbench import counts

pytestmark = pytest.mark.django_db

# htmx names the element it swaps (the panel) and the page it is on
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "claim-panel"}


def from_workbench(claim: Claim) -> dict[str, str]:
    """The headers of a request made on the claim's workbench: htmx's current URL, and the
    Referer a plain form post carries."""
    url = f"http://testserver{claim.article.get_absolute_url()}?claim={claim.pk}"
    return {"HTTP_HX_CURRENT_URL": url, "HTTP_REFERER": url}


def from_claim_page(claim: Claim) -> dict[str, str]:
    url = f"http://testserver{claim.get_absolute_url()}"
    return {"HTTP_HX_CURRENT_URL": url, "HTTP_REFERER": url}


def soup(response: object) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")  # type: ignore[attr-defined]


# -- the page -------------------------------------------------------------------------


def test_workbench_highlights_every_claim_in_place(
    checker_client: Client, seed_article: Article
) -> None:
    response = checker_client.get(seed_article.get_absolute_url())
    assert response.status_code == 200
    html = soup(response)
    body = html.find(id="article-body")
    # the pieces rebuild the body exactly, each at its code-point offset (read with a regex:
    # BeautifulSoup drops white-space-only strings such as the pieces between paragraphs)
    pieces = [
        (int(offset), unescape(text))
        for offset, text in re.findall(
            r'<span class="seg[^"]*" data-offset="(\d+)"[^>]*>([^<]*)</span>',
            response.content.decode(),
        )
    ]
    assert "".join(text for _, text in pieces) == seed_article.body
    for offset, text in pieces:
        assert seed_article.body[offset : offset + len(text)] == text
    quotes = seed_article.claims.filter(kind="quote").select_related("speaker")
    assert len(html.select(".claim-item.quote")) == quotes.count()
    first = quotes.first()
    opening = body.find("span", attrs={"data-offset": str(first.start)}, class_="quote")
    assert opening["data-speaker"] == first.speaker.name
    assert opening["data-claim"] == str(first.pk)


def test_verdicts_colour_the_text_and_are_named(checker_client: Client) -> None:
    claim = ClaimFactory(kind="quote")
    VerdictFactory(claim=claim, false=True, published=True)
    response = checker_client.get(claim.article.get_absolute_url())
    segs = soup(response).select("#article-body .seg.rated")
    assert segs and all("rating-false" in s["class"] for s in segs)
    assert segs[-1]["data-verdict"] == "False"
    css = checker_client.get(reverse("quotes:ratings_css"))
    assert css["Content-Type"].startswith("text/css")
    assert ".rating-false { --verdict: #cf222e; }" in css.content.decode()


def test_unpublished_verdicts_say_their_status_in_the_text(checker_client: Client) -> None:
    claim = ClaimFactory()
    VerdictFactory(claim=claim, status=Verdict.Status.IN_REVIEW)
    response = checker_client.get(claim.article.get_absolute_url())
    assert soup(response).select("#article-body .seg.rated")[-1]["data-verdict"] == (
        "Mostly false (in review)"
    )


def test_html_in_the_article_is_escaped(checker_client: Client) -> None:
    article = services.ingest_article(
        body="<script>alert('x')</script> Jane Doe said, “<b>bold</b> claims are here.”",
        title="<i>Title</i>",
    )
    page = checker_client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert" not in page and "<b>bold" not in page and "<i>Title" not in page
    assert "&lt;script&gt;" in page


def test_a_claim_in_the_url_opens_its_panel(checker_client: Client) -> None:
    claim = ClaimFactory()
    response = checker_client.get(claim.article.get_absolute_url(), {"claim": claim.pk})
    html = soup(response)
    assert html.select_one("#panel .claim-panel")["data-claim"] == str(claim.pk)
    assert "current" in html.find(id=f"claim-{claim.pk}")["class"]
    # a claim of another article is not opened here
    other = ClaimFactory()
    response = checker_client.get(claim.article.get_absolute_url(), {"claim": other.pk})
    assert soup(response).select_one("#panel .claim-panel") is None


def test_the_panel_comes_alone_for_htmx(checker_client: Client) -> None:
    claim = ClaimFactory()
    response = checker_client.get(
        reverse("quotes:claim", args=[claim.pk]), **HTMX, **from_workbench(claim)
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<section class="claim-panel"')
    assert "<html" not in page
    # on the workbench the panel links to the claim page, on other pages to the workbench
    assert f'href="{claim.get_absolute_url()}"' in page


def test_unknown_articles_and_claims_are_404(checker_client: Client) -> None:
    assert checker_client.get(reverse("quotes:article", args=[999])).status_code == 404
    assert checker_client.get(reverse("quotes:claim", args=[999])).status_code == 404
    url = reverse("quotes:claim_speaker", args=[999])
    assert checker_client.post(url, {"version": 1}).status_code == 404


# -- speaker -----------------------------------------------------------------------------


def test_confirm_the_proposed_speaker_in_place(
    checker_client: Client, seed_article: Article
) -> None:
    claim = seed_article.claims.filter(kind="quote").select_related("speaker").first()
    response = checker_client.post(
        reverse("quotes:claim_speaker", args=[claim.pk]),
        {"version": claim.version, "speaker_name": claim.speaker.name},
        **HTMX,
        **from_workbench(claim),
    )
    assert response.status_code == 200
    html = soup(response)
    assert "Speaker confirmed" in html.select_one(".claim-panel .messages").get_text()
    # the list entry and the highlighted text come along out of band
    item = html.find(id=f"claim-{claim.pk}")
    assert item["hx-swap-oob"] == "true" and "confirmed" in item.get_text()
    assert html.find(id="article-body")["hx-swap-oob"] == "true"
    claim.refresh_from_db()
    assert claim.speaker_confirmed and claim.version == 2
    assert claim.attribution_method != "manual"  # confirming keeps how it was found


def test_a_plain_post_from_the_workbench_returns_to_it(
    checker_client: Client, seed_article: Article
) -> None:
    claim = seed_article.claims.filter(kind="quote").select_related("speaker").first()
    response = checker_client.post(
        reverse("quotes:claim_speaker", args=[claim.pk]),
        {"version": 1, "speaker_name": claim.speaker.name},
        **from_workbench(claim),
    )
    assert response.status_code == 302
    assert (
        response["Location"]
        == f"{seed_article.get_absolute_url()}?claim={claim.pk}#claim-{claim.pk}"
    )
    # and from the claim page, to the claim page
    response = checker_client.post(
        reverse("quotes:claim_speaker", args=[claim.pk]),
        {"version": 2, "speaker_name": claim.speaker.name},
        **from_claim_page(claim),
    )
    assert response["Location"] == claim.get_absolute_url()


def test_correct_a_speaker_by_an_alias(checker_client: Client) -> None:
    right = SpeakerFactory(name="National Council of Resistance of Iran")
    right.add_alias("NCRI")
    claim = ClaimFactory()
    response = checker_client.post(
        reverse("quotes:claim_speaker", args=[claim.pk]), {"version": 1, "speaker_name": "ncri"}
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.speaker == right and claim.speaker_confirmed
    assert claim.attribution_method == "manual"


def test_an_unknown_name_asks_to_create_or_alias(checker_client: Client) -> None:
    claim = ClaimFactory()
    url = reverse("quotes:claim_speaker", args=[claim.pk])
    before = counts()
    response = checker_client.post(url, {"version": 1, "speaker_name": "Nobody Known"}, **HTMX)
    assert response.status_code == 400
    field = soup(response).find(id="id_speaker_name").parent
    assert "Tick “create”" in field.get_text()
    assert counts() == before


def test_create_a_new_speaker_inline(checker_client: Client) -> None:
    claim = ClaimFactory()
    url = reverse("quotes:claim_speaker", args=[claim.pk])
    response = checker_client.post(
        url, {"version": 1, "speaker_name": "Zoë Núñez", "create": "on", "kind": "person"}
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.speaker.name == "Zoë Núñez" and claim.attribution_method == "manual"


def test_add_the_name_as_an_alias_inline(checker_client: Client) -> None:
    jane = SpeakerFactory(name="Jane Doe")
    claim = ClaimFactory()
    url = reverse("quotes:claim_speaker", args=[claim.pk])
    response = checker_client.post(
        url, {"version": 1, "speaker_name": "The Minister", "alias_of": "jane doe"}
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.speaker == jane
    assert list(jane.aliases.values_list("alias", flat=True)) == ["The Minister"]


def test_an_alias_of_nobody_is_refused(checker_client: Client) -> None:
    claim = ClaimFactory()
    before = counts()
    response = checker_client.post(
        reverse("quotes:claim_speaker", args=[claim.pk]),
        {"version": 1, "speaker_name": "The Minister", "alias_of": "Nobody Known"},
    )
    assert response.status_code == 400
    assert "No speaker is called “Nobody Known”" in response.content.decode()
    assert counts() == before


def test_creating_a_speaker_that_exists_under_another_spelling_uses_it(
    checker_client: Client,
) -> None:
    jane = SpeakerFactory(name="Jane Doe")
    claim = ClaimFactory()
    response = checker_client.post(
        reverse("quotes:claim_speaker", args=[claim.pk]),
        {"version": 1, "speaker_name": "JANE  DOE", "create": "on"},
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.speaker == jane and Speaker.objects.filter(name__iexact="jane doe").count() == 1


def test_an_empty_name_removes_the_speaker(checker_client: Client) -> None:
    claim = ClaimFactory()
    response = checker_client.post(
        reverse("quotes:claim_speaker", args=[claim.pk]), {"version": 1, "speaker_name": ""}
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.speaker is None and not claim.speaker_confirmed


def test_a_stale_speaker_edit_is_refused_and_loses_nothing(
    checker_client: Client, editor_client: Client
) -> None:
    claim = ClaimFactory()
    SpeakerFactory(name="Maryam Rajavi")
    SpeakerFactory(name="Hassan Nasrallah")
    url = reverse("quotes:claim_speaker", args=[claim.pk])
    assert (
        editor_client.post(url, {"version": 1, "speaker_name": "Maryam Rajavi"}).status_code == 302
    )
    response = checker_client.post(url, {"version": 1, "speaker_name": "Hassan Nasrallah"})
    assert response.status_code == 409
    assert "it is now version 2" in response.content.decode()
    assert "What you wrote, not saved: speaker “Hassan Nasrallah”" in soup(response).get_text()
    claim.refresh_from_db()
    assert claim.speaker.name == "Maryam Rajavi" and claim.version == 2
    # the same for htmx: the panel in place, showing the newer version
    response = checker_client.post(url, {"version": 1, "speaker_name": "Hassan Nasrallah"}, **HTMX)
    assert response.status_code == 409
    assert "version 2" in soup(response).select_one(".claim-panel").get_text()


@pytest.mark.parametrize("version", ["", "x", "0", "-1"])
def test_a_missing_or_bad_version_is_refused(checker_client: Client, version: str) -> None:
    claim = ClaimFactory()
    before = counts()
    response = checker_client.post(
        reverse("quotes:claim_speaker", args=[claim.pk]), {"version": version, "speaker_name": ""}
    )
    assert response.status_code == 400
    assert counts() == before
    claim.refresh_from_db()
    assert claim.speaker is not None


# -- kind, split, merge ----------------------------------------------------------------


def test_change_kind(checker_client: Client) -> None:
    claim = ClaimFactory(kind="statement")
    response = checker_client.post(
        reverse("quotes:claim_kind", args=[claim.pk]),
        {"version": 1, "kind": "quote"},
        **HTMX,
        **from_workbench(claim),
    )
    assert response.status_code == 200
    # the highlight in the text changes with it
    segs = soup(response).select("#article-body .seg.quote")
    assert segs and segs[0]["data-claim"] == str(claim.pk)
    claim.refresh_from_db()
    assert claim.kind == "quote" and claim.version == 2


@pytest.mark.parametrize(
    ("data", "status"),
    [({"version": 1, "kind": "opinion"}, 400), ({"version": 7, "kind": "quote"}, 409)],
)
def test_bad_kind_changes_change_nothing(
    checker_client: Client, data: dict[str, object], status: int
) -> None:
    claim = ClaimFactory(kind="statement")
    response = checker_client.post(reverse("quotes:claim_kind", args=[claim.pk]), data)
    assert response.status_code == status
    claim.refresh_from_db()
    assert claim.kind == "statement" and claim.version == 1


def test_kind_change_into_an_overlap_is_refused(checker_client: Client) -> None:
    article = ArticleFactory()
    ClaimFactory(article=article, kind="quote", start=0, end=20)
    claim = ClaimFactory(article=article, kind="statement", start=10, end=30)
    response = checker_client.post(
        reverse("quotes:claim_kind", args=[claim.pk]), {"version": 1, "kind": "quote"}
    )
    assert response.status_code == 400
    assert "overlaps" in response.content.decode()
    claim.refresh_from_db()
    assert claim.kind == "statement"


def test_split_then_merge(checker_client: Client) -> None:
    body = "Prices fell last year. Wages rose in May."
    article = ArticleFactory(body=body)
    claim = ClaimFactory(article=article, start=0, end=len(body))
    response = checker_client.post(
        reverse("quotes:claim_split", args=[claim.pk]), {"version": 1, "at": 22}, **HTMX
    )
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(article.get_absolute_url())
    first, second = article.claims.order_by("start")
    assert (first.exact, second.exact) == ("Prices fell last year.", "Wages rose in May.")
    response = checker_client.post(
        reverse("quotes:claim_merge", args=[first.pk]), {"version": first.version}
    )
    assert response.status_code == 302
    assert article.claims.get().exact == body


def test_split_counts_code_points(checker_client: Client) -> None:
    body = "Zoë 😀 said this. Then that."
    claim = ClaimFactory(article=ArticleFactory(body=body), start=0, end=len(body))
    at = body.index(" Then")  # code points: the emoji is one
    response = checker_client.post(
        reverse("quotes:claim_split", args=[claim.pk]), {"version": 1, "at": at}
    )
    assert response.status_code == 302
    assert [c.exact for c in Claim.objects.order_by("start")] == ["Zoë 😀 said this.", "Then that."]


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"version": 1, "at": 10_000}, 400),
        ({"version": 1, "at": 0}, 400),
        ({"version": 1, "at": -3}, 400),
        ({"version": 1, "at": "x"}, 400),
        ({"version": 1, "at": 40}, 400),  # the claim's end: nothing left for the second part
        ({"version": 2, "at": 10}, 409),
        ({"at": 10}, 400),
    ],
)
def test_bad_splits_change_nothing(
    checker_client: Client, data: dict[str, object], status: int
) -> None:
    claim = ClaimFactory()
    before = counts()
    response = checker_client.post(reverse("quotes:claim_split", args=[claim.pk]), data)
    assert response.status_code == status
    assert counts() == before
    assert Claim.objects.get().end == claim.end


def test_merge_without_a_next_claim_or_stale_is_refused(checker_client: Client) -> None:
    claim = ClaimFactory()
    url = reverse("quotes:claim_merge", args=[claim.pk])
    response = checker_client.post(url, {"version": 1})
    assert response.status_code == 400
    assert "This is the last statement in the article" in response.content.decode()
    ClaimFactory(article=claim.article, start=45, end=60)
    assert checker_client.post(url, {"version": 3}).status_code == 409
    assert checker_client.post(url, {}).status_code == 400
    assert Claim.objects.count() == 2


# -- new claims from a selection ---------------------------------------------------------


def test_create_claim_from_a_selection_with_emoji_and_accents(checker_client: Client) -> None:
    body = "Café owners 😀 said prices rose. Zoë disagreed strongly 👍🏽 today."
    article = ArticleFactory(body=body)
    start = body.index("Zoë")  # code points, as the page's JavaScript counts them
    end = body.index(" today")
    response = checker_client.post(
        reverse("quotes:article_claim_create", args=[article.pk]),
        {"version": 1, "start": start, "end": end, "kind": "statement"},
    )
    assert response.status_code == 302
    assert article.claims.get().exact == "Zoë disagreed strongly 👍🏽"


def test_create_claim_trims_white_space_and_answers_htmx_with_a_redirect(
    checker_client: Client,
) -> None:
    article = ArticleFactory(body="One.  Two three.  Four.")
    response = checker_client.post(
        reverse("quotes:article_claim_create", args=[article.pk]),
        {"version": 1, "start": 4, "end": 18, "kind": "quote"},
        **HTMX,
    )
    assert response.status_code == 204
    claim = article.claims.get()
    assert claim.exact == "Two three." and claim.kind == "quote"
    assert response["HX-Redirect"].endswith(f"?claim={claim.pk}")


@pytest.mark.parametrize(
    "data",
    [
        {"start": 5, "end": 2, "kind": "statement"},
        {"start": 0, "end": 10_000, "kind": "statement"},
        {"start": -1, "end": 3, "kind": "statement"},
        {"start": 0, "end": 3, "kind": "opinion"},
        {"start": "x", "end": 3, "kind": "statement"},
        {"start": 0, "kind": "statement"},
        {"start": 1, "end": 2, "kind": "statement"},  # a single space: empty once trimmed
    ],
)
def test_bad_selections_change_nothing(checker_client: Client, data: dict[str, object]) -> None:
    article = ArticleFactory(body="A b c d e f g h i j k l m n o p.")
    before = counts()
    url = reverse("quotes:article_claim_create", args=[article.pk])
    response = checker_client.post(url, {"version": 1, **data})
    assert response.status_code == 400
    assert soup(response).select(".messages li.error")
    assert counts() == before
    response = checker_client.post(url, {"version": 1, **data}, **HTMX)
    assert response.status_code == 400
    assert soup(response).select("li.error") and "<html" not in response.content.decode()
    assert counts() == before


def test_overlapping_claim_of_the_same_kind_is_refused(checker_client: Client) -> None:
    claim = ClaimFactory()
    response = checker_client.post(
        reverse("quotes:article_claim_create", args=[claim.article_id]),
        {"version": 1, "start": 1, "end": 10, "kind": claim.kind},
    )
    assert response.status_code == 400
    assert "overlaps" in response.content.decode()
    assert Claim.objects.count() == 1


# -- evidence ----------------------------------------------------------------------------


def test_attach_a_disputing_source(checker_client: Client) -> None:
    claim = ClaimFactory()
    url = reverse("quotes:claim_evidence", args=[claim.pk])
    data = {
        "version": 1,
        "url": "https://stats.example.org/cpi",
        "title": "CPI <b>2024</b>",
        "publisher": "Stats Office",
        "published": "2024-05-01",
        "stance": "disputes",
        "excerpt": "Prices rose 2%.",
    }
    response = checker_client.post(url, data, **HTMX)
    assert response.status_code == 200
    assert "Source attached (disputes)" in response.content.decode()
    evidence = claim.evidence.get()
    assert evidence.stance == "disputes" and evidence.source.publisher == "Stats Office"
    assert evidence.added_by.username == "checker"
    page = checker_client.get(claim.get_absolute_url()).content.decode()
    assert "CPI &lt;b&gt;2024&lt;/b&gt;" in page
    # the same source again reuses its row
    assert checker_client.post(url, {**data, "version": 2, "stance": "context"}).status_code == 302
    assert claim.evidence.count() == 2 and claim.evidence.values("source").distinct().count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": "data:text/html,hi"}, "url"),
        ({"url": "ftp://x.org/a"}, "url"),
        ({"url": ""}, "url"),
        ({"stance": "agrees"}, "stance"),
        ({"published": "yesterday"}, "published"),
    ],
)
def test_bad_sources_are_refused_next_to_the_field(
    checker_client: Client, change: dict[str, str], field: str
) -> None:
    claim = ClaimFactory()
    data = {"version": 1, "url": "https://example.org/r", "stance": "disputes", **change}
    before = counts()
    response = checker_client.post(reverse("quotes:claim_evidence", args=[claim.pk]), data, **HTMX)
    assert response.status_code == 400
    assert soup(response).find(id=f"id_{field}").find_parent(class_="invalid")
    assert counts() == before


# -- verdicts ----------------------------------------------------------------------------


def test_fact_checker_proposes_and_editor_publishes(
    checker_client: Client, editor_client: Client
) -> None:
    claim = ClaimFactory()
    verdict_url = reverse("quotes:claim_verdict", args=[claim.pk])
    data = {"version": 0, "rating": rating("false").pk, "rationale": "Figures show a rise."}
    response = checker_client.post(verdict_url, {**data, "status": "review"})
    assert response.status_code == 302
    verdict = Verdict.objects.get()
    assert verdict.status == "review" and verdict.reviewer.username == "checker"
    page = checker_client.get(claim.get_absolute_url()).content.decode()
    assert "Publish verdict" not in page
    publish_url = reverse("quotes:claim_publish", args=[claim.pk])
    response = checker_client.post(publish_url, {"action": "publish", "version": verdict.version})
    assert response.status_code == 403
    page = editor_client.get(claim.get_absolute_url()).content.decode()
    assert "Publish verdict" in page and "Send back to the fact-checker" in page
    response = editor_client.post(
        publish_url, {"action": "publish", "version": verdict.version}, **HTMX
    )
    assert response.status_code == 200
    assert "Verdict published" in response.content.decode()
    verdict.refresh_from_db()
    assert verdict.is_published and verdict.published_by.username == "editor"
    assert verdict.history.count() == 2


def test_a_published_verdict_cannot_be_edited_until_unpublished(
    checker_client: Client, editor_client: Client
) -> None:
    verdict = VerdictFactory(published=True)
    url = reverse("quotes:claim_verdict", args=[verdict.claim_id])
    data = {"version": verdict.version, "rating": rating("true").pk, "rationale": "New."}
    for client in (checker_client, editor_client):
        response = client.post(url, {**data, "status": "draft"})
        assert response.status_code == 400
        assert "must unpublish it" in response.content.decode()
    verdict.refresh_from_db()
    assert verdict.is_published and verdict.rating.slug == "mostly-false"
    response = editor_client.post(
        reverse("quotes:claim_publish", args=[verdict.claim_id]),
        {"action": "unpublish", "version": verdict.version, "note": "The rating was too mild."},
    )
    assert response.status_code == 302
    verdict.refresh_from_db()
    assert verdict.status == "review"
    assert verdict.correction_note == "The rating was too mild."
    response = checker_client.post(url, {**data, "version": verdict.version, "status": "review"})
    assert response.status_code == 302
    verdict.refresh_from_db()
    assert verdict.rating.slug == "true"


def test_editor_sends_a_verdict_back_to_the_fact_checker(editor_client: Client) -> None:
    verdict = VerdictFactory(status=Verdict.Status.IN_REVIEW)
    response = editor_client.post(
        reverse("quotes:claim_publish", args=[verdict.claim_id]),
        {"action": "send_back", "version": verdict.version, "note": "Cite the 2023 figures."},
    )
    assert response.status_code == 302
    verdict.refresh_from_db()
    assert verdict.status == "draft" and verdict.version == 2
    assert verdict.review_note == "Cite the 2023 figures."
    assert verdict.history.first().history_change_reason == "Sent back: Cite the 2023 figures."


@pytest.mark.parametrize(
    ("status", "data", "expected"),
    [
        ("published", {"action": "publish"}, 400),  # already published
        ("draft", {"action": "send_back"}, 400),  # only a verdict in review goes back
        ("draft", {"action": "unpublish"}, 400),
        ("review", {"action": "delete"}, 400),
        ("review", {"action": "publish", "version": 5}, 409),
        ("review", {"action": "publish", "version": "x"}, 400),
    ],
)
def test_bad_editor_actions_change_nothing(
    editor_client: Client, status: str, data: dict[str, object], expected: int
) -> None:
    verdict = VerdictFactory(status=status)
    response = editor_client.post(
        reverse("quotes:claim_publish", args=[verdict.claim_id]), {"version": 1, **data}
    )
    assert response.status_code == expected
    verdict.refresh_from_db()
    assert verdict.status == status and verdict.version == 1


def test_publishing_a_claim_without_a_verdict_is_400(editor_client: Client) -> None:
    claim = ClaimFactory()
    response = editor_client.post(
        reverse("quotes:claim_publish", args=[claim.pk]), {"action": "publish", "version": 1}
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"rating": 99999}, 400),  # a rating that does not exist
        ({"rating": "x"}, 400),
        ({"rationale": ""}, 400),
        ({"status": "published"}, 400),  # publishing is an editor's action, not a form value
        ({"version": 3}, 409),  # the form thinks a verdict exists
    ],
)
def test_bad_verdicts_change_nothing(
    checker_client: Client, change: dict[str, object], status: int
) -> None:
    claim = ClaimFactory()
    data = {
        "version": 0,
        "rating": rating("false").pk,
        "rationale": "Because.",
        "status": "draft",
        **change,
    }
    response = checker_client.post(reverse("quotes:claim_verdict", args=[claim.pk]), data, **HTMX)
    assert response.status_code == status
    assert not Verdict.objects.exists()


def test_a_second_new_verdict_for_the_same_claim_is_stale(
    checker_client: Client, editor_client: Client
) -> None:
    claim = ClaimFactory()
    url = reverse("quotes:claim_verdict", args=[claim.pk])
    data = {"version": 0, "rating": rating("false").pk, "rationale": "One.", "status": "draft"}
    assert editor_client.post(url, data).status_code == 302
    response = checker_client.post(url, {**data, "rationale": "Two."})
    assert response.status_code == 409
    assert Verdict.objects.get().rationale == "One."


def test_a_stale_verdict_edit_is_refused(checker_client: Client, editor_client: Client) -> None:
    verdict = VerdictFactory()
    url = reverse("quotes:claim_verdict", args=[verdict.claim_id])
    data = {"version": 1, "rating": rating("false").pk, "status": "draft"}
    assert editor_client.post(url, {**data, "rationale": "Editor's."}).status_code == 302
    response = checker_client.post(url, {**data, "rationale": "Checker's."})
    assert response.status_code == 409
    text = soup(response).get_text()
    assert "it is now version 2" in text
    # the newer version is shown, and what the second reviewer typed is given back
    assert "Editor's." in text and "What you wrote, not saved: False, “Checker's.”" in text
    verdict.refresh_from_db()
    assert verdict.rationale == "Editor's."


def test_the_claim_url_varies_on_htmx(checker_client: Client) -> None:
    claim = ClaimFactory()
    response = checker_client.get(claim.get_absolute_url())
    assert "HX-Request" in response["Vary"]


def test_a_plain_post_error_from_the_workbench_shows_it_again(checker_client: Client) -> None:
    claim = ClaimFactory()
    response = checker_client.post(
        reverse("quotes:claim_evidence", args=[claim.pk]),
        {"version": 1, "url": "javascript:alert(1)", "stance": "disputes"},
        **from_workbench(claim),
    )
    assert response.status_code == 400
    html = soup(response)
    # the whole workbench, with this claim's panel open and the error by the field
    assert html.find(id="article-body") is not None
    assert html.select_one("#panel .claim-panel")["data-claim"] == str(claim.pk)
    assert html.find(id="id_url").find_parent(class_="invalid")
    assert not claim.evidence.exists()


def test_publishing_on_the_claim_page_refreshes_its_history(editor_client: Client) -> None:
    verdict = VerdictFactory(status=Verdict.Status.IN_REVIEW)
    page = soup(editor_client.get(verdict.claim.get_absolute_url()))
    form = page.select_one(".editor-actions form")
    assert not form.find("input", attrs={"name": "claim_page"})  # htmx says where it is
    response = editor_client.post(
        reverse("quotes:claim_publish", args=[verdict.claim_id]),
        {"action": "publish", "version": 1},
        **HTMX,
        **from_claim_page(verdict.claim),
    )
    assert response.status_code == 200
    html = soup(response)
    assert html.select_one(".claim-panel")
    history = html.find(id="verdict-history")
    assert history["hx-swap-oob"] == "true"
    assert len(history.select("tbody tr")) == 2 and "Published" in history.get_text()
