"""Two reviewers at the same moment, on two real database connections (threads).

Each pair starts together behind a barrier. Exactly one wins; the other is answered 409
with the newer version, never a 500 (SQLite's "database is locked" included), and
nothing either of them did is lost: the loser's input comes back in the 409's message.
The same tests run on SQLite (`make test`) and on PostgreSQL (DATABASE_URL).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from quotes import review
from quotes.models import Claim, Verdict
from tests.factories import ArticleFactory, ClaimFactory, VerdictFactory, editor, fact_checker
from tests.factories import rating as scale

# Transactional, so that the threads see what the test wrote; serialized_rollback brings
# back the groups and the rating scale that the flush between tests removes.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROUNDS = 3


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def together(*requests: Callable[[], object]) -> list[object]:
    """Run the requests at once, each on its own thread and database connection."""
    barrier = threading.Barrier(len(requests))
    results: list[object] = [None] * len(requests)

    def run(index: int, request: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = request()
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            results[index] = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(i, request)) for i, request in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


def statuses(responses: list[object]) -> list[int]:
    return sorted(response.status_code for response in responses)  # type: ignore[attr-defined]


@pytest.fixture
def people() -> dict[str, Client]:
    return {
        "editor": client_for(editor(username="ed")),
        "editor2": client_for(editor(username="ed2")),
        "checker": client_for(fact_checker(username="fc")),
        "checker2": client_for(fact_checker(username="fc2")),
    }


def test_two_publishes_one_wins(people: dict[str, Client]) -> None:
    for _ in range(ROUNDS):
        verdict = VerdictFactory(status=Verdict.Status.IN_REVIEW)
        url = reverse("quotes:claim_publish", args=[verdict.claim_id])
        data = {"action": "publish", "version": 1}
        responses = together(
            lambda url=url, data=data: people["editor"].post(url, data),
            lambda url=url, data=data: people["editor2"].post(url, data),
        )
        assert statuses(responses) == [302, 409]
        loser = next(r for r in responses if r.status_code == 409)  # type: ignore[attr-defined]
        assert "now version 2" in loser.content.decode()  # type: ignore[attr-defined]
        verdict.refresh_from_db()
        assert verdict.is_published and verdict.version == 2
        assert sorted(verdict.history.values_list("version", flat=True)) == [1, 2]


def test_publish_against_a_save_loses_nothing(people: dict[str, Client]) -> None:
    for _ in range(ROUNDS):
        verdict = VerdictFactory(status=Verdict.Status.IN_REVIEW, rationale="First reasoning.")
        claim_id = verdict.claim_id
        text = "Second thoughts of the checker."
        publish, save = together(
            lambda c=claim_id: people["editor"].post(
                reverse("quotes:claim_publish", args=[c]), {"action": "publish", "version": 1}
            ),
            lambda c=claim_id, text=text: people["checker"].post(
                reverse("quotes:claim_verdict", args=[c]),
                {
                    "version": 1,
                    "rating": scale("false").pk,
                    "rationale": text,
                    "status": "review",
                },
            ),
        )
        assert statuses([publish, save]) == [302, 409]
        verdict.refresh_from_db()
        assert verdict.version == 2
        if save.status_code == 302:  # type: ignore[attr-defined]
            assert verdict.rationale == text and verdict.status == "review"
        else:
            # published as the editor saw it; the checker's text comes back to them
            assert verdict.is_published and verdict.rationale == "First reasoning."
            assert text in save.content.decode()  # type: ignore[attr-defined]
        versions = list(verdict.history.values_list("version", flat=True))
        assert sorted(versions) == [1, 2]


def test_split_against_a_speaker_confirmation(people: dict[str, Client]) -> None:
    for _ in range(ROUNDS):
        claim = ClaimFactory(speaker_confirmed=False)
        split, confirm = together(
            lambda c=claim: people["checker"].post(
                reverse("quotes:claim_split", args=[c.pk]), {"version": 1, "at": 10}
            ),
            lambda c=claim: people["checker2"].post(
                reverse("quotes:claim_speaker", args=[c.pk]),
                {"version": 1, "speaker_name": c.speaker.name},
            ),
        )
        assert statuses([split, confirm]) == [302, 409]
        claim.refresh_from_db()
        assert claim.version == 2
        parts = Claim.objects.filter(article_id=claim.article_id).count()
        if confirm.status_code == 302:  # type: ignore[attr-defined]
            assert claim.speaker_confirmed and parts == 1
        else:
            assert not claim.speaker_confirmed and parts == 2


def test_two_overlapping_creates(people: dict[str, Client]) -> None:
    for _ in range(ROUNDS):
        article = ArticleFactory(body="One long sentence to select from, twice over. " * 3)
        url = reverse("quotes:article_claim_create", args=[article.pk])
        responses = together(
            lambda url=url: people["checker"].post(
                url, {"version": 1, "start": 0, "end": 30, "kind": "statement"}
            ),
            lambda url=url: people["checker2"].post(
                url, {"version": 1, "start": 10, "end": 45, "kind": "statement"}
            ),
        )
        assert statuses(responses) == [302, 409]
        loser = next(r for r in responses if r.status_code == 409)  # type: ignore[attr-defined]
        assert "now version 2" in loser.content.decode()  # type: ignore[attr-defined]
        assert Claim.objects.filter(article=article).count() == 1


def test_many_saves_at_once_wait_or_conflict_never_fail(people: dict[str, Client]) -> None:
    """The SQLite finding: simultaneous saves gave 500 "database is locked"."""
    verdict = VerdictFactory()
    url = reverse("quotes:claim_verdict", args=[verdict.claim_id])

    def save(who: str) -> object:
        data = {"version": 1, "rating": scale("true").pk, "rationale": who, "status": "draft"}
        return people[who].post(url, data)

    responses = together(*(lambda who=who: save(who) for who in people))
    codes = statuses(responses)
    assert codes.count(302) == 1 and codes.count(409) == len(people) - 1
    verdict.refresh_from_db()
    assert verdict.version == 2


def test_the_transitions_lock_rows_on_postgresql() -> None:
    """A direct check of the lock: a second connection cannot take the claim's row while
    a transition holds it (SQLite locks the whole database instead)."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL only")
    from django.db import transaction

    user = editor(username="locker")
    verdict = VerdictFactory(status=Verdict.Status.IN_REVIEW)
    held = threading.Event()
    release = threading.Event()
    seen: list[str] = []

    def hold() -> None:
        try:
            with transaction.atomic():
                Claim.objects.select_for_update().get(pk=verdict.claim_id)
                held.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    def try_publish() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '300ms'")
            try:
                review.publish_verdict(verdict, by=user)
                seen.append("published")
            except Exception as exc:  # noqa: BLE001
                seen.append(type(exc).__name__)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    assert held.wait(timeout=30)
    publisher = threading.Thread(target=try_publish)
    publisher.start()
    publisher.join(timeout=30)
    release.set()
    holder.join(timeout=30)
    assert seen == ["OperationalError"]  # waited on the lock, gave up at lock_timeout
