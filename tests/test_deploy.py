from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_commands_in_a_clone_after_make_run_work_as_written(tmp_path: Path) -> None:
    """`make run PORT=8101` leaves its settings for every later command: the README's
    `.venv/bin/python manage.py changepassword admin` needs no exported DEBUG or SECRET_KEY,
    and exports' permalinks name the port the server runs on."""
    env_file = tmp_path / "make-run.env"
    made = subprocess.run(
        ["make", "-s", "local-env", "PORT=8101", f"LOCAL_ENV={env_file}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    local = {"FACTCHECK_ENV_FILE": str(env_file), "DATABASE_URL": f"sqlite:///{tmp_path}/db"}
    result = manage("changepassword", "--help", **local)
    assert result.returncode == 0, result.stderr
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; from quotes.exports.records import permalink;"
        "print(settings.DEBUG, settings.FACTCHECK_ORG_URL, permalink(type('V', (), {'pk': 7})))",
        **local,
    )
    assert result.returncode == 0, result.stderr
    # (the last line: Django's shell first says what it imported)
    assert result.stdout.splitlines()[-1].split() == [
        "True",
        "http://127.0.0.1:8101/",
        "http://127.0.0.1:8101/v/7/",
    ]
    # the environment still wins: production settings refuse to start without a secret
    result = manage("check", DEBUG="false", **local)
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr
