"""The fact-checker's pages. Views stay thin: load for the user, bind a form, call the
transition (quotes.review), answer."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection, models
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from quotes import intake, matching, reshape, review, services, tasks
from quotes.fetch import FetchRefused
from quotes.filters import ClaimFilter
from quotes.forms import (
    ArticleImportForm,
    CreateClaimForm,
    EvidenceForm,
    KindForm,
    PublishForm,
    SpeakerForm,
    SplitForm,
    UrlImportForm,
    VerdictForm,
    VersionedForm,
)
from quotes.highlight import article_says, segments
from quotes.http import AuthenticatedHttpRequest
from quotes.models import (
    Article,
    Claim,
    Evidence,
    Rating,
    ReviewError,
    Speaker,
    SpeakerAlias,
    SpeakerTally,
    StaleEdit,
    Verdict,
)
from quotes.paging import Keyset, KeysetPage, keyset_page, list_count
from quotes.search import similar_claims
from quotes.text import normalize_name

CLAIMS_PER_PAGE = 50
_CSS_SAFE_SLUG = re.compile(r"[A-Za-z0-9_-]+")
_CSS_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def _page(
    request: HttpRequest, items: Any, per_page: int | None = None, count: int | None = None
) -> Any:
    paginator = Paginator(items, per_page or CLAIMS_PER_PAGE)
    if count is not None:
        # a maintained count (Speaker.claim_count) spares the COUNT(*) of the rows
        paginator.count = count
    return paginator.get_page(request.GET.get("page"))


# Newest article first (as on the dashboard), then reading order, through the article's date
# copied on the claim (migration 0017) and the index claim_list_idx in this very order
# (claim_kind_list_idx per kind): a page is a walk of that index that stops after 50 rows.
# Ordered through the join (-article__created), a filtered page walked the articles' index
# and probed each article's claims. Measured (benchmarks/web.py's data, PostgreSQL 15, the
# page's median): ?kind=statement&rating=false 192 ms -> 28 ms at 1M claims (30 -> 35 ms
# at 13k), the unfiltered list 64 -> 21 ms.
CLAIM_LIST_ORDER = ("-article_created", "-article_id", "start", "pk")
CLAIM_KEYSET = Keyset(CLAIM_LIST_ORDER, datetimes=frozenset({"article_created"}))
ARTICLE_KEYSET = Keyset(("-created", "-pk"), datetimes=frozenset({"created"}))
# What the pages' links set, and what the filter links of a page must not carry over
PAGE_PARAMS = ("page", "after", "before")


def _page_of_claims(request: HttpRequest, claims: QuerySet[Claim], count: int | None = None) -> Any:
    """A page of `claims` (filtered and ordered), with the relations the lists show.

    The page is chosen on the bare ids, then its 50 claims are loaded with their article,
    speaker and verdict: sorting or scanning ids is far cheaper than doing it with every
    joined column attached (and the article's body, which the lists never show, stays out).
    """
    page = _page(request, claims.values_list("pk", flat=True), count=count)
    page.object_list = _load_claims(list(page.object_list))
    return page


def _load_claims(ids: list[int]) -> list[Claim]:
    found = (
        Claim.objects.select_related("article", "speaker", "verdict__rating")
        .defer("article__body")
        .in_bulk(ids)
    )
    return [found[pk] for pk in ids if pk in found]


def _keyset_page_of_claims(request: HttpRequest, claims: QuerySet[Claim]) -> KeysetPage:
    """The page of `claims` the request names (quotes.paging), in CLAIM_LIST_ORDER: the keys
    from the list's index, then the page's 50 claims with what the lists show."""
    return keyset_page(
        request,
        claims,
        CLAIM_KEYSET,
        CLAIMS_PER_PAGE,
        load=lambda keys: _load_claims([key[-1] for key in keys]),
    )


NO_ROLE = (
    "Your account has no role in the workbench for this, or this is an editor's task. "
    "Ask an editor to add you to the Fact-checker or Editor group."
)


def _require(request: AuthenticatedHttpRequest, *perms: str) -> None:
    """Refuse (403) unless the user has these `quotes` model permissions, the ones the
    admin checks for the same change."""
    if not request.user.has_perms([f"quotes.{perm}" for perm in perms]):
        raise PermissionDenied(NO_ROLE)


def _get_claim_for_user(
    request: AuthenticatedHttpRequest, pk: int, perm: str = "view_claim"
) -> Claim:
    """The claim, if this user may `perm` it: 403 without the permission, 404 if absent."""
    _require(request, perm)
    return _claim(pk)


def _get_article_for_user(
    request: AuthenticatedHttpRequest, pk: int, perm: str = "view_article"
) -> Article:
    _require(request, perm)
    return get_object_or_404(Article, pk=pk)


def _get_speaker_for_user(
    request: AuthenticatedHttpRequest, pk: int, perm: str = "view_speaker"
) -> Speaker:
    _require(request, perm)
    return get_object_or_404(Speaker, pk=pk)


@login_required
@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(request, "view_article")
    # A page of keys first (keyset pagination over article_newest_idx, quotes.paging: no
    # COUNT(*) of every article, no OFFSET: 42 -> 11 ms at 1M claims, 10 -> 8 ms at 13k),
    # then claims counted for that page's articles
    # only: the annotations join every claim, evidence and verdict of the articles they
    # run on.
    page = keyset_page(request, Article.objects.all(), ARTICLE_KEYSET, 25, load=_dashboard_rows)
    return render(
        request,
        "quotes/dashboard.html",
        {"page": page, "articles": page.object_list, "query": ""},
    )


def _dashboard_rows(keys: list[Any]) -> list[Article]:
    quotes = Q(claims__kind=Claim.Kind.QUOTE)
    articles = (
        Article.objects.filter(pk__in=[key[-1] for key in keys])
        .order_by("-created", "-pk")
        .annotate(
            n_claims=Count("claims", distinct=True),
            n_quotes=Count("claims", filter=quotes, distinct=True),
            n_attributed=Count(
                "claims", filter=quotes & Q(claims__speaker__isnull=False), distinct=True
            ),
            n_confirmed=Count("claims", filter=Q(claims__speaker_confirmed=True), distinct=True),
            n_evidence=Count("claims", filter=Q(claims__evidence__isnull=False), distinct=True),
            n_verdicts=Count("claims__verdict", distinct=True),
            n_published=Count(
                "claims__verdict",
                filter=Q(claims__verdict__status=Verdict.Status.PUBLISHED),
                distinct=True,
            ),
            n_already_checked=Count(
                "claims", filter=matching.already_checked("claims__id"), distinct=True
            ),
        )
        .defer("body")
    )
    return list(articles)


# The preview lists this many claims: rendering is what a preview of a 2-million-character
# article spends its time on, and nobody reviews thousands of claims before importing.
PREVIEW_CLAIMS = 300
# and reads at most this many characters (cut at a paragraph end), so that a preview of the
# largest article holds a web worker no longer than one of a long ordinary article
PREVIEW_CHARS = 200_000


@login_required
def article_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(request, "add_article")
    form = ArticleImportForm(request.POST or None, request.FILES or None)
    preview = None
    preview_cut = 0
    status = 200
    if request.method == "POST":
        if form.is_valid():
            body = form.cleaned_data["body"]
            if "save" in request.POST:
                try:
                    article = services.ingest_article(
                        body=body,
                        title=form.cleaned_data["title"],
                        outlet=form.cleaned_data["outlet"],
                        url=form.cleaned_data["url"],
                        published=form.cleaned_data["published"],
                        byline=form.cleaned_data["byline"],
                        imported_by=request.user,
                        # a very long article is analysed by a worker, so the import answers
                        # at once instead of holding a web worker for the whole analysis
                        background=len(body) > PREVIEW_CHARS,
                    )
                except services.ArticleRejected as exc:
                    form.add_error(None, str(exc))
                    status = 400
                else:
                    article.refresh_from_db(fields=["awaiting_analysis"])
                    if article.awaiting_analysis:
                        messages.success(
                            request,
                            f"Imported “{article.title}”: its claims are being found in the "
                            "background and appear here once analysed.",
                        )
                    else:
                        messages.success(
                            request,
                            f"Imported “{article.title}” with {article.claims.count()} claims.",
                        )
                    return redirect(article)
            else:
                # a preview reads the article's opening only, so it costs the same for any
                # length; the import reads all of it
                if len(body) > PREVIEW_CHARS:
                    preview_cut = body.rfind("\n", 0, PREVIEW_CHARS)
                    preview_cut = preview_cut if preview_cut > 0 else PREVIEW_CHARS
                preview = services.propose_claims(body[:preview_cut] if preview_cut else body)
                # carry an uploaded file's text into the form, so "Save" needs no re-upload
                data = request.POST.copy()
                data["text"] = body
                form = ArticleImportForm(data)
                form.is_valid()
        else:
            status = 400
    shown = preview.claims[:PREVIEW_CLAIMS] if preview else []
    context = {
        "form": form,
        "preview": preview,
        "preview_claims": shown,
        "preview_more": len(preview.claims) - len(shown) if preview else 0,
        "preview_cut": preview_cut,
        "url_form": UrlImportForm(),
    }
    return render(request, "quotes/import.html", context, status=status)


@login_required
@require_POST
def article_import_url(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Fetch a page and fill the import form with its article, for the usual preview;
    or, when asked, import it in the background."""
    _require(request, "add_article")
    url_form = UrlImportForm(request.POST)
    form = ArticleImportForm()
    preview = None
    status = 200
    if not url_form.is_valid():
        status = 400
    elif url_form.cleaned_data["background"]:
        url = url_form.cleaned_data["page_url"]
        tasks.send(tasks.import_url, url, request.user.pk)
        messages.success(
            request, f"Importing {url} in the background: it appears here once analysed."
        )
        return redirect("quotes:dashboard")
    else:
        try:
            page = intake.fetch_article(url_form.cleaned_data["page_url"])
            body = services.check_body(page.text)
        except (FetchRefused, services.ArticleRejected) as exc:
            url_form.add_error("page_url", f"Not imported: {exc}")
            status = 400
        else:
            form = ArticleImportForm(
                {
                    "title": page.title or page.url[:300],
                    "outlet": page.outlet,
                    "url": page.url,
                    "published": page.published or "",
                    "byline": page.byline,
                    "text": body,
                }
            )
            form.is_valid()
            preview = services.propose_claims(body[:PREVIEW_CHARS])
    shown = preview.claims[:PREVIEW_CLAIMS] if preview else []
    context = {
        "form": form,
        "preview": preview,
        "preview_claims": shown,
        "preview_more": len(preview.claims) - len(shown) if preview else 0,
        "preview_cut": PREVIEW_CHARS if preview and len(body) > PREVIEW_CHARS else 0,
        "url_form": url_form,
    }
    return render(request, "quotes/import.html", context, status=status)


def _workbench_claims(article: Article) -> list[Claim]:
    claims = list(
        article.claims.select_related("speaker", "verdict__rating").order_by("start", "end", "pk")
    )
    shown = matching.shown_matches(claims)
    for claim in claims:
        claim.already_checked = shown.get(claim.pk, [])  # type: ignore[attr-defined]
    return claims


def _workbench_context(article: Article, selected: Claim | None) -> dict[str, Any]:
    claims = _workbench_claims(article)
    if selected is not None:
        # the panel's copy, so that the list, the highlights and the panel agree
        selected = next((c for c in claims if c.pk == selected.pk), selected)
    return {
        "article": article,
        "claims": claims,
        "segments": segments(article.body, claims),
        "selected": selected,
        "on_workbench": True,
    }


def _article_page(
    request: AuthenticatedHttpRequest,
    article: Article,
    selected: Claim | None,
    *,
    status: int = 200,
    **forms: Any,
) -> HttpResponse:
    context = _workbench_context(article, selected)
    if context["selected"] is not None:
        context.update(_panel_context(request, context["selected"], **forms))
    context["create_form"] = forms.get("create_form") or CreateClaimForm(
        initial={"version": article.version}
    )
    return render(request, "quotes/article.html", context, status=status)


@login_required
@require_GET
def article_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    article = _get_article_for_user(request, pk)
    selected = None
    claim_id = request.GET.get("claim", "")
    # ASCII digits only: str.isdigit() is also true of "²", which int() refuses
    if claim_id.isascii() and claim_id.isdigit():
        selected = Claim.objects.filter(article=article, pk=int(claim_id)).first()
    return _article_page(request, article, selected)


def _panel_context(request: AuthenticatedHttpRequest, claim: Claim, **forms: Any) -> dict[str, Any]:
    verdict = getattr(claim, "verdict", None)
    if not hasattr(claim, "already_checked"):
        claim.already_checked = matching.shown_matches([claim]).get(claim.pk, [])  # type: ignore[attr-defined]
    return {
        "article": claim.article,
        "claim": claim,
        "already_checked": claim.already_checked,  # type: ignore[attr-defined]
        "verdict": verdict,
        "evidence": list(claim.evidence.select_related("source")),
        "external_reviews": list(claim.external_reviews.select_related("rating")),
        "speaker_form": forms.get("speaker_form")
        or SpeakerForm(
            initial={
                "version": claim.version,
                "speaker_name": claim.speaker.name if claim.speaker else "",
            }
        ),
        "kind_form": forms.get("kind_form")
        or KindForm(initial={"version": claim.version, "kind": claim.kind}),
        "split_form": forms.get("split_form") or SplitForm(initial={"version": claim.version}),
        "evidence_form": forms.get("evidence_form")
        or EvidenceForm(initial={"version": claim.version}),
        "verdict_form": forms.get("verdict_form")
        or VerdictForm(
            initial={
                "version": verdict.version if verdict else 0,
                "rating": verdict.rating_id if verdict else None,
                "rationale": verdict.rationale if verdict else "",
                "status": verdict.status if verdict and not verdict.is_published else "draft",
            }
        ),
        "can_publish": review.is_editor(request.user),
        "frozen": verdict is not None and verdict.is_published,
        "publish_form": forms.get("publish_form") or PublishForm(),
        "merge": reshape.merge_plan(claim),
        "article_says": article_says(claim),
    }


# --- where the reviewer is: the workbench, the claim page, or elsewhere ----------------

WORKBENCH, CLAIM_PAGE = "quotes:article", "quotes:claim"


def _page_of(request: AuthenticatedHttpRequest) -> str | None:
    """The page the reviewer acted from (its URL name), for answering in place.

    htmx says which page it is on (HX-Current-URL); a plain form post is answered on the
    page it came from (Referer, same site only).
    """
    url = request.htmx.current_url_abs_path if request.htmx else request.headers.get("Referer")
    if not url or not url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None
    return match.view_name if match.view_name in (WORKBENCH, CLAIM_PAGE) else None


def _answer(
    request: AuthenticatedHttpRequest, claim: Claim, *, status: int = 200, **forms: Any
) -> HttpResponse:
    """After an action on a claim: answer where the reviewer is.

    htmx aiming at the panel gets the panel in place (on the workbench with the claim's
    list entry and the highlighted text out of band; on the claim page with the verdict's
    history); a plain POST gets a redirect, or the page again with the errors and a 4xx.
    """
    claim = _claim(claim.pk)
    page = _page_of(request)
    if request.htmx and request.htmx.target == "claim-panel":
        context = _panel_context(request, claim, **forms)
        if page == WORKBENCH:
            context.update(_workbench_context(claim.article, claim), oob=True)
            return render(request, "quotes/article.html#panel-update", context, status=status)
        if page == CLAIM_PAGE:
            context.update(history=_history(claim), on_claim_page=True, oob=True)
            return render(request, "quotes/claim.html#panel-update", context, status=status)
        return render(request, "quotes/article.html#claim-panel", context, status=status)
    if request.htmx:
        return render(request, "quotes/_messages.html", status=status)
    if status >= 400:
        if page == WORKBENCH:
            return _article_page(request, claim.article, claim, status=status, **forms)
        return _claim_page(request, claim, status=status, **forms)
    return redirect(_workbench_url(claim) if page == WORKBENCH else claim.get_absolute_url())


def _claim(pk: int) -> Claim:
    return get_object_or_404(
        Claim.objects.select_related(
            "article",
            "speaker",
            "verdict__rating",
            "verdict__reviewer",
            "verdict__published_by",
        ),
        pk=pk,
    )


@login_required
@require_GET
def claim_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    claim = _get_claim_for_user(request, pk)
    if request.htmx:
        context = _panel_context(request, claim)
        context["on_workbench"] = _page_of(request) == WORKBENCH
        response = render(request, "quotes/article.html#claim-panel", context)
    else:
        response = _claim_page(request, claim)
    # one URL, two answers: caches must tell the panel from the page
    patch_vary_headers(response, ("HX-Request", "HX-Current-URL"))
    return response


def _claim_page(
    request: AuthenticatedHttpRequest, claim: Claim, status: int = 200, **forms: Any
) -> HttpResponse:
    body = claim.article.body
    context = _panel_context(request, claim, **forms)
    context.update(
        {
            "before": body[max(0, claim.start - 400) : claim.start],
            "after": body[claim.end : claim.end + 400],
            "history": _history(claim),
            "similar": similar_claims(claim),
            "on_claim_page": True,
        }
    )
    return render(request, "quotes/claim.html", context, status=status)


def _history(claim: Claim) -> list[Any]:
    verdict = getattr(claim, "verdict", None)
    if verdict is None:
        return []
    return list(
        verdict.history.select_related("history_user", "rating").order_by("-history_date")[:50]
    )


def _workbench_url(claim: Claim) -> str:
    return f"{claim.article.get_absolute_url()}?claim={claim.pk}#claim-{claim.pk}"


def _invalid(request: AuthenticatedHttpRequest, claim: Claim, **forms: Any) -> HttpResponse:
    """A form that did not validate: 400, its errors shown next to its fields.

    The version is a hidden field, with no place on the page for its error: say it in a
    message, or a tampered or truncated request would be refused without a reason.
    """
    if any("version" in form.errors for form in forms.values()):
        messages.error(request, "The request was incomplete: reload the page and try again.")
    return _answer(request, claim, status=400, **forms)


def _stale(
    request: AuthenticatedHttpRequest, current: models.Model, what: str, yours: str = ""
) -> None:
    """Refuse a stale edit, naming the newer version and giving back what the reviewer
    wrote, so that nothing typed is lost."""
    kept = f" What you wrote, not saved: {yours}" if yours else ""
    messages.error(
        request,
        f"Not saved: someone else changed this {what} since you opened it "
        f"(it is now version {getattr(current, 'version', '?')}: {current}). Review the "
        f"current version below and apply your change again.{kept}",
    )


def _attempt(
    request: AuthenticatedHttpRequest,
    claim: Claim,
    action: Callable[[], object],
    *,
    form_name: str = "",
    form: forms.Form | None = None,
    field: str | None = None,
    what: str = "claim",
    yours: str = "",
) -> HttpResponse | None:
    """Run a transition; None when it is done, else the answer that refuses it.

    A stale version is a 409 with the newer version shown and the reviewer's input given
    back; a rule the workflow enforces is a 400 with its message next to the form.
    PermissionDenied goes on to the 403 page.
    """
    forms_kw = {form_name: form} if form is not None and form_name else {}
    try:
        action()
    except StaleEdit as exc:
        _stale(request, exc.current, what, yours)
        return _answer(request, claim, status=409)
    except ReviewError as exc:
        if form is not None:
            form.add_error(field, str(exc))
            if field is not None:
                return _answer(request, claim, status=400, **forms_kw)
        messages.error(request, str(exc))
        return _answer(request, claim, status=400, **forms_kw)
    return None


@login_required
@require_POST
def claim_speaker(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    claim = _get_claim_for_user(request, pk, "change_claim")
    form = SpeakerForm(request.POST)
    if not form.is_valid():
        return _invalid(request, claim, speaker_form=form)
    data = form.cleaned_data
    new = data.get("new_speaker")
    refused = _attempt(
        request,
        claim,
        lambda: review.assign_speaker(
            claim,
            by=request.user,
            version=data["version"],
            speaker=data["speaker"],
            new_speaker=(new.name, new.kind) if new is not None else None,
            alias=data.get("new_alias") or "",
        ),
        form_name="speaker_form",
        form=form,
        field="speaker_name",
        yours=f"speaker “{data.get('speaker_name') or ''}”",
    )
    if refused:
        return refused
    speaker = claim.speaker
    messages.success(
        request, f"Speaker confirmed: {speaker}." if speaker else "Speaker removed from the claim."
    )
    return _answer(request, claim)


@login_required
@require_POST
def claim_kind(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    claim = _get_claim_for_user(request, pk, "change_claim")
    form = KindForm(request.POST)
    if not form.is_valid():
        return _invalid(request, claim, kind_form=form)
    refused = _attempt(
        request,
        claim,
        lambda: review.change_kind(
            claim,
            by=request.user,
            kind=form.cleaned_data["kind"],
            version=form.cleaned_data["version"],
        ),
        form_name="kind_form",
        form=form,
        field="kind",
    )
    if refused:
        return refused
    messages.success(request, f"Kind changed to {claim.get_kind_display().lower()}.")
    return _answer(request, claim)


@login_required
@require_POST
def claim_split(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    claim = _get_claim_for_user(request, pk, "change_claim")
    form = SplitForm(request.POST)
    if not form.is_valid():
        return _invalid(request, claim, split_form=form)
    # `at` counts code points into the claim's text, the way the panel shows it
    at = form.cleaned_data["at"]
    if at >= claim.end - claim.start:
        form.add_error("at", f"Choose a point between 1 and {claim.end - claim.start - 1}.")
        return _answer(request, claim, status=400, split_form=form)
    done: list[tuple[Claim, dict[str, Any]]] = []
    refused = _attempt(
        request,
        claim,
        lambda: done.append(
            reshape.split(
                claim, by=request.user, at=claim.start + at, version=form.cleaned_data["version"]
            )
        ),
        form_name="split_form",
        form=form,
        field="at",
    )
    if refused:
        return refused
    first, undo = done[0]
    return _after_reshape(request, first, undo, "Claim split in two.")


@login_required
@require_POST
def claim_merge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    claim = _get_claim_for_user(request, pk, "change_claim")
    form = VersionedForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The request was incomplete: reload the page and try again.")
        return _answer(request, claim, status=400)
    done: list[tuple[Claim, dict[str, Any]]] = []
    refused = _attempt(
        request,
        claim,
        lambda: done.append(
            reshape.merge(claim, by=request.user, version=form.cleaned_data["version"])
        ),
    )
    if refused:
        return refused
    merged, undo = done[0]
    return _after_reshape(request, merged, undo, f"Merged: “{merged}”.")


UNDO_KEY = "last_reshape"


def _after_reshape(
    request: AuthenticatedHttpRequest,
    claim: Claim,
    undo: dict[str, Any] | None,
    message: str,
) -> HttpResponse:
    """Splits, merges and new claims change the article's highlights and list: on the
    workbench htmx gets them in place (the reader keeps their place in the text); elsewhere,
    or without JavaScript, the workbench opens on the claim. The message offers to undo."""
    if undo is not None:
        request.session[UNDO_KEY] = undo
    messages.success(request, message, extra_tags="undo" if undo is not None else "")
    if request.htmx and _page_of(request) == WORKBENCH:
        context = _workbench_context(claim.article, claim)
        context.update(_panel_context(request, context["selected"]), oob=True)
        response = render(request, "quotes/article.html#reshape-update", context)
        response["HX-Retarget"] = "#panel-content"
        response["HX-Reswap"] = "innerHTML"
        response["HX-Replace-Url"] = _workbench_url(claim).split("#")[0]
        return response
    if request.htmx:
        response = HttpResponse(status=204)
        # no #fragment: a URL that differs from the current one only by its fragment would
        # scroll instead of loading (workbench.js scrolls to the open claim itself)
        response["HX-Redirect"] = _workbench_url(claim).split("#")[0]
        return response
    return redirect(_workbench_url(claim))


@login_required
@require_POST
def reshape_undo(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    article = _get_article_for_user(request, pk, "change_claim")
    undo = request.session.get(UNDO_KEY)
    if not undo or undo.get("article") != article.pk:
        messages.error(request, "There is nothing to undo in this article.")
        return _after_reshape_refused(request, article)
    try:
        restored = reshape.undo(undo, by=request.user)
    except reshape.UndoRefused as exc:
        messages.error(request, str(exc))
        return _after_reshape_refused(request, article)
    del request.session[UNDO_KEY]
    target = restored or article.claims.order_by("start").first()
    if target is None:
        messages.success(request, f"Undone: the {undo['what']}.")
        return redirect(article)
    return _after_reshape(request, target, None, f"Undone: the {undo['what']}.")


def _after_reshape_refused(request: AuthenticatedHttpRequest, article: Article) -> HttpResponse:
    if request.htmx:
        return render(request, "quotes/_messages.html", status=409)
    return redirect(article)


@login_required
@require_POST
def claim_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    article = _get_article_for_user(request, pk, "add_claim")
    form = CreateClaimForm(request.POST)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            claim, undo = reshape.create(
                article,
                by=request.user,
                start=data["start"],
                end=data["end"],
                kind=data["kind"],
                version=data["version"],
            )
        except StaleEdit as exc:
            status = 409
            _stale(
                request,
                exc.current,
                "article's claims",
                f"a new claim at characters {data['start']}–{data['end']}",
            )
        except ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            return _after_reshape(request, claim, undo, f"New claim: “{claim}”.")
    for error in [str(e) for e in form.non_field_errors()] + [
        f"{form.fields[name].label or name.capitalize()}: {' '.join(str(e) for e in errs)}"
        for name, errs in form.errors.items()
        if name != "__all__"
    ]:
        messages.error(request, error)
    if request.htmx:
        return render(request, "quotes/_messages.html", status=status)
    return _article_page(request, article, None, status=status, create_form=form)


@login_required
@require_POST
def claim_evidence(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    claim = _get_claim_for_user(request, pk, "add_evidence")
    form = EvidenceForm(request.POST)
    if not form.is_valid():
        return _invalid(request, claim, evidence_form=form)
    data = form.cleaned_data
    refused = _attempt(
        request,
        claim,
        lambda: review.attach_evidence(
            claim,
            by=request.user,
            version=data["version"],
            stance=data["stance"],
            url=data["url"],
            title=data["title"],
            publisher=data["publisher"],
            published=data["published"],
            excerpt=data["excerpt"],
            note=data["note"],
        ),
        form_name="evidence_form",
        form=form,
        yours=f"source {data['url']}",
    )
    if refused:
        return refused
    stance = Evidence.Stance(data["stance"]).label.lower()
    messages.success(request, f"Source attached ({stance}).")
    return _answer(request, claim)


@login_required
@require_POST
def claim_evidence_detach(
    request: AuthenticatedHttpRequest, pk: int, evidence_pk: int
) -> HttpResponse:
    claim = _get_claim_for_user(request, pk, "delete_evidence")
    evidence = get_object_or_404(
        Evidence.objects.select_related("source"), pk=evidence_pk, claim=claim
    )
    form = VersionedForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The request was incomplete: reload the page and try again.")
        return _answer(request, claim, status=400)
    refused = _attempt(
        request,
        claim,
        lambda: review.detach_evidence(
            evidence, by=request.user, version=form.cleaned_data["version"]
        ),
    )
    if refused:
        return refused
    messages.success(request, f"Source detached: {evidence.source}.")
    return _answer(request, claim)


@login_required
@require_POST
def claim_verdict(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    claim = _get_claim_for_user(request, pk, "change_verdict")
    if getattr(claim, "verdict", None) is None:
        _require(request, "add_verdict")
    form = VerdictForm(request.POST)
    if not form.is_valid():
        return _invalid(request, claim, verdict_form=form)
    data = form.cleaned_data
    refused = _attempt(
        request,
        claim,
        lambda: review.save_verdict(
            claim,
            by=request.user,
            version=data["version"],
            rating=data["rating"],
            rationale=data["rationale"],
            status=data["status"],
        ),
        form_name="verdict_form",
        form=form,
        what="verdict",
        yours=f"{data['rating']}, “{data['rationale']}”",
    )
    if refused:
        return refused
    done = "saved as a draft" if data["status"] == Verdict.Status.DRAFT else "sent for review"
    messages.success(request, f"Verdict {done}.")
    return _answer(request, claim)


PUBLISH_DONE = {
    "publish": "Verdict published: it is now on its public page and in exports.",
    "unpublish": "Verdict unpublished: it is back in review; the reason is kept as a "
    "correction note.",
    "send_back": "Verdict sent back to the fact-checker as a draft.",
}


@login_required
@require_POST
def verdict_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    claim = _get_claim_for_user(request, pk, "publish_verdict")
    verdict = getattr(claim, "verdict", None)
    form = PublishForm(request.POST)
    if verdict is None or not form.is_valid():
        if verdict is not None and "note" in form.errors:
            return _answer(request, claim, status=400, publish_form=form)
        messages.error(request, "There is no verdict to publish, or the request was incomplete.")
        return _answer(request, claim, status=400)
    action, version, note = (form.cleaned_data[k] for k in ("action", "version", "note"))
    transitions: dict[str, Callable[[], Verdict]] = {
        "publish": lambda: review.publish_verdict(verdict, by=request.user, version=version),
        "unpublish": lambda: review.unpublish_verdict(
            verdict, by=request.user, reason=note, version=version
        ),
        "send_back": lambda: review.send_back_verdict(
            verdict, by=request.user, note=note, version=version
        ),
    }
    refused = _attempt(
        request, claim, transitions[action], what="verdict", yours=f"“{note}”" if note else ""
    )
    if refused:
        return refused
    done = PUBLISH_DONE[action]
    if action == "publish":
        done = f"Verdict published ({verdict.rating}): it is now on its public page and in exports."
    messages.success(request, done)
    return _answer(request, claim)


@login_required
@require_GET
def claim_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(request, "view_claim")
    claims = Claim.objects.order_by(*CLAIM_LIST_ORDER)
    filterset = ClaimFilter(request.GET or None, queryset=claims, request=request)
    status = 200
    if filterset.is_bound and not filterset.is_valid():
        status = 400
        page = None
    else:
        # Searches too are listed newest first, not by ts_rank: ranking meant computing the
        # rank of every match and sorting them all, 86k rows for "tax" at 1M that spilled
        # to disk: ?q=tax 387 ms -> 32 ms at 1M (27 -> 41 ms at 13k, where it now also
        # counts up to 500 matches). In the list's order the page walks claim_list_idx
        # and tests each claim's stored vector, or, for a rare word, takes its few matches
        # from the GIN index and sorts those: the planner picks by the word's frequency.
        # A fact-checker searching an archive wants the recent claims first; a phrase in
        # quotes or -word narrows the search.
        matching_claims = filterset.qs.order_by(*CLAIM_LIST_ORDER)
        page = _keyset_page_of_claims(request, matching_claims)
        page.count = list_count(matching_claims)
    query = request.GET.copy()
    for name in PAGE_PARAMS:
        query.pop(name, None)
    more = (
        "article",
        "speaker",
        "said_by",
        "has_evidence",
        "stance",
        "reviewer",
        "date_after",
        "date_before",
    )
    return render(
        request,
        "quotes/claims.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            # the folded "More filters" opens when one of them is set or wrong
            "more_filters": sum(1 for name in more if request.GET.get(name)),
        },
        status=status,
    )


@login_required
@require_GET
def speaker_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(request, "view_speaker")
    # A to Z walks the unique index on normalized_name; "most claims first" walks
    # speaker_most_claims_idx on the maintained Speaker.claim_count (quotes/counters.py),
    # where it counted every speaker's claims at each view (benchmarks/speaker_pages.py, 1M
    # archive, 67k speakers: 7,481 ms -> 11-19 ms; 13k: 50 -> 8-11 ms; 4 queries).
    by_claims = request.GET.get("sort") == "claims"
    speakers = Speaker.objects.order_by(
        *(("-claim_count", "-id") if by_claims else ("normalized_name",))
    )
    # no name is longer than 200 characters; a longer pattern only burdens the database
    # (SQLite refuses LIKE patterns past 50,000 bytes)
    q = request.GET.get("q", "").strip()[:200]
    if q:
        key = normalize_name(q)
        speakers = speakers.filter(
            Q(normalized_name__contains=key) | Q(aliases__normalized__contains=key)
        ).distinct()
    kept = {"q": q} if q else {}  # the pages keep the search and the order
    if by_claims:
        kept["sort"] = "claims"
    # The whole registry by PostgreSQL's estimate (quotes.paging.list_count): its COUNT(*)
    # grew with the registry, 3-7 ms of an 8 ms page at the 1M archive's 67k speakers. A
    # search is counted: its LIKE reads the names anyway, and every match stays reachable
    # (as do the pages past a capped count: the paginator counts them all then).
    # SQLite has no estimate: its paginator counts, once.
    count = None if q or connection.vendor != "postgresql" else list_count(speakers)
    if count is not None and count.at_least:
        count = None
    page = _page(request, speakers, count=count.n if count else None)
    page.count_label = count
    return render(
        request,
        "quotes/speakers.html",
        {
            "page": page,
            "q": q,
            "by_claims": by_claims,
            "query": urlencode(kept),
        },
    )


@login_required
@require_GET
def speaker_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    speaker = _get_speaker_for_user(request, pk)
    # Our published verdicts only: drafts are not findings yet, and other organisations'
    # ratings (ExternalReview) are theirs, not ours to count. Read from the tally kept by
    # quotes/counters.py: counting them here joined every verdict (a sequential scan of
    # the verdicts, 289 ms for the busiest speaker's 36k claims at 1M); and the claims'
    # count comes from Speaker.claim_count. Page at 1M: 375 ms, 8 queries -> 16-36 ms, 7.
    record = list(
        SpeakerTally.objects.filter(speaker=speaker, published__gt=0)
        .select_related("rating")
        .order_by("rating__order", "rating__label")
    )
    claims = speaker.claims.order_by(*CLAIM_LIST_ORDER)
    page = _page_of_claims(request, claims, count=speaker.claim_count)
    return render(
        request,
        "quotes/speaker.html",
        {
            "speaker": speaker,
            "aliases": list(speaker.aliases.all()),
            "record": record,
            "verdict_total": sum(tally.published for tally in record),
            "page": page,
        },
    )


@login_required
@require_GET
def speaker_search(request: AuthenticatedHttpRequest) -> JsonResponse:
    """Autocomplete: speakers whose name or alias contains the typed text."""
    _require(request, "view_speaker")
    key = normalize_name(request.GET.get("q", ""))[:100]
    if len(key) < 2:
        return JsonResponse({"results": []})
    names = list(
        Speaker.objects.filter(normalized_name__contains=key)
        .order_by("name")
        .values_list("name", flat=True)[:15]
    )
    aliases = list(
        SpeakerAlias.objects.filter(normalized__contains=key)
        .order_by("alias")
        .values_list("alias", "speaker__name")[:10]
    )
    results = [{"value": n, "label": n} for n in names]
    results += [{"value": a, "label": f"{a} → {n}"} for a, n in aliases]
    return JsonResponse({"results": results})


@login_required
@require_GET
def ratings_css(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Each rating's colour as a CSS variable: editors set colours in the admin, and the
    CSP allows no inline styles, so the workbench loads them as a stylesheet."""
    _require(request, "view_rating")
    rules = [
        f".rating-{slug} {{ --verdict: {colour}; }}"
        for slug, colour in Rating.objects.values_list("slug", "colour")
        # slugs and colours are validated by the model; skip anything else all the same
        if _CSS_SAFE_SLUG.fullmatch(slug) and _CSS_COLOUR.fullmatch(colour)
    ]
    response = HttpResponse("\n".join(rules) + "\n", content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "private, max-age=60"
    return response
