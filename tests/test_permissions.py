"""A permissions matrix that walks every URL pattern of the workbench."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from quotes.models import Rating, Verdict
from tests.factories import ClaimFactory, EvidenceFactory, VerdictFactory

pytestmark = pytest.mark.django_db

PUBLIC = {"reports:verdict"}  # public permalinks: no login, published verdicts only


def named_patterns() -> Iterator[tuple[str, URLPattern]]:
    """(namespaced name, pattern) for every route of our own apps (admin and auth excluded)."""

    def walk(patterns: list, namespace: str | None) -> Iterator[tuple[str, URLPattern]]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace in ("admin",) or "accounts" in str(entry.pattern):
                    continue
                yield from walk(entry.url_patterns, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry

    yield from walk(get_resolver().url_patterns, None)


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
        elif type(converter).__name__ == "IntConverter":
            # pk of the object the route names (quotes:claim -> claim), else the claim.
            stem = name.split(":")[-1].split("_")[0]
            kwargs[key] = world.get(stem, world["pk"])
        else:
            kwargs[key] = "x"
    return reverse(name, kwargs=kwargs)


def test_every_route_sends_anonymous_users_to_login(world: dict[str, int]) -> None:
    client = Client()
    routes = list(named_patterns())
    assert routes, "no routes found"
    for name, pattern in routes:
        if name in PUBLIC:
            continue
        url = url_for(name, pattern, world)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code in (302, 403, 405), (name, method, response.status_code)
            if response.status_code == 302:
                assert response["Location"].startswith(reverse("login")), (name, method)


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


@pytest.mark.parametrize("model", ["article", "claim", "speaker", "verdict", "evidence", "source"])
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
