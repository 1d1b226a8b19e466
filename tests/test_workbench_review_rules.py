"""The workbench's rules for reviewers: which merges are allowed (and why not), the merge
preview, undoing the last reshape, no preselected rating, the publish confirmation, the
send-back note and what the panel says about the article's words."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from quotes.models import Article, Claim, Verdict
from quotes.text.excerpt import excerpt
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EvidenceFactory,
    SpeakerFactory,
    VerdictFactory,
)
from tests.workbench import counts

pytestmark = pytest.mark.django_db

# htmx names the element it swaps (the panel) and the page it is on
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "claim-panel"}


def on_workbench(article: Article) -> dict[str, str]:
    return {"HTTP_HX_CURRENT_URL": f"http://testserver{article.get_absolute_url()}"}


def soup(response: object) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")  # type: ignore[attr-defined]


def claim_of(article: Article, text: str, kind: str = "quote", **fields: object) -> Claim:
    start = article.body.index(text)
    return ClaimFactory(article=article, start=start, end=start + len(text), kind=kind, **fields)


def merge(client: Client, claim: Claim) -> object:
    return client.post(
        reverse("quotes:claim_merge", args=[claim.pk]), {"version": claim.version}, **HTMX
    )


def panel(client: Client, claim: Claim) -> BeautifulSoup:
    url = reverse("quotes:claim", args=[claim.pk])
    return soup(client.get(url, **HTMX, **on_workbench(claim.article)))


# -- merges a reviewer would make, and the ones refused with a reason --------------------


def test_quotes_with_narrative_between_are_not_merged(checker_client: Client) -> None:
    article = ArticleFactory(
        body="The NCRI said, “The regime is weak.”\n\nIn the run-up, Nasrallah praised him "
        "for providing ‘logistical support’ for them."
    )
    ncri, nasrallah = SpeakerFactory(name="NCRI"), SpeakerFactory(name="Hassan Nasrallah")
    first = claim_of(article, "The regime is weak.", speaker=ncri)
    second = claim_of(article, "logistical support", speaker=nasrallah)
    before = counts()
    response = merge(checker_client, first)
    assert response.status_code == 400
    text = soup(response).select_one(".claim-panel .messages").get_text()
    assert "Cannot merge with the next quote" in text and "Other words stand between" in text
    assert counts() == before
    assert Claim.objects.get(pk=second.pk).speaker == nasrallah
    # the panel says so before anyone tries, and offers no merge button
    html = panel(checker_client, first)
    assert "Other words stand between" in html.select_one(".merge-refusal").get_text()
    assert not html.select(f'form[action="{reverse("quotes:claim_merge", args=[first.pk])}"]')


def test_adjacent_quotes_of_different_speakers_are_not_merged(checker_client: Client) -> None:
    article = ArticleFactory(body="“We will win.” “You will not,” they said.")
    first = claim_of(article, "We will win.", speaker=SpeakerFactory(name="A One"))
    claim_of(article, "You will not,", speaker=SpeakerFactory(name="B Two"))
    response = merge(checker_client, first)
    assert response.status_code == 400
    assert "credited to B Two" in response.content.decode()
    assert Claim.objects.count() == 2


def test_a_quote_continued_into_the_next_paragraph_merges_with_a_preview(
    checker_client: Client,
) -> None:
    article = ArticleFactory(
        body="She said: “The first part runs on\n\n“and ends here,” the minister added."
    )
    speaker = SpeakerFactory(name="Jo Roe")
    first = claim_of(article, "The first part runs on", speaker=speaker)
    second = claim_of(article, "and ends here,", speaker=speaker)
    EvidenceFactory(claim=second)
    html = panel(checker_client, first)
    assert html.select_one(".merge-preview").get_text() == (
        "The first part runs on\n\n“and ends here,"
    )
    response = merge(checker_client, first)
    assert response.status_code == 204  # the claim page's panel: the workbench reloads
    merged = Claim.objects.get()
    assert merged.exact == "The first part runs on\n\n“and ends here,"
    assert merged.evidence.count() == 1


@pytest.mark.parametrize(
    ("body", "first", "second", "kind", "reason"),
    [
        ("“It is over.”\n\n“It is not,” he said.", "It is over.", "It is not,", "quote", "closes"),
        ("Prices fell.\n\nWages rose.", "Prices fell.", "Wages rose.", "statement", "paragraphs"),
    ],
)
def test_claims_in_separate_paragraphs_are_not_merged(
    checker_client: Client, body: str, first: str, second: str, kind: str, reason: str
) -> None:
    article = ArticleFactory(body=body)
    speaker = SpeakerFactory()
    claim = claim_of(article, first, kind, speaker=speaker)
    claim_of(article, second, kind, speaker=speaker)
    response = merge(checker_client, claim)
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert Claim.objects.count() == 2


def test_statements_of_one_paragraph_merge(checker_client: Client) -> None:
    article = ArticleFactory(body="Prices fell. Wages rose.\n\nNext.")
    first = claim_of(article, "Prices fell.", "statement")
    claim_of(article, "Wages rose.", "statement")
    response = checker_client.post(
        reverse("quotes:claim_merge", args=[first.pk]), {"version": 1, "workbench": "1"}
    )
    assert response.status_code == 302
    assert Claim.objects.get().exact == "Prices fell. Wages rose."


def test_the_next_claim_with_a_verdict_is_not_merged(checker_client: Client) -> None:
    article = ArticleFactory(body="Prices fell. Wages rose.")
    first = claim_of(article, "Prices fell.", "statement")
    VerdictFactory(claim=claim_of(article, "Wages rose.", "statement"))
    assert "has a verdict" in merge(checker_client, first).content.decode()
    assert Claim.objects.count() == 2


# -- undo of the last reshape -----------------------------------------------------------


def workbench_post(client: Client, name: str, pk: int, data: dict[str, object]) -> object:
    article = Claim.objects.get(pk=pk).article
    return client.post(reverse(f"quotes:{name}", args=[pk]), data, **HTMX, **on_workbench(article))


def undo(client: Client, article: Article) -> object:
    return client.post(
        reverse("quotes:reshape_undo", args=[article.pk]), **HTMX, **on_workbench(article)
    )


def test_a_split_answers_in_place_and_is_undone_from_its_message(checker_client: Client) -> None:
    article = ArticleFactory(body="Prices fell by 3% and wages rose by 5% last year.")
    claim = claim_of(article, article.body, "statement")
    response = workbench_post(
        checker_client, "claim_split", claim.pk, {"version": 1, "at": len("Prices fell by 3%")}
    )
    assert response.status_code == 200
    # the panel, the text and the whole list come back in place: no reload, no lost place
    assert response["HX-Retarget"] == "#panel-content"
    html = soup(response)
    assert html.find(id="article-body")["hx-swap-oob"] == "true"
    assert len(html.find(id="wb-list").select(".claim-item")) == 2
    message = html.select_one(".claim-panel .messages li")
    assert "Claim split in two" in message.get_text()
    assert message.select_one("form.undo")["action"] == reverse(
        "quotes:reshape_undo", args=[article.pk]
    )
    assert Claim.objects.count() == 2

    response = undo(checker_client, article)
    assert response.status_code == 200
    restored = Claim.objects.get()
    assert restored.pk == claim.pk and restored.exact == article.body
    assert restored.version > claim.version  # an old form of either part is stale now
    assert "Undone: the split" in soup(response).select_one(".messages").get_text()
    # once only
    assert undo(checker_client, article).status_code == 409


def test_a_merge_is_undone_with_the_deleted_claim_and_its_evidence(
    checker_client: Client,
) -> None:
    article = ArticleFactory(body="Prices fell. Wages rose.")
    first = claim_of(article, "Prices fell.", "statement")
    second = claim_of(article, "Wages rose.", "statement", speaker=SpeakerFactory(name="Al Bo"))
    evidence = EvidenceFactory(claim=second)
    assert (
        workbench_post(checker_client, "claim_merge", first.pk, {"version": 1}).status_code == 200
    )
    assert Claim.objects.count() == 1
    assert undo(checker_client, article).status_code == 200
    assert list(Claim.objects.order_by("start").values_list("exact", flat=True)) == [
        "Prices fell.",
        "Wages rose.",
    ]
    back = Claim.objects.get(pk=second.pk)
    assert back.speaker.name == "Al Bo"
    evidence.refresh_from_db()
    assert evidence.claim_id == second.pk


def test_a_created_claim_is_undone(checker_client: Client) -> None:
    article = ArticleFactory(body="Prices fell. Wages rose.")
    response = checker_client.post(
        reverse("quotes:article_claim_create", args=[article.pk]),
        {"version": 1, "start": 0, "end": 12, "kind": "statement"},
        **HTMX,
        **on_workbench(article),
    )
    assert response.status_code == 200
    assert "form" in str(soup(response).select_one(".messages li.success"))
    assert Claim.objects.count() == 1
    checker_client.post(reverse("quotes:reshape_undo", args=[article.pk]))
    assert Claim.objects.count() == 0


def test_undo_is_refused_once_the_claims_changed(checker_client: Client) -> None:
    article = ArticleFactory(body="Prices fell by 3% and wages rose by 5% last year.")
    claim = claim_of(article, article.body, "statement")
    workbench_post(checker_client, "claim_split", claim.pk, {"version": 1, "at": 17})
    first = Claim.objects.get(pk=claim.pk)
    workbench_post(
        checker_client, "claim_kind", first.pk, {"version": first.version, "kind": "quote"}
    )
    before = counts()
    response = undo(checker_client, article)
    assert response.status_code == 409
    assert "changed since" in response.content.decode()
    assert counts() == before
    assert Claim.objects.get(pk=claim.pk).kind == "quote"


def test_undo_of_another_article_is_refused(checker_client: Client) -> None:
    article = ArticleFactory(body="Prices fell by 3% and wages rose by 5% last year.")
    claim = claim_of(article, article.body, "statement")
    workbench_post(checker_client, "claim_split", claim.pk, {"version": 1, "at": 17})
    other = ArticleFactory()
    response = undo(checker_client, other)
    assert response.status_code == 409
    assert "nothing to undo" in response.content.decode()
    assert Claim.objects.filter(article=article).count() == 2


# -- verdicts: no default rating, publish confirmation, send-back note -------------------


def test_a_new_verdict_has_no_rating_until_the_reviewer_picks_one(checker_client: Client) -> None:
    claim = ClaimFactory()
    select = panel(checker_client, claim).select_one(".verdict-form select[name=rating]")
    chosen = select.select("option[selected]")
    assert [o.get_text() for o in chosen] == ["Choose a rating…"]
    response = checker_client.post(
        reverse("quotes:claim_verdict", args=[claim.pk]),
        {"version": 0, "rationale": "Reasons.", "status": "draft", "workbench": "1"},
        **HTMX,
    )
    assert response.status_code == 400
    assert "Choose a rating." in soup(response).select_one(".field.invalid").get_text()
    assert not Verdict.objects.exists()


def test_publishing_names_the_rating_and_the_claim_before_it_happens(
    editor_client: Client,
) -> None:
    claim = ClaimFactory(
        article=ArticleFactory(body="Prices fell by 3% last year, the minister said today.")
    )
    VerdictFactory(claim=claim, false=True, status=Verdict.Status.IN_REVIEW)
    confirm = panel(editor_client, claim).select_one("details.confirm-publish")
    assert confirm.select_one("summary").get_text() == "Publish verdict…"
    text = " ".join(confirm.get_text().split())
    assert f"Publish False as the verdict on “{excerpt(claim.exact, 160)}”?" in text
    assert confirm.select_one("button[value=publish]").get_text() == "Publish “False”"


def test_sending_back_needs_a_note_which_the_fact_checker_sees(
    editor_client: Client, checker_client: Client
) -> None:
    verdict = VerdictFactory(status=Verdict.Status.IN_REVIEW)
    url = reverse("quotes:claim_publish", args=[verdict.claim_id])
    response = editor_client.post(
        url, {"action": "send_back", "version": 1, "note": "  ", "workbench": "1"}, **HTMX
    )
    assert response.status_code == 400
    field = soup(response).select_one("details.send-back[open] .field.invalid")
    assert "Say what the fact-checker should change." in field.get_text()
    verdict.refresh_from_db()
    assert verdict.status == Verdict.Status.IN_REVIEW and verdict.version == 1

    response = editor_client.post(
        url, {"action": "send_back", "version": 1, "note": "Cite the 2023 figures."}
    )
    assert response.status_code == 302
    note = panel(checker_client, verdict.claim).select_one(".note")
    assert "Sent back by the editor: Cite the 2023 figures." in " ".join(note.get_text().split())


# -- what the panel says is true ----------------------------------------------------------


def test_the_article_says_only_what_the_article_says(checker_client: Client) -> None:
    article = ArticleFactory(
        body="The National Council of Resistance of Iran said, “The regime is weak.”"
    )
    speaker = SpeakerFactory(name="National Council of Resistance of Iran")
    claim = claim_of(
        article,
        "The regime is weak.",
        speaker=speaker,
        speaker_text="National Council of Resistance of Iran (NCRI)",  # an alias it never uses
    )
    says = panel(checker_client, claim).find(string=lambda s: "The article says" in s)
    assert says.strip() == "The article says: “National Council of Resistance of Iran”"
    # once a reviewer corrects the speaker, the proposal's words describe someone else
    other = SpeakerFactory(name="Maryam Rajavi")
    response = checker_client.post(
        reverse("quotes:claim_speaker", args=[claim.pk]),
        {"version": 1, "speaker_name": other.name, "workbench": "1"},
        **HTMX,
    )
    assert response.status_code == 200
    assert "The article says" not in response.content.decode()


def test_the_article_says_what_it_says_near_the_quote(checker_client: Client) -> None:
    body = (
        "The National Council of Resistance of Iran (NCRI) said, “The regime is weak.”\n\n"
        + "Other news of the day. " * 40
        + "\n\nThe NCRI said, “The regime will fall.”"
    )
    article = ArticleFactory(body=body)
    speaker = SpeakerFactory(name="National Council of Resistance of Iran")
    full = "National Council of Resistance of Iran (NCRI)"
    first = claim_of(article, "The regime is weak.", speaker=speaker, speaker_text=full)
    later = claim_of(article, "The regime will fall.", speaker=speaker, speaker_text=full)
    assert "The article says: “National Council" in panel(checker_client, first).get_text()
    # two paragraphs on, the article says "The NCRI": it does not repeat the full name there
    assert "The article says" not in panel(checker_client, later).get_text()


def test_excerpts_end_on_a_word_not_a_stop() -> None:
    text = "Prices fell by 3%. Wages rose by 5% in the same year, the office said."
    assert excerpt(text, 20) == "Prices fell by 3%…"
    assert not excerpt(text, 19).endswith(".…")
    assert str(ClaimFactory.build(exact="A. " * 40)).endswith("A…")
