"""A permissions matrix that walks every URL pattern of the workbench."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from quotes.models import Rating, Verdict
from tests.factories import (
    ClaimFactory,
    EvidenceFactory,
    UserFactory,
    VerdictFactory,
    editor,
    fact_checker,
)

pytestmark = pytest.mark.django_db

PUBLIC = {"reports:verdict"}  # public permalinks: no login, published verdicts only


def named_patterns(admin: bool = False) -> Iterator[tuple[str, URLPattern]]:
    """(namespaced name, pattern) for every route of our own apps (auth excluded); with
    `admin`, the admin's routes for our models instead."""

    def walk(patterns: list, namespace: str | None) -> Iterator[tuple[str, URLPattern]]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if "accounts" in str(entry.pattern):
                    continue
                yield from walk(entry.url_patterns, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry

    for name, pattern in walk(get_resolver().url_patterns, None):
        if name.startswith("admin:") == admin and (not admin or name.startswith("admin:quotes_")):
            yield name, pattern


@pytest.fixture
def world() -> dict[str, int]:
    claim = ClaimFactory()
    EvidenceFactory(claim=claim)
    published = VerdictFactory(published=True)
    return {
        "article": claim.article_id,
        "claim": claim.pk,
        "speaker": claim.speaker_id,
        "verdict": published.pk,
        "evidence": claim.evidence.get().pk,
        "pk": claim.pk,
    }


def url_for(name: str, pattern: URLPattern, world: dict[str, int]) -> str:
    kwargs: dict[str, object] = {}
    for key, converter in pattern.pattern.converters.items():
        if key == "fmt":
            kwargs[key] = "csv"
        elif key == "evidence_pk":
            kwargs[key] = world["evidence"]
        elif type(converter).__name__ == "IntConverter":
            # pk of the object the route names (quotes:claim -> claim), else the claim.
            stem = name.split(":")[-1].split("_")[0]
            kwargs[key] = world.get(stem, world["pk"])
        else:
            kwargs[key] = "x"
    if name.startswith("admin:quotes_"):
        model = name.removeprefix("admin:quotes_").split("_", 1)[0]
        groups = pattern.pattern.regex.groups
        if not kwargs and groups:  # simple_history's routes: positional regex groups
            return reverse(name, args=[world.get(model, world["pk"]), 1][:groups])
        for key in kwargs:
            if key in ("object_id",):
                kwargs[key] = world.get(model, world["pk"])
            elif key == "history_id":
                kwargs[key] = 1
    return reverse(name, kwargs=kwargs)


# Who may use each route of the workbench and the reports, and with which methods. The
# matrix test fails on a route missing here: a new URL cannot escape the check.
CHECKER, EDITOR, ANYONE = "checker", "editor", "anyone"
ROUTES: dict[str, tuple[str, set[str]]] = {
    "quotes:dashboard": (CHECKER, {"GET"}),
    "quotes:import": (CHECKER, {"GET", "POST"}),
    "quotes:import_url": (CHECKER, {"POST"}),
    "quotes:article": (CHECKER, {"GET"}),
    "quotes:article_claim_create": (CHECKER, {"POST"}),
    "quotes:reshape_undo": (CHECKER, {"POST"}),
    "quotes:claims": (CHECKER, {"GET"}),
    "quotes:claim": (CHECKER, {"GET"}),
    "quotes:claim_speaker": (CHECKER, {"POST"}),
    "quotes:claim_kind": (CHECKER, {"POST"}),
    "quotes:claim_split": (CHECKER, {"POST"}),
    "quotes:claim_merge": (CHECKER, {"POST"}),
    "quotes:claim_evidence": (CHECKER, {"POST"}),
    "quotes:claim_evidence_detach": (CHECKER, {"POST"}),
    "quotes:claim_verdict": (CHECKER, {"POST"}),
    "quotes:claim_publish": (EDITOR, {"POST"}),
    "quotes:speakers": (CHECKER, {"GET"}),
    "quotes:speaker_search": (CHECKER, {"GET"}),
    "quotes:speaker": (CHECKER, {"GET"}),
    "quotes:ratings_css": (CHECKER, {"GET"}),
    "reports:article_export": (CHECKER, {"GET"}),
    "reports:claims_export": (CHECKER, {"GET"}),
    "reports:background": (CHECKER, {"POST"}),
    "reports:file": (CHECKER, {"GET"}),
    "reports:download": (CHECKER, {"GET"}),
    "reports:verdict": (ANYONE, {"GET"}),
}


def expected(role: str, who: str, allowed: bool) -> set[int] | str:
    """The statuses a user `who` may get from a route for `role`: a set, or "ok"."""
    if who == "anonymous":
        if role == ANYONE:
            return "ok" if allowed else {405}
        return {302, 405}  # to the login page, or the method refused first
    if not allowed:
        return {405}
    if role == ANYONE or who == "editor" or (who == "checker" and role == CHECKER):
        return "ok"
    return {403}


@pytest.mark.parametrize("who", ["anonymous", "no group", "checker", "editor"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_permissions_matrix_over_every_route(world: dict[str, int], who: str, method: str) -> None:
    routes = list(named_patterns())
    assert {name for name, _ in routes} == set(ROUTES), "add the new route to ROUTES"
    client = Client()
    users = {"no group": UserFactory, "checker": fact_checker, "editor": editor}
    if who in users:
        client.force_login(users[who](username=who.replace(" ", "")))
    for name, pattern in routes:
        role, methods = ROUTES[name]
        url = url_for(name, pattern, world)
        response = getattr(client, method)(url)
        want = expected(role, who, method.upper() in methods)
        status = response.status_code
        if want == "ok":
            assert status < 500 and status not in (401, 403), (name, who, method, status)
            assert status != 302 or "/accounts/login/" not in response["Location"], name
        else:
            assert status in want, (name, who, method, status)
        if status == 302 and who == "anonymous":
            assert response["Location"].startswith(reverse("login")), (name, method)
        if status == 403:
            assert "Ask an editor" in response.content.decode(), (name, who)


@pytest.mark.parametrize("who", ["anonymous", "no group", "checker", "editor"])
def test_the_admin_of_our_models_refuses_or_serves_never_fails(
    world: dict[str, int], who: str
) -> None:
    client = Client()
    users = {"no group": UserFactory, "checker": fact_checker, "editor": editor}
    if who in users:
        client.force_login(users[who](username=who.replace(" ", "")))
    routes = list(named_patterns(admin=True))
    assert len(routes) > 30
    for name, pattern in routes:
        url = url_for(name, pattern, world)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            status = response.status_code
            assert status < 500, (name, who, method, status)
            if who in ("anonymous", "no group"):  # not staff: to the admin's login
                assert status == 302 and "/admin/login/" in response["Location"], (name, who)


def test_public_permalinks_show_published_verdicts_only() -> None:
    client = Client()
    published = VerdictFactory(published=True, rationale="Published reasoning here.")
    draft = VerdictFactory(rationale="Secret draft reasoning.")
    review = VerdictFactory(status=Verdict.Status.IN_REVIEW, rationale="Secret review reasoning.")

    page = client.get(reverse("reports:verdict", args=[published.pk]))
    assert page.status_code == 200
    assert b"Published reasoning here." in page.content
    for hidden in (draft, review):
        assert client.get(reverse("reports:verdict", args=[hidden.pk])).status_code == 404


def test_fact_checker_cannot_touch_the_rating_scale(checker_client: Client) -> None:
    rating = Rating.objects.first()
    assert rating is not None
    for url in (
        reverse("admin:quotes_rating_add"),
        reverse("admin:quotes_rating_delete", args=[rating.pk]),
    ):
        assert checker_client.get(url).status_code == 403
    # fact-checkers may look at the scale (read-only), never change it
    change = reverse("admin:quotes_rating_change", args=[rating.pk])
    assert 'name="_save"' not in checker_client.get(change).content.decode()
    response = checker_client.post(
        change, {"label": "Renamed", "slug": rating.slug, "colour": "#000000", "order": 1}
    )
    assert response.status_code == 403
    rating.refresh_from_db()
    assert rating.label != "Renamed"
    response = checker_client.post(
        reverse("admin:quotes_rating_add"),
        {"label": "Sort of", "slug": "sort-of", "colour": "#000000", "order": 1},
    )
    assert response.status_code == 403
    assert not Rating.objects.filter(slug="sort-of").exists()


def test_editor_can_change_the_rating_scale(editor_client: Client) -> None:
    response = editor_client.post(
        reverse("admin:quotes_rating_add"),
        {"label": "Sort of", "slug": "sort-of", "colour": "#000000", "order": 1, "value": ""},
    )
    assert response.status_code == 302
    assert Rating.objects.filter(slug="sort-of").exists()


# Evidence is not in the list: detaching a source is a fact-checker's work (see
# test_integrity.py for the published claims whose evidence nobody may detach).
@pytest.mark.parametrize("model", ["article", "claim", "speaker", "verdict", "source"])
def test_fact_checker_cannot_delete_in_the_admin(
    checker_client: Client, editor_client: Client, world: dict[str, int], model: str
) -> None:
    from django.apps import apps

    obj = apps.get_model("quotes", model).objects.first()
    url = reverse(f"admin:quotes_{model}_delete", args=[obj.pk])
    assert checker_client.post(url, {"post": "yes"}).status_code == 403
    assert apps.get_model("quotes", model).objects.filter(pk=obj.pk).exists()
    assert editor_client.get(url).status_code == 200


def test_publishing_routes_refuse_fact_checkers(
    checker_client: Client, editor_client: Client, world: dict[str, int]
) -> None:
    publishing = [(n, p) for n, p in named_patterns() if "publish" in n]
    assert publishing, "the workbench offers no publishing route"
    for name, pattern in publishing:
        draft = VerdictFactory(status=Verdict.Status.IN_REVIEW)
        world_for_draft = {**world, "verdict": draft.pk, "claim": draft.claim_id}
        url = url_for(name, pattern, world_for_draft)
        response = checker_client.post(url)
        assert response.status_code == 403, name
        draft.refresh_from_db()
        assert draft.status == Verdict.Status.IN_REVIEW
