"""Shared helpers for the workbench view tests."""

from __future__ import annotations

from pathlib import Path

from quotes import counters, similar
from quotes.models import Article, Claim, Evidence, Source, Speaker, SpeakerAlias, Verdict
from tests.factories import ArticleFactory, EvidenceFactory, SpeakerFactory, VerdictFactory

SEED = Path(__file__).resolve().parents[1] / "quotes" / "demo" / "seed_article.txt"


def counts() -> tuple[int, ...]:
    """Row counts of every table an action could write to, to assert that nothing changed."""
    models = (Article, Claim, Speaker, SpeakerAlias, Source, Evidence, Verdict)
    return tuple(m.objects.count() for m in models)


def article_with_claims(n: int) -> Article:
    """An article with `n` quotes, half of them with a verdict and evidence, all by one speaker."""
    article = ArticleFactory(body="Word " * max(n, 1) + "end.")
    speaker = SpeakerFactory()
    Claim.objects.bulk_create(
        Claim(
            article=article,
            start=i * 5,
            end=i * 5 + 4,
            exact="Word",
            position=i + 1,
            kind="quote",
            speaker=speaker,
        )
        for i in range(n)
    )
    # what every bulk path does after bulk_create, which skips Claim.save()
    counters.add_claims({speaker.pk: n})
    similar.compute(article.claims.values_list("pk", flat=True))
    for claim in Claim.objects.filter(article=article)[: n // 2]:
        VerdictFactory(claim=claim)
        EvidenceFactory(claim=claim)
    return article
