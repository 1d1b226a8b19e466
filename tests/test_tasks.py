"""Background tasks in eager mode: idempotent analysis, re-analysis after registry changes."""

from __future__ import annotations

from typing import Any

import pytest

from quotes import services, tasks
from quotes.models import Article, Claim, Speaker, Verdict
from tests import factories

pytestmark = pytest.mark.django_db

BODY = (
    "Officials met in Beirut on Sunday to discuss the border.\n\n"
    "“We are ready for anything,” said Karim Sayyed at the rally."
)


def quote(article: Article) -> Claim:
    return article.claims.get(kind=Claim.Kind.QUOTE)


def test_without_a_broker_tasks_run_inline(settings: Any) -> None:
    assert settings.CELERY_BROKER_URL == ""
    assert tasks.runs_inline()


def test_a_background_import_is_analysed_once() -> None:
    article = services.ingest_article(body=BODY, title="Border", background=True)
    article.refresh_from_db()
    assert not article.awaiting_analysis
    n = article.claims.count()
    assert n >= 2
    # delivered again (a worker died before acknowledging): nothing more happens
    assert tasks.analyse_article.delay(article.pk).get() is False
    assert article.claims.count() == n


def test_a_stored_article_waits_for_its_analysis(settings: Any, monkeypatch: Any) -> None:
    sent: list[Any] = []
    monkeypatch.setattr(tasks, "send", lambda task, *args: sent.append((task, args)))
    article = services.ingest_article(body=BODY, title="Border", background=True)
    assert article.awaiting_analysis and article.claims.count() == 0
    assert sent == [(tasks.analyse_article, (article.pk,))]
    assert services.analyse_article(article.pk) is True
    article.refresh_from_db()
    assert not article.awaiting_analysis and article.claims.count() >= 2


def test_retries_back_off_exponentially() -> None:
    assert [tasks._backoff(n) for n in range(7)] == [30, 60, 120, 240, 480, 960, 1800]


def test_time_limits_are_set_on_every_task() -> None:
    for task in (
        tasks.import_url,
        tasks.analyse_article,
        tasks.match_claims,
        tasks.poll_feeds,
        tasks.poll_feed,
        tasks.import_feed_entry,
        tasks.reanalyse_proposals,
    ):
        assert task.time_limit and task.soft_time_limit and task.soft_time_limit < task.time_limit


@pytest.fixture
def proposed(db: None) -> list[Article]:
    """Three articles where the machine proposed "Karim Sayyed", a name an editor then deletes
    from the registry to record it as an alias of Hassan Nasrallah."""
    articles = [services.ingest_article(body=BODY, title=f"Border {n}") for n in range(3)]
    assert quote(articles[0]).speaker.name == "Karim Sayyed"
    return articles


def test_an_alias_added_re_analyses_unconfirmed_proposals(
    proposed: list[Article], django_capture_on_commit_callbacks: Any, editor: Any
) -> None:
    first, confirmed, published = proposed
    # a reviewer decided the second article's quote has no known speaker: confirmed, kept
    Claim.objects.filter(pk=quote(confirmed).pk).update(speaker=None, speaker_confirmed=True)
    # the third is frozen by a published verdict
    factories.VerdictFactory(claim=quote(published), status=Verdict.Status.PUBLISHED)
    before = quote(first).version

    nasrallah = Speaker.objects.create(name="Hassan Nasrallah")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        Speaker.objects.filter(name="Karim Sayyed").delete()  # the claims' speaker becomes empty
        nasrallah.add_alias("Karim Sayyed")
    assert len(callbacks) == 1  # two changes, one re-analysis

    claim = quote(first)
    assert claim.speaker == nasrallah
    assert claim.version == before + 1
    assert claim.history.first().history_change_reason == services.REANALYSED
    assert quote(confirmed).speaker is None and quote(confirmed).speaker_confirmed
    assert quote(published).speaker is None


def test_re_analysis_runs_in_batches_and_changes_nothing_twice(
    proposed: list[Article], monkeypatch: Any
) -> None:
    monkeypatch.setattr(tasks, "REANALYSIS_BATCH", 1)
    nasrallah = Speaker.objects.create(name="Hassan Nasrallah")
    Speaker.objects.filter(name="Karim Sayyed").delete()
    nasrallah.add_alias("Karim Sayyed")  # inside the test's transaction: no on-commit run
    calls: list[list[int]] = []
    real = services.reanalyse_proposals
    monkeypatch.setattr(services, "reanalyse_proposals", lambda ids: calls.append(ids) or real(ids))
    assert tasks.reanalyse_proposals.delay().get() == 3
    assert calls == [[a.pk] for a in proposed] + [[]]
    assert tasks.reanalyse_proposals.delay().get() == 0


def test_imports_do_not_start_a_re_analysis(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        services.ingest_article(body=BODY, title="Border")  # creates Karim Sayyed
    assert callbacks == []


def test_merging_speakers_starts_one_re_analysis(
    proposed: list[Article], django_capture_on_commit_callbacks: Any, editor: Any
) -> None:
    nasrallah = Speaker.objects.create(name="Hassan Nasrallah")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        nasrallah.merge(list(Speaker.objects.filter(name="Karim Sayyed")), by=editor)
    assert len(callbacks) == 1
    assert {quote(a).speaker for a in proposed} == {nasrallah}
