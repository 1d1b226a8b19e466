"""The whole review flow in Debian's Chromium, driven by Playwright.

Set SCREENSHOTS=/some/dir to keep a screenshot of every page at 1280 and 390 px.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from quotes.models import Claim, Evidence, Verdict
from tests import factories

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SEED = Path(__file__).resolve().parents[2] / "quotes" / "demo" / "seed_article.txt"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM),
        reason="Debian's Chromium (/usr/bin/chromium) is missing: apt-get install chromium",
    ),
]


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    # Playwright's sync API runs an event loop; the live server's ORM calls are safe here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--headless"])
        yield browser
        browser.close()


def shot(page: Any, name: str) -> None:
    folder = os.environ.get("SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=False)
        page.set_viewport_size({"width": 1280, "height": 900})


def log_in(browser: Any, base: str, username: str) -> Any:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/accounts/login/")
    shot(page, "login")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-for-tests-only")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def test_review_flow_from_import_to_published_verdict(live_server: Any, browser: Any) -> None:
    factories.fact_checker(username="checker")
    factories.editor(username="editor")
    base = live_server.url
    page = log_in(browser, base, "checker")

    # import the seed with a preview first
    page.click("text=Import an article")
    page.fill("#id_title", "Soleimani anniversary")
    page.fill("#id_text", SEED.read_text(encoding="utf-8"))
    page.click("button[name=preview]")
    page.wait_for_selector("text=Proposed claims")
    shot(page, "import-preview")
    page.click("button[name=save]")
    page.wait_for_selector("#article-body")
    assert page.locator(".claim-item.quote").count() == 7
    shot(page, "workbench")

    # j selects the first claim; confirm the first quote's proposed speaker with c
    first_quote = page.locator(".claim-item.quote").first
    first_quote.locator("a").click()
    page.wait_for_selector("#panel .claim-panel")
    page.keyboard.press("Escape")
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("c")
    page.wait_for_selector("#panel >> text=Speaker confirmed")
    shot(page, "panel-confirmed")
    quote_ids = [
        int(i)
        for i in page.locator(".claim-item.quote").evaluate_all(
            "els => els.map(e => e.dataset.claim)"
        )
    ]
    assert Claim.objects.get(pk=quote_ids[0]).speaker_confirmed

    # correct a wrong speaker: the Nasrallah quote to Maryam Rajavi, then back via autocomplete
    page.locator(f"#claim-{quote_ids[3]} a").click()
    page.wait_for_selector(f'#panel .claim-panel[data-claim="{quote_ids[3]}"]')
    page.fill("#panel input[name=speaker_name]", "Maryam Rajavi")
    page.click("#panel .speaker-form button[type=submit]")
    page.wait_for_selector("#panel >> text=Speaker confirmed: Maryam Rajavi")
    assert Claim.objects.get(pk=quote_ids[3]).speaker.name == "Maryam Rajavi"

    # create a claim by selecting text in the article (code points, not UTF-16 units)
    page.evaluate(
        """() => {
          const body = document.getElementById('article-body');
          const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
          let node;
          while ((node = walker.nextNode())) {
            const at = node.data.indexOf('Thailand, New Delhi');
            if (at !== -1) {
              const range = document.createRange();
              range.setStart(node, at);
              range.setEnd(node, at + 'Thailand, New Delhi'.length);
              const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
              body.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
              return;
            }
          }
          throw new Error('text not found');
        }"""
    )
    page.select_option("#create-claim select[name=kind]", "quote")
    page.click("#create-claim button[type=submit]")
    page.wait_for_selector("text=New claim")
    created = Claim.objects.get(exact="Thailand, New Delhi")
    assert created.kind == "quote"

    # attach a disputing source and propose a verdict on the first quote
    page.locator(f"#claim-{quote_ids[0]} a").click()
    page.wait_for_selector(f'#panel .claim-panel[data-claim="{quote_ids[0]}"]')
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("s")
    page.fill("#panel input[name=url]", "https://example.org/report")
    page.fill("#panel input[name=title]", "An independent report")
    page.select_option("#panel select[name=stance]", "disputes")
    page.fill("#panel textarea[name=excerpt]", "The report finds otherwise.")
    page.click("#panel .add-source button[type=submit]")
    page.wait_for_selector("#panel >> text=Source attached")
    assert Evidence.objects.get().stance == "disputes"
    page.select_option("#panel select[name=rating]", label="Mostly false")
    page.fill("#panel textarea[name=rationale]", "The report contradicts the figures.")
    page.select_option("#panel select[name=status]", "review")
    page.click("#panel .verdict-form button[type=submit]")
    page.wait_for_selector("#panel >> text=Verdict saved")
    assert Verdict.objects.get().status == "review"
    assert page.locator("#panel >> text=Publish verdict").count() == 0
    shot(page, "panel-verdict")

    # the editor publishes
    editor = log_in(browser, base, "editor")
    editor.goto(f"{base}/claims/{quote_ids[0]}/")
    editor.click("text=Publish verdict")
    editor.wait_for_selector("text=Verdict published")
    assert Verdict.objects.get().is_published
    shot(editor, "claim-page")

    # and it can be found through the claims filter
    page.goto(f"{base}/claims/?rating=mostly-false&status=published&stance=disputes")
    shot(page, "claims-filter")
    assert page.locator(".claim-rows li").count() == 1
    assert "Soleimani was killed" in page.locator(".claim-rows li").inner_text()
    page.goto(f"{base}/speakers/")
    shot(page, "speakers")
    page.click("text=National Council of Resistance of Iran")
    page.wait_for_selector("text=Verdict record")
    shot(page, "speaker")
    page.goto(f"{base}/")
    shot(page, "dashboard")
