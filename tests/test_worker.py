"""A real Celery worker against the local Redis: an import queued by one process is
fetched, stored and analysed by another. Skipped when no Redis answers."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.test_fetch import ARTICLE

ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


def redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def test_a_worker_imports_a_queued_url(httpserver: HTTPServer, tmp_path: Path) -> None:
    if not redis_answers():
        pytest.skip(f"No Redis answers at {REDIS_URL}: start redis-server to run this test.")
    httpserver.expect_request("/story").respond_with_data(ARTICLE, content_type="text/html")
    database = tmp_path / "worker.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "CELERY_BROKER_URL": REDIS_URL,
        # a queue of its own, so that nothing else on this Redis takes our task
        "CELERY_QUEUE": f"test-{uuid.uuid4().hex}",
        "FETCH_ALLOWED_HOSTS": f"localhost:{httpserver.port}",
        "SECRET_KEY": "worker-test-only",
        "DEBUG": "0",
    }
    python = sys.executable
    subprocess.run(
        [python, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [
            python,
            "-m",
            "celery",
            "-A",
            "factcheck",
            "worker",
            "--pool=solo",
            "-Q",
            env["CELERY_QUEUE"],
            "--without-gossip",
            "--without-mingle",
            "-l",
            "INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        queued = subprocess.run(
            [python, "manage.py", "import_url", "--background", httpserver.url_for("/story")],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        assert "queued" in queued.stdout
        deadline = time.monotonic() + 90
        found = None
        while time.monotonic() < deadline and found is None:
            time.sleep(0.5)
            with sqlite3.connect(database) as db:
                found = db.execute(
                    "SELECT a.title, a.awaiting_analysis, count(c.id) FROM quotes_article a"
                    " JOIN quotes_claim c ON c.article_id = a.id WHERE a.url = ?"
                    " GROUP BY a.id HAVING a.awaiting_analysis = 0",
                    [httpserver.url_for("/story")],
                ).fetchone()
        log.flush()
        assert found is not None, (tmp_path / "worker.log").read_text()[-3000:]
        title, _, claims = found
        assert title.startswith("Budget row") and claims >= 2
        assert "quotes.tasks.import_url" in (tmp_path / "worker.log").read_text()
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.close()
