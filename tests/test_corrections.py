"""A verdict changed after unpublishing says so when it is republished."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quotes import exports
from quotes.models import Verdict
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def corrected(editor: Any, monkeypatch: pytest.MonkeyPatch) -> Verdict:
    """Published on 4 March, unpublished with a reason, changed, republished on 9 March."""
    verdict = factories.VerdictFactory(
        rating=factories.rating("false"), status=Verdict.Status.IN_REVIEW
    )
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2024, 3, 4, 12, tzinfo=dt.UTC))
    verdict.publish(by=editor)
    verdict.unpublish(by=editor, reason="The March figures were revised; the rating was wrong.")
    verdict.refresh_from_db()
    verdict.rating = factories.rating("mostly-false")
    verdict.save()
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2024, 3, 9, 12, tzinfo=dt.UTC))
    verdict.publish(by=editor)
    return verdict


def test_the_unpublish_reason_is_kept_in_the_history(corrected: Verdict) -> None:
    reasons = [h.history_change_reason for h in corrected.history.order_by("history_date")]  # type: ignore[attr-defined]

    assert "Unpublished: The March figures were revised; the rating was wrong." in reasons
    assert corrected.correction_note == "The March figures were revised; the rating was wrong."


def test_claimreview_has_the_first_date_and_date_modified(corrected: Verdict) -> None:
    [review] = json.loads(
        b"".join(exports.export_article(corrected.claim.article, "claimreview").chunks)
    )

    assert review["datePublished"] == "2024-03-04"
    assert review["dateModified"] == "2024-03-09"


def test_the_public_page_and_reports_show_the_correction(
    corrected: Verdict, client: Client
) -> None:
    note = "The March figures were revised; the rating was wrong."

    page = client.get(corrected.get_public_url()).content.decode()
    html = b"".join(exports.export_article(corrected.claim.article, "html").chunks).decode()
    md = b"".join(exports.export_article(corrected.claim.article, "md").chunks).decode()
    data = json.loads(b"".join(exports.export_article(corrected.claim.article, "json").chunks))

    assert f"Correction (9 March 2024):</strong> {note}" in page
    assert "first published 4 March 2024, updated 9 March 2024" in page
    assert '"dateModified": "2024-03-09"' in page
    assert f"Correction (9 March 2024):</strong> {note}" in html
    assert f"- **Correction:** {note}" in md
    assert data["claims"][0]["verdict"]["correction_note"] == note


def test_the_workbench_unpublish_form_takes_the_reason(editor_client: Client) -> None:
    verdict = factories.VerdictFactory(status=Verdict.Status.PUBLISHED)

    editor_client.post(
        reverse("quotes:claim_publish", args=[verdict.claim_id]),
        {"version": verdict.version, "action": "unpublish", "note": "A source was misread."},
    )

    verdict.refresh_from_db()
    assert verdict.status == Verdict.Status.IN_REVIEW
    assert verdict.correction_note == "A source was misread."


def test_an_uncorrected_verdict_has_no_date_modified() -> None:
    verdict = factories.VerdictFactory(
        status=Verdict.Status.PUBLISHED,
        published_at=dt.datetime(2024, 3, 4, 12, tzinfo=dt.UTC),
    )

    [review] = json.loads(
        b"".join(exports.export_article(verdict.claim.article, "claimreview").chunks)
    )

    assert "dateModified" not in review and review["datePublished"] == "2024-03-04"
