"""The whole review flow in Debian's Chromium, driven by Playwright.

Set SCREENSHOTS=/some/dir to keep a full-page screenshot of every page at 1280 and 390 px.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from quotes import services
from quotes.models import Article, Claim, Evidence, Verdict
from tests import factories

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SEED = Path(__file__).resolve().parents[2] / "quotes" / "demo" / "seed_article.txt"
WIDTHS = (1280, 390)

pytestmark = [
    pytest.mark.e2e,
    # transactional tests empty the tables; serialized_rollback brings back the groups and
    # ratings that the data migration created
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM),
        reason=f"Debian's Chromium ({CHROMIUM}) is missing: apt-get install chromium",
    ),
]


def watch_console(page: Any) -> list[str]:
    """Collect console errors (CSP violations among them) and uncaught exceptions."""
    errors: list[str] = []
    page.on(
        "console",
        lambda m: (
            errors.append(f"{m.text} @ {m.location.get('url')}") if m.type == "error" else None
        ),
    )
    page.on(
        "requestfailed",
        lambda r: errors.append(f"failed: {r.url}") if "favicon" not in r.url else None,
    )
    page.on(
        "response", lambda r: errors.append(f"{r.status}: {r.url}") if r.status >= 400 else None
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def unexpected(errors: list[str]) -> list[str]:
    """Errors other than the 400/403 answers the tests provoke on purpose."""
    return [e for e in errors if not any(f"{code}" in e for code in (400, 403))]


def shot(page: Any, name: str, *, full_page: bool = True) -> None:
    folder = os.environ.get("SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900 if width > 800 else 844})
            page.screenshot(
                path=f"{folder}/{name}-{width}.png", full_page=full_page, caret="initial"
            )
        page.set_viewport_size({"width": 1280, "height": 900})


def log_in(browser: Any, base: str, username: str) -> tuple[Any, list[str]]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = watch_console(page)
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-for-tests-only")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page, errors


def select_text(page: Any, text: str) -> None:
    """Select `text` in the article the way a mouse would, across highlight boundaries."""
    page.evaluate(
        """(text) => {
          const body = document.getElementById('article-body');
          const at = body.textContent.indexOf(text);
          if (at === -1) throw new Error('text not found: ' + text);
          // find the text nodes and UTF-16 offsets of both ends
          const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
          let node, seen = 0, start = null, end = null;
          while ((node = walker.nextNode())) {
            const len = node.data.length;
            if (start === null && at < seen + len) start = [node, at - seen];
            if (end === null && at + text.length <= seen + len) { end = [node, at + text.length - seen]; break; }
            seen += len;
          }
          const range = document.createRange();
          range.setStart(...start);
          range.setEnd(...end);
          const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
          body.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
        }""",
        text,
    )


def open_claim(page: Any, claim_id: int) -> None:
    page.locator(f"#claim-{claim_id} a").click()
    page.wait_for_selector(f'#panel .claim-panel[data-claim="{claim_id}"]')


def test_review_flow_from_import_to_published_verdict(live_server: Any, browser: Any) -> None:
    factories.fact_checker(username="checker")
    factories.editor(username="editor")
    base = live_server.url
    page, errors = log_in(browser, base, "checker")

    # import the seed with a preview first
    page.click("text=Import an article")
    page.fill("#id_title", "Soleimani anniversary")
    page.fill("#id_text", SEED.read_text(encoding="utf-8"))
    page.click("button[name=preview]")
    page.wait_for_selector("text=Proposed claims")
    shot(page, "import-preview")
    page.click("button[name=save]")
    page.wait_for_selector("#article-body")
    article = Article.objects.get()
    # what the page shows is the stored body, character for character
    assert page.locator("#article-body").text_content() == article.body
    quote_ids = [
        int(i)
        for i in page.locator(".claim-item.quote").evaluate_all(
            "els => els.map(e => e.dataset.claim)"
        )
    ]
    assert quote_ids == list(
        article.claims.filter(kind="quote").order_by("start").values_list("pk", flat=True)
    )

    # j walks to the first claim; confirm the first quote's proposed speaker with c
    page.keyboard.press("j")
    page.wait_for_selector("#panel .claim-panel")
    open_claim(page, quote_ids[0])
    page.locator("#panel h2").click()
    page.keyboard.press("c")
    page.wait_for_selector("#panel >> text=Speaker confirmed")
    assert Claim.objects.get(pk=quote_ids[0]).speaker_confirmed
    # the side list was updated in place
    assert "✓ confirmed" in page.locator(f"#claim-{quote_ids[0]}").inner_text()

    # correct a wrong speaker: the Nasrallah quote goes to Maryam Rajavi, typed with autocomplete
    nasrallah = Claim.objects.get(pk__in=quote_ids, speaker__name="Hassan Nasrallah")
    open_claim(page, nasrallah.pk)
    page.fill("#panel input[name=speaker_name]", "Maryam Raj")
    page.wait_for_selector('#speaker-names option[value="Maryam Rajavi"]', state="attached")
    page.fill("#panel input[name=speaker_name]", "Maryam Rajavi")
    page.click("#panel .speaker-form button[type=submit]")
    page.wait_for_selector("#panel >> text=Speaker confirmed: Maryam Rajavi")
    assert Claim.objects.get(pk=nasrallah.pk).speaker.name == "Maryam Rajavi"
    opening = page.locator(f'#article-body .seg.quote[data-claim="{nasrallah.pk}"]').first
    assert opening.get_attribute("data-speaker") == "Maryam Rajavi"

    # an unknown name gets an error next to the field, and nothing changes
    page.fill("#panel input[name=speaker_name]", "Nobody Known")
    page.click("#panel .speaker-form button[type=submit]")
    page.wait_for_selector("#panel .field.invalid >> text=Tick “create”")
    page.wait_for_selector("#panel input[name=speaker_name]:focus")  # the focus goes to the error
    shot(page, "panel-error", full_page=False)
    assert Claim.objects.get(pk=nasrallah.pk).speaker.name == "Maryam Rajavi"

    # create a claim by selecting text in the article
    select_text(page, "Thailand, New Delhi")
    assert page.input_value("#new-start") == str(article.body.index("Thailand, New Delhi"))
    page.select_option("#create-claim select[name=kind]", "quote")
    page.click("#create-claim button[type=submit]")
    page.wait_for_selector("#panel >> text=New claim: “Thailand, New Delhi”")
    created = Claim.objects.get(exact="Thailand, New Delhi")
    assert created.kind == "quote"
    assert page.locator(f"#claim-{created.pk}.current").count() == 1

    # attach a disputing source and propose a verdict on the first quote
    open_claim(page, quote_ids[0])
    page.locator("#panel h2").click()
    page.keyboard.press("s")
    page.fill("#panel input[name=url]", "https://example.org/report")
    page.fill("#panel input[name=title]", "An independent report")
    page.select_option("#panel select[name=stance]", "disputes")
    page.fill("#panel textarea[name=excerpt]", "The report finds otherwise.")
    page.click("#panel .add-source button[type=submit]")
    page.wait_for_selector("#panel >> text=Source attached")
    assert Evidence.objects.get().stance == "disputes"
    page.locator("#panel h2").click()
    page.keyboard.press("v")
    assert page.evaluate("document.activeElement.name") == "rating"
    page.select_option("#panel select[name=rating]", label="Mostly false")
    page.fill("#panel textarea[name=rationale]", "The report contradicts the figures.")
    page.select_option("#panel select[name=status]", "review")
    page.click("#panel .verdict-form button[type=submit]")
    page.wait_for_selector("#panel >> text=Verdict sent for review")
    assert Verdict.objects.get().status == "review"
    assert page.locator("#panel >> text=Publish verdict").count() == 0
    # the verdict is named in the text and in the list
    assert "Mostly false (in review)" in (
        page.locator(f'#article-body [data-claim="{quote_ids[0]}"][data-verdict]').get_attribute(
            "data-verdict"
        )
    )
    assert "Mostly false" in page.locator(f"#claim-{quote_ids[0]}").inner_text()
    shot(page, "panel-verdict", full_page=False)

    # a fact-checker's publish attempt by hand is refused with a message
    page.evaluate(
        """(id) => htmx.ajax('POST', '/claims/' + id + '/publish',
                             {target: '#panel', values: {action: 'publish', version: 1}})""",
        quote_ids[0],
    )
    page.wait_for_selector("#messages >> text=editors only")
    assert Verdict.objects.get().status == "review"

    # the editor publishes
    editor, editor_errors = log_in(browser, base, "editor")
    editor.goto(f"{base}/claims/{quote_ids[0]}/")
    editor.click("text=Publish verdict…")
    editor.click("button:has-text('Publish “Mostly false”')")
    editor.wait_for_selector("text=Verdict published (Mostly false)")
    assert editor.locator("#verdict-history tbody tr").count() == 2  # refreshed in place
    shot(editor, "claim-published")
    assert Verdict.objects.get().is_published

    # and it can be found through the claims filter
    page.goto(f"{base}/claims/")
    page.select_option("#id_rating", label="Mostly false")
    page.select_option("#id_status", "published")
    page.click("text=More filters")
    page.select_option("#id_stance", "disputes")
    page.click(".filters button[type=submit]")
    page.wait_for_url("**/claims/?*rating=mostly-false*")
    assert page.locator(".claim-rows li").count() == 1
    assert "Soleimani was killed" in page.locator(".claim-rows li").inner_text()
    page.click(".claim-rows li a")
    page.wait_for_selector("text=Verdict history")
    assert page.locator("tbody tr").count() == 2
    assert unexpected(errors + editor_errors) == [], "\n".join(errors + editor_errors)


def test_selections_count_code_points_with_emoji_and_accents(
    live_server: Any, browser: Any
) -> None:
    factories.fact_checker(username="checker")
    body = (
        "Zoë Núñez 👩🏽‍🔬 said, “Café prices fell 😀 by 3% in 2024.”\n\n"
        "The ministry 🇫🇷 disagreed: wages rose faster than prices in Zürich."
    )
    article = services.ingest_article(body=body, title="Émojis")
    page, errors = log_in(browser, live_server.url, "checker")
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    assert page.locator("#article-body").text_content() == body

    for text, kind in (("wages rose faster", "quote"), ("by 3% in 2024", "statement")):
        select_text(page, text)
        assert page.input_value("#new-start") == str(body.index(text))
        assert page.input_value("#new-end") == str(body.index(text) + len(text))
        page.select_option("#create-claim select[name=kind]", kind)
        page.click("#create-claim button[type=submit]")
        page.wait_for_selector(f"#panel >> text=New claim: “{text}”")
        assert Claim.objects.filter(article=article, exact=text, kind=kind).exists()

    # a click inside the open claim sets the split point, counted in code points
    claim = Claim.objects.get(exact="wages rose faster")
    open_claim(page, claim.pk)
    page.evaluate(
        """(id) => {
          const seg = document.querySelector('#article-body .seg[data-claim="' + id + '"]');
          const text = seg.firstChild;
          const at = text.data.indexOf(' faster');
          const range = document.createRange();
          range.setStart(text, at); range.collapse(true);
          const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
          seg.dispatchEvent(new MouseEvent('click', {bubbles: true}));
        }""",
        claim.pk,
    )
    assert page.input_value("#split-at") == str(len("wages rose"))
    page.click("#panel button:has-text('Split')")
    page.wait_for_selector("text=Claim split in two")
    assert set(Claim.objects.filter(article=article).values_list("exact", flat=True)) >= {
        "wages rose",
        "faster",
    }
    assert unexpected(errors) == [], "\n".join(errors)


def test_every_page_reads_at_both_widths(live_server: Any, browser: Any) -> None:
    checker = factories.fact_checker(username="checker")
    factories.editor(username="editor")
    article = services.ingest_article(
        body=SEED.read_text(encoding="utf-8"),
        title="Soleimani anniversary",
        outlet="irannewsupdate",
        imported_by=checker,
    )
    quote = article.claims.filter(kind="quote").select_related("speaker").first()
    factories.EvidenceFactory(claim=quote)
    factories.VerdictFactory(claim=quote, false=True, reviewer=checker)
    base = live_server.url
    page, errors = log_in(browser, base, "editor")
    pages = {
        "dashboard": "/",
        "import": "/import/",
        "workbench": f"{article.get_absolute_url()}?claim={quote.pk}",
        "claims": "/claims/?kind=quote",
        "claim": quote.get_absolute_url(),
        "speakers": "/speakers/",
        "speaker": quote.speaker.get_absolute_url(),
    }
    for name, path in pages.items():
        page.goto(base + path)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name} scrolls sideways at {width} px"
        shot(page, name)
    # what a reviewer sees of the workbench without scrolling, then after a click on a quote
    page.goto(base + pages["workbench"])
    shot(page, "workbench-viewport", full_page=False)
    page.set_viewport_size({"width": 390, "height": 844})
    other = article.claims.exclude(pk=quote.pk).order_by("start").first()
    page.locator(f'#article-body .seg[data-claim="{other.pk}"]').first.click()
    page.wait_for_selector(f'#panel .claim-panel[data-claim="{other.pk}"]')
    page.wait_for_timeout(300)
    # on a phone the panel is a sheet over the bottom of the text
    top = page.evaluate("document.getElementById('panel').getBoundingClientRect().top")
    assert 844 * 0.4 < top < 844
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(
            path=f"{os.environ['SCREENSHOTS']}/workbench-tapped-390.png", caret="initial"
        )
    page.set_viewport_size({"width": 1280, "height": 900})
    # an import with errors, and the shortcuts dialog
    page.goto(base + "/import/")
    page.fill("#id_title", "Nothing to import")
    page.fill("#id_url", "javascript:alert(1)")
    page.click("button[name=save]")
    page.wait_for_selector(".field.invalid")
    shot(page, "import-errors")
    page.goto(base + pages["workbench"])
    page.keyboard.press("?")
    assert page.locator("#shortcuts").is_visible()
    shot(page, "shortcuts")
    page.keyboard.press("Escape")
    assert not page.locator("#shortcuts").is_visible()
    login = browser.new_page(viewport={"width": 1280, "height": 900})
    errors += watch_console(login)
    login.goto(base + "/accounts/login/")
    shot(login, "login")
    # the empty import form's submit gives 400 responses, which the console reports
    assert unexpected(errors) == [], "\n".join(errors)
