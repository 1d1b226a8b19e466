"""A day at the workbench in Chromium: errors stay in place (also under DEBUG with
django-htmx's debug script), the selected claim is scrolled into view and focused, reshapes
keep the reader's place and are undone from their message, the new-claim form appears only
with a selection, the phone's panel is a bottom sheet, and axe-core finds no serious or
critical accessibility problem on any page."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.test import override_settings

from quotes import services
from quotes.models import Article, Claim, Verdict
from tests import factories
from tests.e2e.test_workbench import (
    CHROMIUM,
    SEED,
    log_in,
    select_text,
    shot,
    unexpected,
    watch_console,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM),
        reason=f"Debian's Chromium ({CHROMIUM}) is missing: apt-get install chromium",
    ),
]


def seed(checker: Any = None) -> Article:
    return services.ingest_article(
        body=SEED.read_text(encoding="utf-8"), title="Soleimani anniversary", imported_by=checker
    )


def in_text_view(page: Any, claim_id: int) -> bool:
    """Whether the claim's first piece of text is inside the article's visible area."""
    return page.evaluate(
        """(id) => {
          const seg = document.querySelector('#article-body .seg[data-claim="' + id + '"]');
          const area = document.getElementById('article-scroll').getBoundingClientRect();
          const r = seg.getBoundingClientRect();
          return r.top >= area.top && r.bottom <= area.bottom;
        }""",
        claim_id,
    )


def test_errors_stay_in_place_with_what_was_typed_under_debug(
    live_server: Any, browser: Any
) -> None:
    factories.fact_checker(username="checker")
    article = seed()
    last = article.claims.filter(kind="quote").order_by("-start").first()
    first = article.claims.filter(kind="quote").order_by("start").first()
    with override_settings(DEBUG=True):
        page, errors = log_in(browser, live_server.url, "checker")
        page.goto(f"{live_server.url}{article.get_absolute_url()}?claim={first.pk}")
        # django-htmx's debug script is on the page, as under `make run`
        assert page.locator("script[src*='django-htmx.js']").count() == 1

        # a selection overlapping another statement: refused next to the form, offsets kept
        select_text(page, "Soleimani was the notorious commander")
        start = page.input_value("#new-start")
        page.click("#create-claim button[type=submit]")
        page.wait_for_selector("#create-claim-messages >> text=overlaps an existing claim")
        assert page.locator("#article-body").count() == 1  # the page is still the workbench
        assert page.input_value("#new-start") == start
        assert page.locator("#create-claim").is_visible()
        shot(page, "error-create-claim", full_page=False)

        # an unknown speaker: the error next to the field, the typed name still in it
        page.fill("#panel input[name=speaker_name]", "Nobody Known Here")
        page.click("#panel .speaker-form button[type=submit]")
        page.wait_for_selector("#panel .field.invalid >> text=Tick “create”")
        assert page.input_value("#panel input[name=speaker_name]") == "Nobody Known Here"
        shot(page, "error-speaker", full_page=False)

        # a verdict without a rating: the browser asks for one, the rationale stays
        page.fill("#panel textarea[name=rationale]", "Half a page of reasons.")
        page.click("#panel .verdict-form button[type=submit]")
        assert page.evaluate(
            "document.querySelector('#panel select[name=rating]').validity.valueMissing"
        )
        assert page.input_value("#panel textarea[name=rationale]") == "Half a page of reasons."
        assert not Verdict.objects.exists()

        # merging the last quote (forged: the panel offers no button) answers in the panel
        page.locator(f"#claim-{last.pk} a").click()
        page.wait_for_selector(f'#panel .claim-panel[data-claim="{last.pk}"]')
        assert "This is the last quote" in page.locator("#panel .merge-refusal").inner_text()
        page.evaluate(
            """(id) => htmx.ajax('POST', '/claims/' + id + '/merge',
                 {target: '#claim-panel', swap: 'outerHTML', values: {version: 1, workbench: 1}})""",
            last.pk,
        )
        page.wait_for_selector("#panel .messages >> text=This is the last quote")
        assert page.locator("#article-body").count() == 1
        assert Claim.objects.filter(article=article).count() == 22
    assert unexpected(errors) == [], "\n".join(errors)


def test_the_selected_claim_is_scrolled_into_view_and_focused(
    live_server: Any, browser: Any
) -> None:
    factories.fact_checker(username="checker")
    article = seed()
    page, errors = log_in(browser, live_server.url, "checker")
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    # every Content-Security-Policy violation (inline styles among them), as the browser reports it
    page.evaluate(
        """window.cspViolations = [];
           document.addEventListener('securitypolicyviolation',
             (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.sourceFile));"""
    )
    claims = list(article.claims.order_by("start").values_list("pk", flat=True))
    # the window itself never scrolls: the article is the one scroll area
    assert page.evaluate("document.documentElement.scrollHeight <= window.innerHeight + 1")
    assert not page.locator("#create-claim").is_visible()  # no selection, no form
    # the panel is beside the text, in view
    box = page.locator("#panel").bounding_box()
    assert box["x"] > page.locator("#article-scroll").bounding_box()["x"]

    # k from nothing goes to the last claim, far down the text
    page.keyboard.press("k")
    page.wait_for_selector(f'#panel .claim-panel[data-claim="{claims[-1]}"]')
    assert in_text_view(page, claims[-1])
    assert page.evaluate("document.activeElement.dataset.claim") == str(claims[-1])
    assert page.evaluate("document.getElementById('article-scroll').scrollTop") > 500
    # j goes back to the first claim after wrapping? no: it walks on; a list click jumps
    page.locator(f"#claim-{claims[0]} a").click()
    page.wait_for_selector(f'#panel .claim-panel[data-claim="{claims[0]}"]')
    assert in_text_view(page, claims[0])
    assert page.evaluate("document.activeElement.dataset.claim") == str(claims[0])
    page.keyboard.press("j")
    page.wait_for_selector(f'#panel .claim-panel[data-claim="{claims[1]}"]')
    assert in_text_view(page, claims[1])
    assert page.evaluate("window.scrollY") == 0
    assert page.evaluate("window.cspViolations") == []  # three panel loads, no CSP error
    shot(page, "workbench-selected", full_page=False)
    assert unexpected(errors) == [], "\n".join(errors)


def test_reshapes_keep_the_place_and_the_last_one_is_undone(live_server: Any, browser: Any) -> None:
    factories.fact_checker(username="checker")
    article = seed()
    page, errors = log_in(browser, live_server.url, "checker")
    target = article.claims.filter(kind="statement").order_by("-start")[3]
    page.goto(f"{live_server.url}{article.get_absolute_url()}?claim={target.pk}")
    page.wait_for_selector(f'#panel .claim-panel[data-claim="{target.pk}"]')
    assert in_text_view(page, target.pk)
    scrolled = page.evaluate("document.getElementById('article-scroll').scrollTop")
    assert scrolled > 300

    page.fill("#split-at", "20")
    page.click("#panel button:has-text('Split')")
    page.wait_for_selector("#panel .messages >> text=Claim split in two")
    # no reload: the text is where it was, the claim still in view, the list redrawn
    after = page.evaluate("document.getElementById('article-scroll').scrollTop")
    assert abs(after - scrolled) < 40
    assert in_text_view(page, target.pk)
    assert page.locator(".claim-item").count() == 23
    assert "claim=" in page.url
    shot(page, "workbench-after-split", full_page=False)

    page.click("#panel .messages button:has-text('Undo')")
    page.wait_for_selector("#panel .messages >> text=Undone: the split")
    assert page.locator(".claim-item").count() == 22
    assert Claim.objects.get(pk=target.pk).exact == target.exact
    assert in_text_view(page, target.pk)

    # the merge preview shows what the claim will read before anything changes
    first = article.claims.filter(kind="statement").order_by("start").first()
    page.locator(f"#claim-{first.pk} a").click()
    page.wait_for_selector(f'#panel .claim-panel[data-claim="{first.pk}"]')
    page.click("#panel details.merge summary")
    preview = page.locator("#panel .merge-preview").inner_text()
    assert preview.startswith(first.exact) and len(preview) > len(first.exact)
    page.click("#panel button:has-text('Merge these two')")
    page.wait_for_selector("#panel .messages >> text=Merged")
    assert page.locator(".claim-item").count() == 21
    page.click("#panel .messages button:has-text('Undo')")
    page.wait_for_selector("#panel .messages >> text=Undone: the merge")
    assert page.locator(".claim-item").count() == 22

    # a new claim from a selection: the form shows with the selection, and goes after
    select_text(page, "Thailand, New Delhi")
    assert page.locator("#create-claim").is_visible()
    page.select_option("#create-claim select[name=kind]", "quote")
    page.click("#create-claim button[type=submit]")
    page.wait_for_selector("#panel .messages >> text=New claim: “Thailand, New Delhi”")
    assert not page.locator("#create-claim").is_visible()
    page.click("#panel .messages button:has-text('Undo')")
    page.wait_for_selector("#panel .messages >> text=Undone: the creation")
    assert not Claim.objects.filter(exact="Thailand, New Delhi").exists()
    # Cancel puts the form away
    select_text(page, "Lagos, and Nairobi")
    page.click("#create-claim button:has-text('Cancel')")
    assert not page.locator("#create-claim").is_visible()
    assert unexpected(errors) == [], "\n".join(errors)


def test_on_a_phone_the_panel_is_a_bottom_sheet_over_the_text(
    live_server: Any, browser: Any
) -> None:
    factories.fact_checker(username="checker")
    article = seed()
    page, errors = log_in(browser, live_server.url, "checker")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    assert not page.locator("#panel").is_visible()
    quote = article.claims.filter(kind="quote").order_by("start")[2]
    seg = page.locator(f'#article-body .seg[data-claim="{quote.pk}"]').first
    seg.scroll_into_view_if_needed()
    before = page.evaluate("window.scrollY")
    seg.click()
    page.wait_for_selector(f'#panel .claim-panel[data-claim="{quote.pk}"]')
    page.wait_for_timeout(200)
    sheet = page.locator("#panel").bounding_box()
    assert sheet["y"] + sheet["height"] == pytest.approx(844, abs=2)  # at the bottom
    assert sheet["height"] <= 0.56 * 844
    # no jump to a panel thousands of pixels down: the text stays, the quote above the sheet
    assert abs(page.evaluate("window.scrollY") - before) < 844
    top = seg.bounding_box()["y"]
    assert 0 <= top < sheet["y"]
    page.click("#panel .sheet-close")
    assert not page.locator("#panel").is_visible()
    assert abs(seg.bounding_box()["y"] - top) < 2  # back to the text, where it was
    seg.click()
    page.wait_for_selector("#panel .claim-panel")
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=f"{os.environ['SCREENSHOTS']}/workbench-sheet-390.png")
    assert unexpected(errors) == [], "\n".join(errors)


def test_no_serious_accessibility_problem_on_any_page(live_server: Any, browser: Any) -> None:
    from axe_playwright_python.sync_playwright import Axe

    checker = factories.fact_checker(username="checker")
    factories.editor(username="editor")
    article = seed(checker)
    quote = article.claims.filter(kind="quote").select_related("speaker").first()
    factories.EvidenceFactory(claim=quote)
    verdict = factories.VerdictFactory(claim=quote, false=True, reviewer=checker)
    Verdict.objects.filter(pk=verdict.pk).update(status=Verdict.Status.PUBLISHED)
    # more articles than the dashboard's page of 25: its First/Previous/Next/Last links
    for _ in range(30):
        factories.ArticleFactory()
    base = live_server.url
    axe = Axe()
    problems: list[str] = []

    def check(page: Any, name: str) -> None:
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900 if width > 800 else 844})
            results = axe.run(page)
            for violation in results.response["violations"]:
                if violation["impact"] in ("serious", "critical"):
                    where = [n["target"] for n in violation["nodes"]][:3]
                    problems.append(f"{name} @{width}: {violation['id']} {where}")

    public = browser.new_page()
    for name, path in {"login": "/accounts/login/", "permalink": f"/v/{verdict.pk}/"}.items():
        public.goto(base + path)
        check(public, name)
    page, errors = log_in(browser, base, "editor")
    pages = {
        "dashboard": "/",
        "import": "/import/",
        "workbench": article.get_absolute_url(),
        "workbench-claim": f"{article.get_absolute_url()}?claim={quote.pk}",
        "claims": "/claims/",
        "claims-filtered": "/claims/?kind=quote&q=regime",
        "claims-last-page": "/claims/?page=last",
        "claims-damaged-link": "/claims/?after=damaged",
        "dashboard-next-page": "/?page=2",
        "claim": quote.get_absolute_url(),
        "speakers": "/speakers/",
        "speaker": quote.speaker.get_absolute_url(),
    }
    for name, path in pages.items():
        page.goto(base + path)
        check(page, name)
    # open states: a selection's form, the panel with errors, the shortcuts
    page.goto(base + pages["workbench-claim"])
    page.fill("#panel input[name=speaker_name]", "Nobody Known Here")
    page.click("#panel .speaker-form button[type=submit]")
    page.wait_for_selector("#panel .field.invalid")
    select_text(page, "Thailand, New Delhi")
    check(page, "workbench-errors")
    page.goto(base + "/import/")
    page.fill("#id_title", "Nothing to import")
    page.fill("#id_url", "javascript:alert(1)")
    page.click("button[name=save]")
    page.wait_for_selector(".field.invalid")
    check(page, "import-errors")
    assert problems == [], "\n".join(problems)
    errors += watch_console(public)
    assert unexpected(errors) == [], "\n".join(errors)
