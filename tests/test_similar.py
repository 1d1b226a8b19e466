"""Similar claims, stored when claims are created or change (quotes/similar.py)."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from quotes import review, similar
from quotes.models import Claim, SimilarClaim
from quotes.search import similar_claims
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db

TEXT = "Unemployment rose sharply in May across the northern region"


def claim(text: str) -> Claim:
    return ClaimFactory(article=ArticleFactory(body=text), end=len(text))


def pairs_of(c: Claim) -> set[int]:
    rows = SimilarClaim.objects.filter(Q(claim=c) | Q(other=c)).values_list("claim_id", "other_id")
    return {b if a == c.pk else a for a, b in rows}


def test_a_new_claim_is_paired_with_its_near_copies_in_other_articles() -> None:
    first = claim(TEXT)
    ClaimFactory(article=first.article, start=0, end=20)  # same article: never "similar"
    claim("A completely different statement about tariffs and steel")
    near = claim(TEXT + " of the country")
    assert pairs_of(first) == {near.pk}
    # found from either side: the older claim's page shows the newer one
    assert similar_claims(first) == [near] and similar_claims(near) == [first]
    assert 0.3 <= similar_claims(first)[0].similarity <= 1  # type: ignore[attr-defined]


def test_a_changed_text_is_paired_again(editor: User) -> None:
    body = TEXT + ". Taxes on steel went up by a third in the spring"
    whole = ClaimFactory(article=ArticleFactory(body=body), end=len(body))
    near = claim(TEXT + " of the country")
    assert whole.pk in pairs_of(near)
    # the split leaves `whole` with the unemployment sentence: still paired, with a new score
    before = SimilarClaim.objects.get(claim=min(whole.pk, near.pk)).score
    first, second = review.split_claim(whole, by=editor, at=len(TEXT) + 2, version=whole.version)
    assert pairs_of(first) == {near.pk} and not pairs_of(second)
    assert SimilarClaim.objects.get(claim=min(first.pk, near.pk)).score > before


def test_pairs_go_with_their_claims() -> None:
    first, near = claim(TEXT), claim(TEXT + " again")
    assert SimilarClaim.objects.count() == 1
    near.article.delete()
    assert SimilarClaim.objects.count() == 0
    assert similar_claims(first) == []


def test_the_work_per_new_claim_is_bounded() -> None:
    def cost() -> tuple[int, int]:
        new = claim(TEXT + " at last")
        SimilarClaim.objects.filter(Q(claim=new) | Q(other=new)).delete()
        with CaptureQueriesContext(connection) as queries:
            similar.compute([new.pk])
        return len(queries), len(pairs_of(new))

    for n in range(8):
        claim(f"{TEXT}, copy {n}")
    small = cost()
    for n in range(40):
        claim(f"{TEXT}, another copy {n}")
    large = cost()
    assert small[0] == large[0]  # same queries, whatever the number of candidates
    assert small[1] == large[1] == similar.STORED


def test_compute_similar_claims_backfills_in_batches() -> None:
    first, near, other = claim(TEXT), claim(TEXT + " again"), claim(TEXT + " once more")
    SimilarClaim.objects.all().delete()
    out = io.StringIO()
    call_command("compute_similar_claims", "--batch", "2", stdout=out)
    assert pairs_of(first) == {near.pk, other.pk}
    assert "Done: 3 claims" in out.getvalue()
    # resumable, and idempotent: pairs stored already are kept
    call_command("compute_similar_claims", "--after", str(near.pk), stdout=out)
    assert SimilarClaim.objects.count() == 3
