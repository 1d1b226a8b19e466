"""The workbench pages and actions: what a fact-checker and an editor do all day."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quotes import services
from quotes.models import Article, Claim, Evidence, Source, Speaker, Verdict
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EvidenceFactory,
    SpeakerFactory,
    VerdictFactory,
    rating,
)

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[1] / "quotes" / "demo" / "seed_article.txt"


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Article, Claim, Speaker, Source, Evidence, Verdict))


@pytest.fixture
def seed_article(fact_checker: object) -> Article:
    return services.ingest_article(body=SEED.read_text(encoding="utf-8"), title="Seed")


# -- import ------------------------------------------------------------------------


def test_import_preview_then_save(checker_client: Client) -> None:
    data = {"title": "Seed", "text": SEED.read_text(encoding="utf-8"), "preview": "1"}
    response = checker_client.post(reverse("quotes:import"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Proposed claims" in page and "Hassan Nasrallah" in page
    assert Article.objects.count() == 0
    data.pop("preview")
    response = checker_client.post(reverse("quotes:import"), {**data, "save": "1"})
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == article.get_absolute_url()
    assert article.outlet == "irannewsupdate"
    assert article.claims.filter(kind="quote").count() == 7


def test_import_an_html_upload_keeps_the_article_text(checker_client: Client) -> None:
    html = (
        "<html><head><script>alert(1)</script></head><body><nav>Menu</nav><article>"
        "<h1>Budget</h1><p>Jane Doe said, “The budget is balanced this year.”</p>"
        "</article></body></html>"
    )
    upload = SimpleUploadedFile("page.html", html.encode(), content_type="text/html")
    response = checker_client.post(
        reverse("quotes:import"), {"title": "Budget", "file": upload, "save": "1"}
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert "alert" not in article.body and "Menu" not in article.body
    assert article.claims.get(kind="quote").speaker.name == "Jane Doe"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"text": "   \n  "}, "Paste the article text"),
        ({"text": "a\x00b"}, "Null characters are not allowed"),
        ({"file": ("x.txt", b"\xff\xfe\xfa not utf-8")}, "not valid UTF-8"),
        ({"file": ("x.exe", b"MZ\x00\x00")}, "Upload a .txt"),
        ({"file": ("x.bin.txt", b"\x00\x01\x02")}, "NUL bytes"),
        ({"text": "x", "url": "javascript:alert(1)"}, "Enter a valid URL"),
    ],
)
def test_import_rejects_bad_input_and_writes_nothing(
    checker_client: Client, fields: dict[str, object], message: str
) -> None:
    data: dict[str, object] = {"title": "Bad", "save": "1"}
    for key, value in fields.items():
        data[key] = SimpleUploadedFile(*value) if key == "file" else value  # type: ignore[misc]
    before = counts()
    response = checker_client.post(reverse("quotes:import"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert counts() == before


def test_import_rejects_text_over_the_limit(checker_client: Client, settings: object) -> None:
    settings.MAX_ARTICLE_CHARS = 1000  # type: ignore[attr-defined]
    response = checker_client.post(
        reverse("quotes:import"), {"title": "Long", "text": "word " * 400, "save": "1"}
    )
    assert response.status_code == 400
    assert "limit is 1,000 characters" in response.content.decode()
    assert Article.objects.count() == 0


# -- workbench -----------------------------------------------------------------------


def test_workbench_highlights_claims_in_place(
    checker_client: Client, seed_article: Article
) -> None:
    response = checker_client.get(seed_article.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('class="claim-item quote') == 7
    quote = seed_article.claims.filter(kind="quote").first()
    assert f'data-claim="{quote.pk}"' in page
    # the segments rebuild the body exactly
    assert "Source » irannewsupdate" in page


def test_html_in_the_article_is_escaped(checker_client: Client) -> None:
    article = services.ingest_article(
        body="<script>alert('x')</script> Jane Doe said, “<b>bold</b> claims are here.”",
        title="<i>Title</i>",
    )
    page = checker_client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert" not in page and "<b>bold" not in page and "<i>Title" not in page
    assert "&lt;script&gt;" in page


def make_articles(n: int) -> Article:
    article = ArticleFactory(body="Word " * 400)
    claims = [
        Claim(article=article, start=i * 5, end=i * 5 + 4, exact="Word", position=i, kind="quote")
        for i in range(n)
    ]
    Claim.objects.bulk_create(claims)
    for claim in Claim.objects.filter(article=article)[: n // 2]:
        VerdictFactory(claim=claim)
        EvidenceFactory(claim=claim)
    return article


@pytest.mark.parametrize(
    "page",
    ["dashboard", "claims", "article", "speaker", "speakers", "claim", "claims_search"],
)
def test_page_queries_do_not_grow_with_rows(checker_client: Client, page: str) -> None:
    def measure() -> int:
        article = Article.objects.order_by("-pk").first()
        claim = article.claims.first()
        speaker = SpeakerFactory()
        Claim.objects.filter(article=article).update(speaker=speaker)
        url = {
            "dashboard": reverse("quotes:dashboard"),
            "claims": reverse("quotes:claims"),
            "claims_search": reverse("quotes:claims") + "?q=Word&kind=quote&has_evidence=true",
            "article": article.get_absolute_url(),
            "speaker": speaker.get_absolute_url(),
            "speakers": reverse("quotes:speakers"),
            "claim": claim.get_absolute_url(),
        }[page]
        with CaptureQueriesContext(connection) as queries:
            assert checker_client.get(url).status_code == 200
        return len(queries)

    make_articles(5)
    small = measure()
    for _ in range(3):
        make_articles(40)
    assert measure() == small


# -- claim actions ---------------------------------------------------------------------


def test_confirm_the_proposed_speaker(checker_client: Client, seed_article: Article) -> None:
    claim = seed_article.claims.filter(kind="quote").select_related("speaker").first()
    response = checker_client.post(
        reverse("quotes:claim_speaker", args=[claim.pk]),
        {"version": claim.version, "speaker_name": claim.speaker.name},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Speaker confirmed" in response.content.decode()
    claim.refresh_from_db()
    assert claim.speaker_confirmed and claim.version == 2


def test_correct_a_speaker_through_an_alias_or_a_new_speaker(
    checker_client: Client, seed_article: Article
) -> None:
    claim = seed_article.claims.filter(kind="quote").first()
    url = reverse("quotes:claim_speaker", args=[claim.pk])
    response = checker_client.post(url, {"version": 1, "speaker_name": "NCRI"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.speaker.name == "National Council of Resistance of Iran"
    assert claim.attribution_method in ("before-quote", "manual")
    response = checker_client.post(url, {"version": 2, "speaker_name": "Nobody Known"})
    assert response.status_code == 400
    assert "Tick “create”" in response.content.decode()
    response = checker_client.post(
        url, {"version": 2, "speaker_name": "Nobody Known", "create": "on", "kind": "person"}
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.speaker.name == "Nobody Known" and claim.attribution_method == "manual"


def test_a_stale_speaker_edit_is_refused_and_loses_nothing(
    checker_client: Client, editor_client: Client, seed_article: Article
) -> None:
    claim = seed_article.claims.filter(kind="quote").first()
    url = reverse("quotes:claim_speaker", args=[claim.pk])
    assert (
        editor_client.post(url, {"version": 1, "speaker_name": "Maryam Rajavi"}).status_code == 302
    )
    response = checker_client.post(url, {"version": 1, "speaker_name": "Hassan Nasrallah"})
    assert response.status_code == 409
    assert "version 2" in response.content.decode()
    claim.refresh_from_db()
    assert claim.speaker.name == "Maryam Rajavi"


def test_create_claim_from_a_selection_with_emoji_and_accents(checker_client: Client) -> None:
    body = "Café owners 😀 said prices rose. Zoë disagreed strongly."
    article = ArticleFactory(body=body)
    start = body.index("Zoë")
    response = checker_client.post(
        reverse("quotes:article_claim_create", args=[article.pk]),
        {"start": start, "end": len(body), "kind": "statement"},
    )
    assert response.status_code == 302
    assert article.claims.get().exact == "Zoë disagreed strongly."


@pytest.mark.parametrize(
    "data",
    [
        {"start": 5, "end": 2, "kind": "statement"},
        {"start": 0, "end": 10_000, "kind": "statement"},
        {"start": -1, "end": 3, "kind": "statement"},
        {"start": 0, "end": 3, "kind": "opinion"},
        {"start": "x", "end": 3, "kind": "statement"},
    ],
)
def test_bad_selections_change_nothing(checker_client: Client, data: dict[str, object]) -> None:
    article = ArticleFactory()
    before = counts()
    response = checker_client.post(
        reverse("quotes:article_claim_create", args=[article.pk]), data, follow=True
    )
    assert response.status_code == 200
    assert counts() == before
    assert 'class="error"' in response.content.decode()


def test_overlapping_claim_of_the_same_kind_is_refused(checker_client: Client) -> None:
    claim = ClaimFactory()
    response = checker_client.post(
        reverse("quotes:article_claim_create", args=[claim.article_id]),
        {"start": 1, "end": 10, "kind": claim.kind},
        follow=True,
    )
    assert "overlaps" in response.content.decode()
    assert Claim.objects.count() == 1


def test_split_and_merge(checker_client: Client, seed_article: Article) -> None:
    claim = seed_article.claims.filter(kind="quote").first()
    n = seed_article.claims.count()
    cut = claim.exact.index(" Soleimani’s death")
    response = checker_client.post(reverse("quotes:claim_split", args=[claim.pk]), {"at": cut})
    assert response.status_code == 302
    assert seed_article.claims.count() == n + 1
    claim.refresh_from_db()
    assert claim.exact.endswith("Iranian regime.")
    response = checker_client.post(reverse("quotes:claim_merge", args=[claim.pk]))
    assert response.status_code == 302
    claim.refresh_from_db()
    assert seed_article.claims.count() == n
    assert claim.exact.endswith("warmongering machine.")
    bad = checker_client.post(reverse("quotes:claim_split", args=[claim.pk]), {"at": 10_000})
    assert bad.status_code == 400


def test_attach_a_disputing_source(checker_client: Client) -> None:
    claim = ClaimFactory()
    url = reverse("quotes:claim_evidence", args=[claim.pk])
    data = {
        "url": "https://stats.example.org/cpi",
        "title": "CPI <b>2024</b>",
        "publisher": "Stats Office",
        "stance": "disputes",
        "excerpt": "Prices rose 2%.",
    }
    assert checker_client.post(url, data).status_code == 302
    evidence = claim.evidence.get()
    assert evidence.stance == "disputes" and evidence.source.publisher == "Stats Office"
    page = checker_client.get(claim.get_absolute_url()).content.decode()
    assert "CPI &lt;b&gt;2024&lt;/b&gt;" in page
    for bad_url in ("javascript:alert(1)", "data:text/html,hi", "ftp://x.org/a"):
        before = counts()
        response = checker_client.post(url, {**data, "url": bad_url})
        assert response.status_code == 400
        assert counts() == before


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
    publish_url = reverse("quotes:claim_publish", args=[claim.pk])
    response = checker_client.post(publish_url, {"action": "publish", "version": verdict.version})
    assert response.status_code == 403
    response = editor_client.post(publish_url, {"action": "publish", "version": verdict.version})
    assert response.status_code == 302
    verdict.refresh_from_db()
    assert verdict.is_published and verdict.published_by.username == "editor"
    assert verdict.history.count() == 2
    # a stale verdict form is refused
    response = checker_client.post(verdict_url, {**data, "version": 1, "status": "draft"})
    assert response.status_code in (403, 409)
    verdict.refresh_from_db()
    assert verdict.is_published


def test_claims_filter_finds_published_false_verdicts(checker_client: Client) -> None:
    hit = VerdictFactory(false=True, published=True).claim
    VerdictFactory(true=True)
    response = checker_client.get(
        reverse("quotes:claims"), {"rating": "false", "status": "published"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert hit.get_absolute_url() in page
    assert "1 claim" in page
    assert checker_client.get(reverse("quotes:claims"), {"date_after": "nope"}).status_code == 400


def test_speaker_page_is_a_scorecard(checker_client: Client) -> None:
    speaker = SpeakerFactory(name="Jane Doe")
    speaker.add_alias("J. Doe")
    VerdictFactory(claim=ClaimFactory(speaker=speaker), false=True)
    VerdictFactory(claim=ClaimFactory(speaker=speaker), false=True)
    page = checker_client.get(speaker.get_absolute_url()).content.decode()
    assert "J. Doe" in page and "False" in page
    results = checker_client.get(reverse("quotes:speaker_search"), {"q": "doe"}).json()["results"]
    assert {"value": "Jane Doe", "label": "Jane Doe"} in results


def test_similar_claims_across_articles(checker_client: Client) -> None:
    text = "Unemployment rose sharply in May across the northern region"
    first = ClaimFactory(article=ArticleFactory(body=text), end=len(text))
    ClaimFactory(article=ArticleFactory(body=text + " again"), end=len(text))
    page = checker_client.get(first.get_absolute_url()).content.decode()
    assert "Similar claims" in page and page.count(text[:40]) >= 2


def test_login_page_renders(client: Client) -> None:
    response = client.get(reverse("login"))
    assert response.status_code == 200 and b"Log in" in response.content
