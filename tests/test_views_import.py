"""The dashboard and the import page: paste or upload, preview, save; bad input never 500s."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from quotes.models import Article
from tests.factories import ArticleFactory, ClaimFactory, EvidenceFactory, VerdictFactory
from tests.workbench import SEED, counts

pytestmark = pytest.mark.django_db


def test_dashboard_lists_articles_newest_first_with_progress(checker_client: Client) -> None:
    old = ArticleFactory(title="Older article")
    new = ArticleFactory(title="Newer article")
    claim = ClaimFactory(article=new, kind="quote", speaker_confirmed=True)
    EvidenceFactory(claim=claim)
    VerdictFactory(claim=claim, published=True)
    ClaimFactory(article=new, start=41, end=60, speaker=None)
    response = checker_client.get(reverse("quotes:dashboard"))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("Newer article") < page.index("Older article")
    row = page[page.index("Newer article") : page.index("Older article")]
    cells = [
        row.split(f'data-label="{label}">')[1].split("<")[0]
        for label in (
            "Claims",
            "Quotes",
            "Attributed",
            "Confirmed",
            "With evidence",
            "Verdicts",
            "Published",
        )
    ]
    assert cells == ["2", "1", "1", "1", "1", "1", "1"]
    assert reverse("quotes:import") in page
    assert old.get_absolute_url() in page


def test_dashboard_without_articles_points_to_import(checker_client: Client) -> None:
    page = checker_client.get(reverse("quotes:dashboard")).content.decode()
    assert "No articles yet" in page and reverse("quotes:import") in page


def test_import_preview_saves_nothing_then_import_saves(checker_client: Client) -> None:
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
    assert article.claims.filter(kind="quote").exists()
    assert article.imported_by.username == "checker"


def test_pasted_crlf_line_breaks_are_stored_as_lf(checker_client: Client) -> None:
    # browsers send a textarea's line breaks as CRLF; the page shows LF, and selections
    # are counted on the page, so the stored body must use LF too
    text = "First paragraph here.\r\n\r\nJane Doe said, “Second paragraph.”\r\n"
    response = checker_client.post(
        reverse("quotes:import"), {"title": "CRLF", "text": text, "save": "1"}
    )
    assert response.status_code == 302
    assert Article.objects.get().body == text.replace("\r\n", "\n")


def test_an_uploaded_file_is_carried_from_preview_to_import(checker_client: Client) -> None:
    upload = SimpleUploadedFile("seed.txt", SEED.read_bytes(), content_type="text/plain")
    response = checker_client.post(
        reverse("quotes:import"), {"title": "Seed", "file": upload, "preview": "1"}
    )
    assert response.status_code == 200
    # the preview puts the file's text into the text box, so "Import" needs no re-upload
    assert "Soleimani" in response.context["form"]["text"].value()
    assert Article.objects.count() == 0


def test_import_an_html_upload_keeps_the_article_text(checker_client: Client) -> None:
    html = (
        "<html><head><title>T</title><script>alert(1)</script><style>p{}</style></head>"
        "<body><nav>Menu</nav><article><h1>Budget</h1>"
        "<p>Jane Doe said, “The budget is balanced this year.”</p></article>"
        "<footer>Copyright</footer></body></html>"
    )
    upload = SimpleUploadedFile("page.html", html.encode(), content_type="text/html")
    response = checker_client.post(
        reverse("quotes:import"), {"title": "Budget", "file": upload, "save": "1"}
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.body == "Budget\n\nJane Doe said, “The budget is balanced this year.”"
    assert article.claims.get(kind="quote").speaker.name == "Jane Doe"


def test_a_markdown_upload_is_imported_as_text(checker_client: Client) -> None:
    upload = SimpleUploadedFile("a.md", "# Title\n\nJane Doe said, “Hi there.”".encode())
    response = checker_client.post(
        reverse("quotes:import"), {"title": "MD", "file": upload, "save": "1"}
    )
    assert response.status_code == 302
    assert Article.objects.get().body.startswith("# Title")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"text": "   \n  "}, "text", "Paste the article text"),
        ({"text": "a\x00b"}, None, "Null characters are not allowed"),
        ({"file": ("x.txt", b"\xff\xfe\xfa not utf-8")}, "file", "not valid UTF-8"),
        ({"file": ("x.exe", b"MZ\x00\x00")}, "file", "Upload a .txt"),
        ({"file": ("x.bin.txt", b"\x00\x01\x02")}, "file", "NUL bytes"),
        ({"file": ("empty.html", b"<script>x()</script>")}, "file", "empty"),
        ({"text": "x", "url": "javascript:alert(1)"}, "url", "Enter a valid URL"),
        ({"text": "x", "published": "31/31/2020"}, "published", "Enter a valid date"),
        ({"text": "x", "title": ""}, "title", "This field is required"),
        ({"text": "x", "file": ("a.txt", b"y")}, None, "not both"),
    ],
)
def test_import_rejects_bad_input_next_to_the_field_and_writes_nothing(
    checker_client: Client, fields: dict[str, object], field: str | None, message: str
) -> None:
    data: dict[str, object] = {"title": "Bad", "save": "1"}
    for key, value in fields.items():
        data[key] = SimpleUploadedFile(*value) if key == "file" else value  # type: ignore[misc]
    before = counts()
    response = checker_client.post(reverse("quotes:import"), data)
    assert response.status_code == 400
    form = response.context["form"]
    errors = form.errors.get(field, []) if field else [e for v in form.errors.values() for e in v]
    assert any(message in e for e in errors), form.errors
    assert counts() == before


def test_import_rejects_text_over_the_limit(checker_client: Client, settings: object) -> None:
    settings.MAX_ARTICLE_CHARS = 1000  # type: ignore[attr-defined]
    response = checker_client.post(
        reverse("quotes:import"), {"title": "Long", "text": "word " * 400, "save": "1"}
    )
    assert response.status_code == 400
    assert "limit is 1,000 characters" in response.content.decode()
    assert Article.objects.count() == 0


def test_login_page_is_styled_and_works(client: Client, fact_checker: object) -> None:
    response = client.get(reverse("login"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "css/app.css" in page and 'for="id_username"' in page
    response = client.post(
        reverse("login"), {"username": "checker", "password": "pw-for-tests-only"}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    response = client.post(reverse("login"), {"username": "checker", "password": "wrong"})
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()


def test_a_long_preview_lists_the_first_claims_and_counts_the_rest(checker_client: Client) -> None:
    from quotes.views import PREVIEW_CLAIMS

    sentence = "The council voted on the budget for the coming year. "
    text = sentence * (PREVIEW_CLAIMS + 25)
    response = checker_client.post(
        reverse("quotes:import"), {"title": "Long", "text": text, "preview": "1"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert f"Proposed claims ({PREVIEW_CLAIMS + 25})" in page
    assert page.count('<li class="statement">') == PREVIEW_CLAIMS
    assert "and 25 more claims" in page
    assert Article.objects.count() == 0


def test_a_preview_reads_the_opening_of_a_very_long_article(checker_client: Client) -> None:
    from quotes.views import PREVIEW_CHARS

    paragraph = "The council voted on the budget for the coming year.\n\n"
    text = paragraph * (PREVIEW_CHARS // len(paragraph) + 50)
    response = checker_client.post(
        reverse("quotes:import"), {"title": "Long", "text": text, "preview": "1"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The preview reads the first" in page
    shown = int(page.split("Proposed claims (")[1].split(")")[0])
    assert shown <= PREVIEW_CHARS // len(paragraph) < text.count("council")
    assert Article.objects.count() == 0


def test_a_very_long_import_is_analysed_by_a_worker(
    checker_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a broker the import answers at once: the article is stored and queued."""
    from quotes import tasks
    from quotes.views import PREVIEW_CHARS

    queued: list[tuple[str, tuple[object, ...]]] = []
    monkeypatch.setattr(tasks, "send", lambda task, *args: queued.append((task.name, args)))
    paragraph = "The council voted on the budget for the coming year.\n\n"
    text = paragraph * (PREVIEW_CHARS // len(paragraph) + 50)
    response = checker_client.post(
        reverse("quotes:import"), {"title": "Long", "text": text, "save": "1"}, follow=True
    )
    article = Article.objects.get()
    assert response.status_code == 200
    assert article.awaiting_analysis and article.claims.count() == 0
    assert queued == [(tasks.analyse_article.name, (article.pk,))]
    assert "being found in the background" in response.content.decode()


def test_without_a_broker_a_very_long_import_is_analysed_before_the_answer(
    checker_client: Client,
) -> None:
    from quotes.views import PREVIEW_CHARS

    paragraph = "The council voted on the budget for the coming year.\n\n"
    text = paragraph * (PREVIEW_CHARS // len(paragraph) + 50)
    response = checker_client.post(
        reverse("quotes:import"), {"title": "Long", "text": text, "save": "1"}, follow=True
    )
    article = Article.objects.get()
    assert not article.awaiting_analysis
    assert article.claims.count() == text.count("council")
    assert f"with {article.claims.count()} claims" in response.content.decode()
