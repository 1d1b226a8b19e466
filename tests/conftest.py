from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests import factories


@pytest.fixture
def fact_checker(db: None) -> User:
    return factories.fact_checker(username="checker")


@pytest.fixture
def editor(db: None) -> User:
    return factories.editor(username="editor")


@pytest.fixture
def checker_client(fact_checker: User) -> Client:
    client = Client()
    client.force_login(fact_checker)
    return client


@pytest.fixture
def editor_client(editor: User) -> Client:
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def seed_article(db: None) -> object:
    """The demo article, imported through the text pipeline (22 claims, 7 quotes)."""
    from quotes import services
    from tests.workbench import SEED

    return services.ingest_article(body=SEED.read_text(encoding="utf-8"), title="Seed")
