from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from quotes.checks import is_local_url

ROOT = Path(__file__).resolve().parents[1]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    base.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "factcheck.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="k" * 20 + "-production-secret-with-enough-entropy-1234567890",
        ALLOWED_HOSTS="factcheck.example.org",
        PUBLIC_BASE_URL="https://factcheck.example.org",
        FACTCHECK_ORG_URL="https://factcheck.example.org/",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 20 + "-production-secret-with-enough-entropy-1234567890",
    "ALLOWED_HOSTS": "factcheck.example.org",
}


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({}, ["PUBLIC_BASE_URL", "FACTCHECK_ORG_URL"]),
        ({"FACTCHECK_ORG_URL": "https://factcheck.example.org/"}, ["PUBLIC_BASE_URL"]),
        (
            {
                "PUBLIC_BASE_URL": "http://localhost:8000",
                "FACTCHECK_ORG_URL": "https://factcheck.example.org/",
            },
            ["PUBLIC_BASE_URL"],
        ),
        (
            {
                "PUBLIC_BASE_URL": "https://factcheck.example.org",
                "FACTCHECK_ORG_URL": "http://10.0.0.5/",
            },
            ["FACTCHECK_ORG_URL"],
        ),
        (
            {"PUBLIC_BASE_URL": "", "FACTCHECK_ORG_URL": "https://factcheck.example.org/"},
            ["PUBLIC_BASE_URL"],
        ),
    ],
)
def test_check_deploy_fails_on_local_or_unset_public_urls(
    env: dict[str, str], named: list[str]
) -> None:
    result = manage("check", "--deploy", **PRODUCTION, **env)

    assert result.returncode != 0
    for name in named:
        assert f"quotes.E001) {name} is" in result.stderr
    for name in {"PUBLIC_BASE_URL", "FACTCHECK_ORG_URL"} - set(named):
        assert f"{name} is" not in result.stderr


def test_the_public_url_check_stays_quiet_with_debug_on() -> None:
    result = manage("check", "--deploy", DEBUG="true")

    assert "quotes.E001" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://127.0.0.1:8000", True),
        ("http://localhost/", True),
        ("http://[::1]:8000/", True),
        ("http://192.168.1.4/", True),
        ("http://web1:8000/", True),
        ("ftp://factcheck.example.org/", True),
        ("", True),
        ("https://factcheck.example.org", False),
        ("http://93.184.216.34/", False),
    ],
)
def test_is_local_url(url: str, local: bool) -> None:
    assert is_local_url(url) is local
