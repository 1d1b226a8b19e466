"""Mixed traffic for `benchmarks/load.sh`: readers on public pages, reviewers browsing and saving.

Targets only the local server given with --host (loopback).
"""

from __future__ import annotations

import os
import random
import re

from locust import HttpUser, between, task

PUBLIC_IDS = [int(x) for x in os.environ.get("LOAD_PUBLIC_IDS", "").split(",") if x]
CLAIM_IDS = [int(x) for x in os.environ.get("LOAD_CLAIM_IDS", "").split(",") if x]
ARTICLE_IDS = [int(x) for x in os.environ.get("LOAD_ARTICLE_IDS", "").split(",") if x]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Reader(HttpUser):
    """Someone who followed a link to a published fact-check."""

    weight = 3
    wait_time = between(0.2, 1.0)

    @task
    def permalink(self) -> None:
        self.client.get(f"/v/{random.choice(PUBLIC_IDS)}/", name="/v/[id]/")


class Reviewer(HttpUser):
    """A logged-in fact-checker browsing the workbench and saving notes."""

    weight = 1
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        page = self.client.get("/accounts/login/")
        token = CSRF.search(page.text)
        self.client.post(
            "/accounts/login/",
            {
                "username": os.environ["LOAD_USER"],
                "password": os.environ["LOAD_PASSWORD"],
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
        )

    @task(3)
    def dashboard(self) -> None:
        self.client.get("/")

    @task(3)
    def claims(self) -> None:
        self.client.get("/claims/?kind=statement&q=tax", name="/claims/?filtered")

    @task(2)
    def claim(self) -> None:
        self.client.get(f"/claims/{random.choice(CLAIM_IDS)}/", name="/claims/[id]/")

    @task(2)
    def article(self) -> None:
        self.client.get(f"/articles/{random.choice(ARTICLE_IDS)}/", name="/articles/[id]/")
