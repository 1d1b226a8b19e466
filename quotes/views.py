"""The fact-checker's pages. Views stay thin: validate, call a model or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from quotes import services
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
)
from quotes.highlight import segments
from quotes.models import Article, Claim, Rating, Speaker, SpeakerAlias, StaleEdit, Verdict
from quotes.search import similar_claims
from quotes.text import normalize_name

CLAIMS_PER_PAGE = 50


def _page(request: HttpRequest, items: Any, per_page: int = CLAIMS_PER_PAGE) -> Any:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    quotes = Q(claims__kind=Claim.Kind.QUOTE)
    articles = Article.objects.order_by("-created", "-pk").annotate(
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
    return render(request, "quotes/dashboard.html", {"page": _page(request, articles, 25)})


@login_required
def article_import(request: HttpRequest) -> HttpResponse:
    form = ArticleImportForm(request.POST or None, request.FILES or None)
    preview = None
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
                preview = services.propose_claims(body)
                # carry an uploaded file's text into the form, so "Save" needs no re-upload
                data = request.POST.copy()
                data["text"] = body
                form = ArticleImportForm(data)
                form.is_valid()
        else:
            status = 400
    return render(request, "quotes/import.html", {"form": form, "preview": preview}, status=status)


def _workbench_claims(article: Article) -> Any:
    return article.claims.select_related("speaker", "verdict__rating").order_by("start", "end")


@login_required
@require_GET
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk)
    claims = list(_workbench_claims(article))
    selected = None
    if request.GET.get("claim", "").isdigit():
        selected = next((c for c in claims if c.pk == int(request.GET["claim"])), None)
    return render(
        request,
        "quotes/article.html",
        {
            "article": article,
            "claims": claims,
            "segments": segments(article.body, claims),
            "selected": selected,
            "panel": _panel_context(request, selected) if selected else None,
            "create_form": CreateClaimForm(),
        },
    )


def _panel_context(request: HttpRequest, claim: Claim, **forms: Any) -> dict[str, Any]:
    verdict = getattr(claim, "verdict", None)
    context = {
        "claim": claim,
        "verdict": verdict,
        "evidence": list(claim.evidence.select_related("source", "added_by")),
        "speaker_form": forms.get("speaker_form")
        or SpeakerForm(
            initial={
                "version": claim.version,
                "speaker_name": claim.speaker.name if claim.speaker else "",
            }
        ),
        "kind_form": forms.get("kind_form")
        or KindForm(initial={"version": claim.version, "kind": claim.kind}),
        "split_form": forms.get("split_form") or SplitForm(),
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
        "ratings": Rating.objects.all(),
    }
    return context


def _claim(pk: int) -> Claim:
    return get_object_or_404(
        Claim.objects.select_related("article", "speaker", "verdict__rating", "verdict__reviewer"),
        pk=pk,
    )


@login_required
@require_GET
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(pk)
    if request.htmx:
        return render(request, "quotes/_panel.html", _panel_context(request, claim))
    return _claim_page(request, claim)


def _claim_page(
    request: HttpRequest, claim: Claim, status: int = 200, **forms: Any
) -> HttpResponse:
    body = claim.article.body
    verdict = getattr(claim, "verdict", None)
    history = (
        list(
            verdict.history.select_related("history_user", "rating").order_by("-history_date")[:50]
        )
        if verdict
        else []
    )
    context = _panel_context(request, claim, **forms)
    context.update(
        {
            "before": body[max(0, claim.start - 400) : claim.start],
            "after": body[claim.end : claim.end + 400],
            "history": history,
            "similar": similar_claims(claim),
        }
    )
    return render(request, "quotes/claim.html", context, status=status)


def _answer(request: HttpRequest, claim: Claim, *, status: int = 200, **forms: Any) -> HttpResponse:
    """After an action: the panel in place for htmx, else the claim page (or a redirect)."""
    if request.htmx:
        response = render(request, "quotes/_panel.html", _panel_context(request, claim, **forms))
        response["HX-Trigger"] = "claimChanged"
        return response
    if status != 200:
        return _claim_page(request, claim, status=status, **forms)
    return redirect(claim)


def _stale(request: HttpRequest, exc: StaleEdit, what: str) -> None:
    current = exc.current
    messages.error(
        request,
        f"Not saved: someone else changed this {what} since you opened it "
        f"(it is now version {current.version}: {current}). Review the current version "
        "below and apply your change again.",
    )


@login_required
@require_POST
def claim_speaker(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(pk)
    form = SpeakerForm(request.POST)
    if not form.is_valid():
        return _answer(request, claim, status=400, speaker_form=form)
    data = form.cleaned_data
    try:
        with transaction.atomic():
            speaker = data["speaker"]
            if data.get("new_speaker") is not None:
                speaker = data["new_speaker"]
                speaker.full_clean()
                speaker.save()
            if data.get("new_alias"):
                speaker.add_alias(data["new_alias"])
            claim.speaker = speaker
            claim.speaker_confirmed = speaker is not None
            claim.attribution_method = (
                claim.attribution_method if speaker == _claim(pk).speaker else "manual"
            )
            claim.save_checked(data["version"])
    except StaleEdit as exc:
        _stale(request, exc, "claim")
        return _answer(request, _claim(pk), status=409)
    except ValidationError as exc:
        form.add_error("speaker_name", exc)
        return _answer(request, claim, status=400, speaker_form=form)
    messages.success(
        request, f"Speaker confirmed: {speaker}." if speaker else "Speaker removed from the claim."
    )
    return _answer(request, _claim(pk))


@login_required
@require_POST
def claim_kind(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(pk)
    form = KindForm(request.POST)
    if not form.is_valid():
        return _answer(request, claim, status=400, kind_form=form)
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
        _stale(request, exc, "claim")
        return _answer(request, _claim(pk), status=409)
    messages.success(request, f"Kind changed to {claim.get_kind_display().lower()}.")
    return _answer(request, _claim(pk))


@login_required
@require_POST
def claim_split(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(pk)
    form = SplitForm(request.POST)
    if form.is_valid():
        try:
            first, second = services.split_claim(claim, claim.start + form.cleaned_data["at"])
        except ValidationError as exc:
            form.add_error("at", exc)
        else:
            messages.success(request, "Claim split in two.")
            return _after_reshape(request, first)
    return _answer(request, claim, status=400, split_form=form)


@login_required
@require_POST
def claim_merge(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(pk)
    try:
        merged = services.merge_with_next(claim)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _answer(request, claim, status=400)
    messages.success(request, "Merged with the next claim.")
    return _after_reshape(request, merged)


def _after_reshape(request: HttpRequest, claim: Claim) -> HttpResponse:
    """Splits, merges and new claims change the article's highlights: reload the workbench."""
    url = f"{claim.article.get_absolute_url()}?claim={claim.pk}#claim-{claim.pk}"
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@login_required
@require_POST
def claim_create(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk)
    form = CreateClaimForm(request.POST)
    if form.is_valid():
        try:
            claim = services.create_claim(
                article,
                form.cleaned_data["start"],
                form.cleaned_data["end"],
                form.cleaned_data["kind"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"New claim: “{claim}”.")
            return _after_reshape(request, claim)
    for error in form.errors.get("__all__", []) + [
        f"{name}: {' '.join(errs)}" for name, errs in form.errors.items() if name != "__all__"
    ]:
        messages.error(request, error)
    if request.htmx:
        return render(request, "quotes/_messages.html", status=200)
    return redirect(article)


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
    return _answer(request, _claim(pk))


@login_required
@require_POST
def claim_verdict(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(pk)
    form = VerdictForm(request.POST)
    if not form.is_valid():
        return _answer(request, claim, status=400, verdict_form=form)
    data = form.cleaned_data
    verdict = getattr(claim, "verdict", None)
    try:
        with transaction.atomic():
            if verdict is None:
                if data["version"] != 0:
                    raise StaleEdit(claim)
                Verdict.objects.create(
                    claim=claim,
                    rating=data["rating"],
                    rationale=data["rationale"],
                    status=data["status"],
                    reviewer=request.user,
                )
            else:
                if verdict.is_published and not request.user.has_perm("quotes.publish_verdict"):
                    raise PermissionDenied("Only editors can change a published verdict.")
                verdict.rating = data["rating"]
                verdict.rationale = data["rationale"]
                verdict.status = data["status"]
                verdict.reviewer = verdict.reviewer or request.user
                verdict.save_checked(data["version"])
    except StaleEdit as exc:
        _stale(request, exc, "verdict")
        return _answer(request, _claim(pk), status=409)
    messages.success(request, "Verdict saved.")
    return _answer(request, _claim(pk))


@login_required
@require_POST
def verdict_publish(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(pk)
    verdict = getattr(claim, "verdict", None)
    if not request.user.has_perm("quotes.publish_verdict"):
        raise PermissionDenied("Only editors can publish verdicts.")
    form = PublishForm(request.POST)
    if verdict is None or not form.is_valid():
        messages.error(request, "There is no verdict to publish, or the request was incomplete.")
        return _answer(request, claim, status=400)
    if form.cleaned_data["version"] != verdict.version:
        _stale(request, StaleEdit(verdict), "verdict")
        return _answer(request, claim, status=409)
    if form.cleaned_data["action"] == "publish":
        verdict.publish(by=request.user)
        messages.success(request, "Verdict published: it is now on its public page and in exports.")
    else:
        verdict.unpublish(by=request.user)
        messages.success(request, "Verdict sent back to review.")
    return _answer(request, _claim(pk))


@login_required
@require_GET
def claim_list(request: HttpRequest) -> HttpResponse:
    claims = Claim.objects.select_related("article", "speaker", "verdict__rating").order_by(
        "-article__created", "article_id", "start"
    )
    filterset = ClaimFilter(request.GET or None, queryset=claims, request=request)
    status = 200
    if filterset.is_bound and not filterset.is_valid():
        status = 400
        page = None
    else:
        page = _page(request, filterset.qs)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "quotes/claims.html",
        {"filter": filterset, "page": page, "query": query.urlencode()},
        status=status,
    )


@login_required
@require_GET
def speaker_list(request: HttpRequest) -> HttpResponse:
    speakers = Speaker.objects.annotate(n_claims=Count("claims")).order_by("-n_claims", "name")
    q = request.GET.get("q", "").strip()
    if q:
        key = normalize_name(q)
        speakers = speakers.filter(
            Q(normalized_name__contains=key) | Q(aliases__normalized__contains=key)
        ).distinct()
    return render(request, "quotes/speakers.html", {"page": _page(request, speakers), "q": q})


@login_required
@require_GET
def speaker_detail(request: HttpRequest, pk: int) -> HttpResponse:
    speaker = get_object_or_404(Speaker, pk=pk)
    record = (
        Rating.objects.filter(verdicts__claim__speaker=speaker)
        .annotate(n=Count("verdicts"))
        .order_by("order")
    )
    claims = speaker.claims.select_related("article", "verdict__rating").order_by(
        "-article__created", "start"
    )
    return render(
        request,
        "quotes/speaker.html",
        {
            "speaker": speaker,
            "aliases": list(speaker.aliases.all()),
            "record": list(record),
            "page": _page(request, claims),
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
