"""The fact-checker's pages. Views stay thin: validate, call a model or service, render."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from quotes import reshape, services
from quotes.filters import ClaimFilter
from quotes.forms import (
    ArticleImportForm,
    CreateClaimForm,
    EvidenceForm,
    KindForm,
    PublishForm,
    SpeakerForm,
    SplitForm,
    VerdictForm,
    VersionedForm,
)
from quotes.highlight import article_says, segments
from quotes.models import (
    Article,
    Claim,
    Rating,
    Speaker,
    SpeakerAlias,
    StaleEdit,
    Verdict,
    claims_per_row,
)
from quotes.search import similar_claims
from quotes.text import normalize_name

CLAIMS_PER_PAGE = 50
_CSS_SAFE_SLUG = re.compile(r"[A-Za-z0-9_-]+")
_CSS_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def _page(request: HttpRequest, items: Any, per_page: int | None = None) -> Any:
    return Paginator(items, per_page or CLAIMS_PER_PAGE).get_page(request.GET.get("page"))


# Newest article first (as on the dashboard), then reading order. "-article_id" rather than
# "article_id" so that the order is the one of the indexes article_newest_idx (-created, -id)
# and claim_article_start_idx (article, start): the database can walk them and stop after a
# page, instead of sorting every claim.
CLAIM_LIST_ORDER = ("-article__created", "-article_id", "start", "pk")


def _page_of_claims(request: HttpRequest, claims: QuerySet[Claim]) -> Any:
    """A page of `claims` (filtered and ordered), with the relations the lists show.

    The page is chosen on the bare ids, then its 50 claims are loaded with their article,
    speaker and verdict: sorting or scanning ids is far cheaper than doing it with every
    joined column attached (and the article's body, which the lists never show, stays out).
    """
    page = _page(request, claims.values_list("pk", flat=True))
    ids = list(page.object_list)
    found = (
        Claim.objects.select_related("article", "speaker", "verdict__rating")
        .defer("article__body")
        .in_bulk(ids)
    )
    page.object_list = [found[pk] for pk in ids if pk in found]
    return page


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    # Paginate the bare ids first, then count claims for that page's articles only: the
    # annotations join every claim, evidence and verdict of the articles they run on.
    page = _page(
        request, Article.objects.order_by("-created", "-pk").values_list("pk", flat=True), 25
    )
    quotes = Q(claims__kind=Claim.Kind.QUOTE)
    articles = (
        Article.objects.filter(pk__in=list(page.object_list))
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
        )
    )
    return render(request, "quotes/dashboard.html", {"page": page, "articles": articles})


# The preview lists this many claims: rendering is what a preview of a 2-million-character
# article spends its time on, and nobody reviews thousands of claims before importing.
PREVIEW_CLAIMS = 300
# and reads at most this many characters (cut at a paragraph end), so that a preview of the
# largest article holds a web worker no longer than one of a long ordinary article
PREVIEW_CHARS = 200_000


@login_required
def article_import(request: HttpRequest) -> HttpResponse:
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
                    )
                except services.ArticleRejected as exc:
                    form.add_error(None, str(exc))
                    status = 400
                else:
                    messages.success(
                        request, f"Imported “{article.title}” with {article.claims.count()} claims."
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
    }
    return render(request, "quotes/import.html", context, status=status)


def _workbench_claims(article: Article) -> list[Claim]:
    return list(
        article.claims.select_related("speaker", "verdict__rating").order_by("start", "end", "pk")
    )


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
    request: HttpRequest,
    article: Article,
    selected: Claim | None,
    *,
    status: int = 200,
    **forms: Any,
) -> HttpResponse:
    context = _workbench_context(article, selected)
    if context["selected"] is not None:
        context.update(_panel_context(request, context["selected"], **forms))
    context["create_form"] = forms.get("create_form") or CreateClaimForm()
    return render(request, "quotes/article.html", context, status=status)


@login_required
@require_GET
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk)
    selected = None
    claim_id = request.GET.get("claim", "")
    # ASCII digits only: str.isdigit() is also true of "²", which int() refuses
    if claim_id.isascii() and claim_id.isdigit():
        selected = Claim.objects.filter(article=article, pk=int(claim_id)).first()
    return _article_page(request, article, selected)


def _panel_context(request: HttpRequest, claim: Claim, **forms: Any) -> dict[str, Any]:
    verdict = getattr(claim, "verdict", None)
    return {
        "claim": claim,
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
        "evidence_form": forms.get("evidence_form") or EvidenceForm(),
        "verdict_form": forms.get("verdict_form")
        or VerdictForm(
            initial={
                "version": verdict.version if verdict else 0,
                "rating": verdict.rating_id if verdict else None,
                "rationale": verdict.rationale if verdict else "",
                "status": verdict.status if verdict and not verdict.is_published else "draft",
            }
        ),
        "can_publish": request.user.has_perm("quotes.publish_verdict"),
        "publish_form": forms.get("publish_form") or PublishForm(),
        "merge": reshape.merge_plan(claim),
        "article_says": article_says(claim),
    }


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
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(pk)
    if request.htmx:
        context = _panel_context(request, claim)
        context["on_workbench"] = request.GET.get("workbench") == "1"
        response = render(request, "quotes/article.html#claim-panel", context)
    else:
        response = _claim_page(request, claim)
    # one URL, two answers: caches must tell the panel from the page
    patch_vary_headers(response, ("HX-Request",))
    return response


def _claim_page(
    request: HttpRequest, claim: Claim, status: int = 200, **forms: Any
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


def _answer(request: HttpRequest, claim: Claim, *, status: int = 200, **forms: Any) -> HttpResponse:
    """After an action on a claim: answer where the reviewer is.

    htmx gets the panel in place (and, on the workbench, the claim's list entry and the
    highlighted text out of band, since the speaker, kind or verdict shown there changed);
    a plain POST gets a redirect, or the page again with the form errors and a 4xx status.
    """
    claim = _claim(claim.pk)
    on_workbench = request.POST.get("workbench") == "1"
    if request.htmx:
        context = _panel_context(request, claim, **forms)
        if on_workbench:
            context.update(_workbench_context(claim.article, claim), oob=True)
            return render(request, "quotes/article.html#panel-update", context, status=status)
        if request.POST.get("claim_page") == "1":
            # the claim page shows the verdict's history beside the panel: refresh it too
            context.update(history=_history(claim), on_claim_page=True, oob=True)
            return render(request, "quotes/claim.html#panel-update", context, status=status)
        return render(request, "quotes/article.html#claim-panel", context, status=status)
    if status >= 400:
        if on_workbench:
            return _article_page(request, claim.article, claim, status=status, **forms)
        return _claim_page(request, claim, status=status, **forms)
    if on_workbench:
        return redirect(_workbench_url(claim))
    return redirect(claim)


def _workbench_url(claim: Claim) -> str:
    return f"{claim.article.get_absolute_url()}?claim={claim.pk}#claim-{claim.pk}"


def _invalid(request: HttpRequest, claim: Claim, **forms: Any) -> HttpResponse:
    """A form that did not validate: 400, its errors shown next to its fields.

    The version is a hidden field, with no place on the page for its error: say it in a
    message, or a tampered or truncated request would be refused without a reason.
    """
    if any("version" in form.errors for form in forms.values()):
        messages.error(request, "The request was incomplete: reload the page and try again.")
    return _answer(request, claim, status=400, **forms)


def _stale(request: HttpRequest, current: Claim | Verdict, what: str, yours: str = "") -> None:
    """Refuse a stale edit, naming the newer version and giving back what the reviewer
    wrote, so that nothing typed is lost."""
    kept = f" What you wrote, not saved: {yours}" if yours else ""
    messages.error(
        request,
        f"Not saved: someone else changed this {what} since you opened it "
        f"(it is now version {current.version}: {current}). Review the current version "
        f"below and apply your change again.{kept}",
    )


@login_required
@require_POST
def claim_speaker(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(pk)
    form = SpeakerForm(request.POST)
    if not form.is_valid():
        return _invalid(request, claim, speaker_form=form)
    data = form.cleaned_data
    speaker = data["speaker"]
    try:
        with transaction.atomic():
            if data.get("new_speaker") is not None:
                speaker = data["new_speaker"]
                speaker.full_clean()
                speaker.save()
            if data.get("new_alias"):
                speaker.add_alias(data["new_alias"])
            if speaker is None or speaker.pk != claim.speaker_id:
                claim.attribution_method = "manual"
            claim.speaker = speaker
            claim.speaker_confirmed = speaker is not None
            claim.save_checked(data["version"])
    except StaleEdit as exc:
        _stale(request, exc.current, "claim", f"speaker “{data.get('speaker_name') or ''}”")
        return _answer(request, claim, status=409)
    except (ValidationError, IntegrityError) as exc:
        # IntegrityError: another reviewer created a speaker of that name a moment ago
        errors = exc.messages if isinstance(exc, ValidationError) else ["That name was just taken."]
        form.add_error("speaker_name", errors)
        return _answer(request, claim, status=400, speaker_form=form)
    messages.success(
        request, f"Speaker confirmed: {speaker}." if speaker else "Speaker removed from the claim."
    )
    return _answer(request, claim)


@login_required
@require_POST
def claim_kind(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(pk)
    form = KindForm(request.POST)
    if not form.is_valid():
        return _invalid(request, claim, kind_form=form)
    new_kind = form.cleaned_data["kind"]
    overlapping = (
        claim.article.claims.filter(kind=new_kind, start__lt=claim.end, end__gt=claim.start)
        .exclude(pk=claim.pk)
        .exists()
    )
    if overlapping:
        form.add_error("kind", "Another claim of that kind overlaps this one.")
        return _answer(request, claim, status=400, kind_form=form)
    claim.kind = new_kind
    try:
        claim.save_checked(form.cleaned_data["version"])
    except StaleEdit as exc:
        _stale(request, exc.current, "claim")
        return _answer(request, claim, status=409)
    messages.success(request, f"Kind changed to {claim.get_kind_display().lower()}.")
    return _answer(request, claim)


@login_required
@require_POST
def claim_split(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(pk)
    form = SplitForm(request.POST)
    if not form.is_valid():
        return _invalid(request, claim, split_form=form)
    if form.cleaned_data["version"] != claim.version:
        _stale(request, claim, "claim")
        return _answer(request, claim, status=409)
    # `at` counts code points into the claim's text, the way the panel shows it
    at = form.cleaned_data["at"]
    if at >= claim.end - claim.start:
        form.add_error("at", f"Choose a point between 1 and {claim.end - claim.start - 1}.")
        return _answer(request, claim, status=400, split_form=form)
    try:
        first, undo = reshape.split(claim, claim.start + at)
    except ValidationError as exc:
        form.add_error("at", exc)
        return _answer(request, claim, status=400, split_form=form)
    return _after_reshape(request, first, undo, "Claim split in two.")


@login_required
@require_POST
def claim_merge(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(pk)
    form = VersionedForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The request was incomplete: reload the page and try again.")
        return _answer(request, claim, status=400)
    if form.cleaned_data["version"] != claim.version:
        _stale(request, claim, "claim")
        return _answer(request, claim, status=409)
    try:
        merged, undo = reshape.merge(claim)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _answer(request, claim, status=400)
    return _after_reshape(request, merged, undo, f"Merged: “{merged}”.")


UNDO_KEY = "last_reshape"


def _after_reshape(
    request: HttpRequest, claim: Claim, undo: dict[str, Any] | None, message: str
) -> HttpResponse:
    """Splits, merges and new claims change the article's highlights and list: on the
    workbench htmx gets them in place (the reader keeps their place in the text); elsewhere,
    or without JavaScript, the workbench opens on the claim. The message offers to undo."""
    if undo is not None:
        request.session[UNDO_KEY] = undo
    messages.success(request, message, extra_tags="undo" if undo is not None else "")
    if request.htmx and request.POST.get("workbench") == "1":
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
def reshape_undo(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk)
    undo = request.session.get(UNDO_KEY)
    if not undo or undo.get("article") != article.pk:
        messages.error(request, "There is nothing to undo in this article.")
        return _after_reshape_refused(request, article)
    try:
        restored = reshape.undo(undo)
    except reshape.UndoRefused as exc:
        messages.error(request, str(exc))
        return _after_reshape_refused(request, article)
    del request.session[UNDO_KEY]
    target = restored or article.claims.order_by("start").first()
    if target is None:
        messages.success(request, f"Undone: the {undo['what']}.")
        return redirect(article)
    return _after_reshape(request, target, None, f"Undone: the {undo['what']}.")


def _after_reshape_refused(request: HttpRequest, article: Article) -> HttpResponse:
    if request.htmx:
        return render(request, "quotes/_messages.html", status=409)
    return redirect(article)


@login_required
@require_POST
def claim_create(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk)
    form = CreateClaimForm(request.POST)
    if form.is_valid():
        try:
            claim, undo = reshape.create(
                article,
                form.cleaned_data["start"],
                form.cleaned_data["end"],
                form.cleaned_data["kind"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _after_reshape(request, claim, undo, f"New claim: “{claim}”.")
    for error in form.errors.get("__all__", []) + [
        f"{form.fields[name].label or name.capitalize()}: {' '.join(errs)}"
        for name, errs in form.errors.items()
        if name != "__all__"
    ]:
        messages.error(request, error)
    if request.htmx:
        return render(request, "quotes/_messages.html", status=400)
    return _article_page(request, article, None, status=400, create_form=form)


@login_required
@require_POST
def claim_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(pk)
    form = EvidenceForm(request.POST)
    if not form.is_valid():
        return _answer(request, claim, status=400, evidence_form=form)
    with transaction.atomic():
        evidence = form.save(claim, request.user)
    messages.success(request, f"Source attached ({evidence.get_stance_display().lower()}).")
    return _answer(request, claim)


@login_required
@require_POST
def claim_verdict(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(pk)
    form = VerdictForm(request.POST)
    if not form.is_valid():
        return _invalid(request, claim, verdict_form=form)
    data = form.cleaned_data
    verdict = getattr(claim, "verdict", None)
    current_version = verdict.version if verdict else 0
    yours = f"{data['rating']}, “{data['rationale']}”"
    if data["version"] != current_version:
        _stale(request, verdict or claim, "verdict" if verdict else "claim", yours)
        return _answer(request, claim, status=409)
    if verdict is not None and verdict.is_published:
        form.add_error(
            None, "This verdict is published: an editor must unpublish it before it can change."
        )
        return _answer(request, claim, status=400, verdict_form=form)
    try:
        with transaction.atomic():
            if verdict is None:
                Verdict.objects.create(
                    claim=claim,
                    rating=data["rating"],
                    rationale=data["rationale"],
                    status=data["status"],
                    reviewer=request.user,
                )
            else:
                verdict.rating = data["rating"]
                verdict.rationale = data["rationale"]
                verdict.status = data["status"]
                verdict.reviewer = verdict.reviewer or request.user
                verdict.save_checked(data["version"])
    except StaleEdit as exc:
        _stale(request, exc.current, "verdict", yours)
        return _answer(request, claim, status=409)
    except IntegrityError:
        # another reviewer created the claim's verdict between our read and our write
        _stale(request, _claim(pk).verdict, "verdict", yours)
        return _answer(request, claim, status=409)
    status = "saved as a draft" if data["status"] == Verdict.Status.DRAFT else "sent for review"
    messages.success(request, f"Verdict {status}.")
    return _answer(request, claim)


@login_required
@require_POST
def verdict_publish(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm("quotes.publish_verdict"):
        raise PermissionDenied("Only editors can publish verdicts.")
    claim = _claim(pk)
    verdict = getattr(claim, "verdict", None)
    form = PublishForm(request.POST)
    if verdict is None or not form.is_valid():
        if verdict is not None and "note" in form.errors:
            return _answer(request, claim, status=400, publish_form=form)
        messages.error(request, "There is no verdict to publish, or the request was incomplete.")
        return _answer(request, claim, status=400)
    if form.cleaned_data["version"] != verdict.version:
        _stale(request, verdict, "verdict")
        return _answer(request, claim, status=409)
    action = form.cleaned_data["action"]
    if action == "publish" and not verdict.is_published:
        verdict.publish(by=request.user)
        messages.success(
            request,
            f"Verdict published ({verdict.rating}): it is now on its public page and in exports.",
        )
    elif action == "unpublish" and verdict.is_published:
        verdict.unpublish(by=request.user)
        messages.success(request, "Verdict unpublished: it is back in review.")
    elif action == "send_back" and verdict.status == Verdict.Status.IN_REVIEW:
        verdict.status = Verdict.Status.DRAFT
        verdict.review_note = form.cleaned_data["note"].strip()
        verdict._change_reason = "Sent back to the fact-checker"  # type: ignore[attr-defined]
        try:
            verdict.save_checked(form.cleaned_data["version"])
        except StaleEdit as exc:
            _stale(request, exc.current, "verdict")
            return _answer(request, claim, status=409)
        messages.success(request, "Verdict sent back to the fact-checker as a draft.")
    else:
        messages.error(
            request, f"A verdict that is {verdict.get_status_display().lower()} cannot be {action}."
        )
        return _answer(request, claim, status=400)
    return _answer(request, claim)


@login_required
@require_GET
def claim_list(request: HttpRequest) -> HttpResponse:
    claims = Claim.objects.order_by(*CLAIM_LIST_ORDER)
    filterset = ClaimFilter(request.GET or None, queryset=claims, request=request)
    status = 200
    if filterset.is_bound and not filterset.is_valid():
        status = 400
        page = None
    else:
        page = _page_of_claims(request, filterset.qs)
    query = request.GET.copy()
    query.pop("page", None)
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
def speaker_list(request: HttpRequest) -> HttpResponse:
    # A to Z walks the unique index on normalized_name and counts claims for the page's
    # rows only, so the list costs the same at any size; "most claims" has to count them all.
    by_claims = request.GET.get("sort") == "claims"
    speakers = Speaker.objects.annotate(n_claims=claims_per_row("speaker")).order_by(
        *(("-n_claims", "normalized_name") if by_claims else ("normalized_name",))
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
    return render(
        request,
        "quotes/speakers.html",
        {
            "page": _page(request, speakers),
            "q": q,
            "by_claims": by_claims,
            "query": urlencode(kept),
        },
    )


@login_required
@require_GET
def speaker_detail(request: HttpRequest, pk: int) -> HttpResponse:
    speaker = get_object_or_404(Speaker, pk=pk)
    # Our published verdicts only: drafts are not findings yet, and other organisations'
    # ratings (ExternalReview) are theirs, not ours to count.
    record = (
        Rating.objects.filter(
            verdicts__claim__speaker=speaker, verdicts__status=Verdict.Status.PUBLISHED
        )
        .annotate(n=Count("verdicts"))
        .order_by("order")
    )
    claims = speaker.claims.order_by(*CLAIM_LIST_ORDER)
    return render(
        request,
        "quotes/speaker.html",
        {
            "speaker": speaker,
            "aliases": list(speaker.aliases.all()),
            "record": list(record),
            "verdict_total": sum(rating.n for rating in record),
            "page": _page_of_claims(request, claims),
        },
    )


@login_required
@require_GET
def speaker_search(request: HttpRequest) -> JsonResponse:
    """Autocomplete: speakers whose name or alias contains the typed text."""
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
def ratings_css(request: HttpRequest) -> HttpResponse:
    """Each rating's colour as a CSS variable: editors set colours in the admin, and the
    CSP allows no inline styles, so the workbench loads them as a stylesheet."""
    rules = [
        f".rating-{slug} {{ --verdict: {colour}; }}"
        for slug, colour in Rating.objects.values_list("slug", "colour")
        # slugs and colours are validated by the model; skip anything else all the same
        if _CSS_SAFE_SLUG.fullmatch(slug) and _CSS_COLOUR.fullmatch(colour)
    ]
    response = HttpResponse("\n".join(rules) + "\n", content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "private, max-age=60"
    return response
