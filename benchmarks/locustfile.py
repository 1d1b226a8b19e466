"""Mixed traffic for `benchmarks/load.sh`: readers on public pages, reviewers browsing and saving.

Targets only the local server given with --host (loopback). The ids, accounts and password
come from the LOAD_* variables that benchmarks/load_setup.py writes.

A request fails if it answers an error status, and also if a reviewer's request ends on the
login page (a lost session would otherwise pass as a 200) or a save does not come back to
the claim it saved.
"""

from __future__ import annotations

import itertools
import os
import random
import re
from typing import Any

from locust import HttpUser, between, task


def ids(name: str) -> list[int]:
    return [int(x) for x in os.environ.get(name, "").split(",") if x]


PUBLIC_IDS = ids("LOAD_PUBLIC_IDS")  # published verdicts: /v/<verdict id>/
CLAIM_IDS = ids("LOAD_CLAIM_IDS")  # claims reviewers open
EDIT_CLAIM_IDS = ids("LOAD_EDIT_CLAIM_IDS")  # claims with an unpublished verdict, to save on
ARTICLE_IDS = ids("LOAD_ARTICLE_IDS")
RATING_IDS = ids("LOAD_RATING_IDS")
USERS = [u for u in os.environ.get("LOAD_USERS", "").split(",") if u]
PASSWORD = os.environ.get("LOAD_PASSWORD", "")
# Reviewers save on claims of their own: two saving the same claim at once get the
# optimistic lock's 409 ("someone else changed it"), which is the app working as designed.
SLOTS = 16

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# the version field of the verdict form (the claim's other forms carry the claim's version)
VERDICT_VERSION = re.compile(
    r'action="/claims/\d+/verdict".*?name="version" value="(\d+)"', re.DOTALL
)
LOGIN = "/accounts/login/"
_reviewers = itertools.count()


class Reader(HttpUser):
    """Someone who followed a link to a published fact-check."""

    weight = 3
    wait_time = between(0.2, 1.0)

    @task
    def permalink(self) -> None:
        self.client.get(f"/v/{random.choice(PUBLIC_IDS)}/", name="/v/[id]/")


class Reviewer(HttpUser):
    """A logged-in fact-checker browsing the workbench and saving verdicts and sources."""

    weight = 1
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        n = next(_reviewers)
        if n >= SLOTS:
            raise RuntimeError(f"more than {SLOTS} reviewers: raise SLOTS in the locustfile")
        self.own = EDIT_CLAIM_IDS[n::SLOTS]
        page = self.client.get(LOGIN, name=LOGIN)
        with self.client.post(
            LOGIN,
            {
                "username": USERS[n % len(USERS)],
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.token(page.text),
                "next": "/",
            },
            name=f"{LOGIN} [POST]",
            catch_response=True,
        ) as response:
            # a good login redirects to the dashboard; a refused one shows the form again
            if not response.history or LOGIN in response.url:
                response.failure("login refused")

    @staticmethod
    def token(html: str) -> str:
        found = CSRF.search(html)
        return found.group(1) if found else ""

    def get(self, path: str, name: str) -> Any:
        with self.client.get(path, name=name, catch_response=True) as response:
            if LOGIN in response.url:
                response.failure("sent to the login page")
            return response

    @task(3)
    def dashboard(self) -> None:
        self.get("/", "/")

    @task(3)
    def claims(self) -> None:
        self.get("/claims/?kind=statement&q=tax", "/claims/?filtered")

    @task(2)
    def claim(self) -> None:
        self.get(f"/claims/{random.choice(CLAIM_IDS)}/", "/claims/[id]/")

    @task(2)
    def article(self) -> None:
        self.get(f"/articles/{random.choice(ARTICLE_IDS)}/", "/articles/[id]/")

    def open_to_edit(self, claim_id: int) -> Any:
        return self.get(f"/claims/{claim_id}/", "/claims/[id]/ (to edit)")

    def save(self, claim_id: int, action: str, data: dict[str, Any], page: Any = None) -> None:
        """POST one of the claim page's forms as a browser without htmx does."""
        page = page or self.open_to_edit(claim_id)
        data = {**data, "csrfmiddlewaretoken": self.token(page.text), "claim_page": "1"}
        with self.client.post(
            f"/claims/{claim_id}/{action}",
            data,
            name=f"/claims/[id]/{action} [POST]",
            catch_response=True,
        ) as response:
            # saved: redirected back to the claim's page
            if not response.history or not response.url.endswith(f"/claims/{claim_id}/"):
                response.failure(f"not saved ({response.status_code})")

    @task(1)
    def save_verdict(self) -> None:
        claim_id = random.choice(self.own)
        page = self.open_to_edit(claim_id)
        version = VERDICT_VERSION.search(page.text)
        self.save(
            claim_id,
            "verdict",
            {
                "version": version.group(1) if version else "",
                "rating": random.choice(RATING_IDS),
                "rationale": "Load test: the figures were checked against the source.",
                "status": random.choice(["draft", "review"]),
            },
            page,
        )

    @task(1)
    def attach_source(self) -> None:
        # a pool of addresses, so that some sources are new and some already known
        n = random.randrange(300)
        self.save(
            random.choice(self.own),
            "evidence",
            {
                "url": f"https://statistics.example.org/load/report-{n}",
                "title": f"Report {n}",
                "publisher": "Statistics Office",
                "published": "",
                "stance": random.choice(["corroborates", "disputes", "context"]),
                "excerpt": "The figure in the table on page 3.",
                "note": "",
            },
        )
