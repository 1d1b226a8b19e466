"""Login throttling, password rules and the Content-Security-Policy of the workbench pages."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import ClaimFactory, VerdictFactory

pytestmark = pytest.mark.django_db


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_repeated_failed_logins_lock_the_account_even_for_the_right_password() -> None:
    User.objects.create_user("rita", password="a-long-right-password")
    client = Client()
    login = reverse("login")
    statuses = [
        client.post(login, {"username": "rita", "password": "wrong"}).status_code for _ in range(3)
    ]
    assert statuses == [200, 200, 429]  # the form says "wrong" twice, then the lock
    response = client.post(login, {"username": "rita", "password": "a-long-right-password"})
    assert response.status_code == 429  # locked out: the right password no longer opens it
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # another account from elsewhere is not locked with it
    User.objects.create_user("sam", password="another-long-password")
    other = Client(REMOTE_ADDR="10.0.0.9")
    response = other.post(login, {"username": "sam", "password": "another-long-password"})
    assert response.status_code == 302


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_a_good_login_below_the_limit_works() -> None:
    User.objects.create_user("rita", password="a-long-right-password")
    client = Client()
    client.post(reverse("login"), {"username": "rita", "password": "wrong"})
    response = client.post(
        reverse("login"), {"username": "rita", "password": "a-long-right-password"}
    )
    assert response.status_code == 302


@pytest.mark.parametrize("password", ["short", "password123", "12345678901", "rita-rita-rita"])
def test_weak_passwords_are_refused(password: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(password, User(username="rita-rita-rita"))


def test_every_workbench_page_sends_a_strict_csp(checker_client: Client) -> None:
    claim = ClaimFactory()
    pages = [
        reverse("quotes:dashboard"),
        reverse("quotes:claims"),
        reverse("quotes:article", args=[claim.article_id]),
        reverse("quotes:claim", args=[claim.pk]),
        reverse("quotes:speakers"),
        reverse("quotes:import"),
    ]
    for url in pages:
        policy = checker_client.get(url)["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy, url
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, url
        assert "frame-ancestors 'none'" in policy, url


def test_the_admin_history_pages_have_no_inline_style(editor_client: Client) -> None:
    verdict = VerdictFactory()
    pages = [
        reverse("admin:quotes_verdict_history", args=[verdict.pk]),
        reverse("admin:quotes_claim_history", args=[verdict.claim_id]),
    ]
    for url in pages:
        response = editor_client.get(url)
        assert response.status_code == 200, url
        assert "unsafe-inline" not in response["Content-Security-Policy"], url
        # the CSP blocks style attributes: the page would not look as written
        assert not re.search(r"<[^>]+\sstyle=", response.content.decode()), url


def fail_logins(username: str, times: int, **headers: str) -> Client:
    client = Client(**headers)
    for _ in range(times):
        client.post(reverse("login"), {"username": username, "password": "wrong"})
    return client


def logs_in(**headers: str) -> bool:
    client = Client(**headers)
    response = client.post(
        reverse("login"), {"username": "rita", "password": "a-long-right-password"}
    )
    return response.status_code == 302


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3, CLIENT_IP_HEADER="")
def test_a_lock_holds_one_username_at_one_address_and_ignores_forged_headers() -> None:
    User.objects.create_user("rita", password="a-long-right-password")
    # a forged X-Forwarded-For per attempt does not spread the failures over addresses
    for n in range(3):
        fail_logins("rita", 1, REMOTE_ADDR="10.0.0.66", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")

    assert not logs_in(REMOTE_ADDR="10.0.0.66")
    assert logs_in(REMOTE_ADDR="10.0.0.7")  # rita elsewhere is not locked out


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3, CLIENT_IP_HEADER="X-Forwarded-For")
def test_behind_a_configured_proxy_the_client_address_counts() -> None:
    User.objects.create_user("rita", password="a-long-right-password")
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    # the attacker forges a first entry; the proxy appends the real address
    fail_logins("rita", 3, **proxy, HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.5")

    assert not logs_in(**proxy, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert logs_in(**proxy, HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.7")
