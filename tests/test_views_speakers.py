"""The speakers list, the speaker page (aliases, claims, verdict record) and autocomplete."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ClaimFactory, SpeakerFactory, VerdictFactory

pytestmark = pytest.mark.django_db


def test_speaker_page_is_a_scorecard(checker_client: Client) -> None:
    speaker = SpeakerFactory(name="Jane Doe", role="Finance minister")
    speaker.add_alias("J. Doe")
    VerdictFactory(claim=ClaimFactory(speaker=speaker), false=True, published=True)
    VerdictFactory(claim=ClaimFactory(speaker=speaker), false=True, published=True)
    VerdictFactory(claim=ClaimFactory(speaker=speaker), true=True, published=True)
    ClaimFactory(speaker=speaker)
    VerdictFactory(false=True)  # someone else's
    response = checker_client.get(speaker.get_absolute_url())
    html = BeautifulSoup(response.content, "html.parser")
    assert response.status_code == 200
    assert [t.get_text() for t in html.select(".tag")] == ["J. Doe"]
    record = {
        card.select_one(".label").get_text(strip=True): card.select_one(".n").get_text(strip=True)
        for card in html.select(".scorecard li")
    }
    # in the scale's order, each with its share of the speaker's verdicts
    assert record == {"True": "1", "False": "2"}
    assert [li.select_one(".share").get_text() for li in html.select(".scorecard li")] == [
        "33%",
        "67%",
    ]
    assert "3 published verdicts" in html.select_one("#record-title").parent.get_text()
    assert len(html.select(".claim-rows li")) == 4
    assert "Finance minister" in html.get_text()


def test_speakers_list_finds_names_and_aliases(checker_client: Client) -> None:
    jane = SpeakerFactory(name="Jane Doe")
    jane.add_alias("The Minister")
    SpeakerFactory(name="Bob Other")
    response = checker_client.get(reverse("quotes:speakers"), {"q": "minister"})
    html = BeautifulSoup(response.content, "html.parser")
    assert [a.get_text() for a in html.select(".claim-rows a")] == ["Jane Doe"]
    response = checker_client.get(reverse("quotes:speakers"))
    assert len(BeautifulSoup(response.content, "html.parser").select(".claim-rows a")) == 2


def test_autocomplete_offers_names_and_aliases(checker_client: Client) -> None:
    jane = SpeakerFactory(name="Jane Doe")
    jane.add_alias("J. Doe")
    SpeakerFactory(name="Zoë Núñez")
    url = reverse("quotes:speaker_search")
    results = checker_client.get(url, {"q": "doe"}).json()["results"]
    assert {"value": "Jane Doe", "label": "Jane Doe"} in results
    assert {"value": "J. Doe", "label": "J. Doe → Jane Doe"} in results
    # case folds the way the registry compares names
    assert checker_client.get(url, {"q": "ZOË"}).json()["results"][0]["value"] == "Zoë Núñez"
    assert checker_client.get(url, {"q": "d"}).json() == {"results": []}
    assert checker_client.get(url, {"q": "x" * 5000}).status_code == 200


def test_speakers_list_is_a_to_z_or_most_claims_first(checker_client: Client) -> None:
    many = SpeakerFactory(name="Zed Many")
    SpeakerFactory(name="Amy Few")
    for _ in range(3):
        ClaimFactory(speaker=many)
    url = reverse("quotes:speakers")
    names = [
        a.get_text()
        for a in BeautifulSoup(checker_client.get(url).content, "html.parser").select(
            ".claim-rows a"
        )
    ]
    assert names == ["Amy Few", "Zed Many"]
    page = BeautifulSoup(checker_client.get(url, {"sort": "claims"}).content, "html.parser")
    assert [a.get_text() for a in page.select(".claim-rows a")] == ["Zed Many", "Amy Few"]
    assert "3 claims" in page.get_text()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's estimates")
def test_the_registry_is_counted_by_the_databases_estimate(
    checker_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from quotes import paging

    SpeakerFactory.create_batch(3)
    monkeypatch.setattr(paging, "ESTIMATE", "SELECT 1000::bigint WHERE %s IS NOT NULL")
    with CaptureQueriesContext(connection) as queries:
        response = checker_client.get(reverse("quotes:speakers"))
    text = BeautifulSoup(response.content, "html.parser").get_text(" ")
    assert "Page 1 of about 20" in text
    assert not [q for q in queries if 'COUNT(*) AS "__count" FROM "quotes_speaker"' in q["sql"]]
    # a search is counted exactly: every match stays reachable
    response = checker_client.get(reverse("quotes:speakers") + "?q=a")
    assert "about" not in BeautifulSoup(response.content, "html.parser").get_text(" ")
