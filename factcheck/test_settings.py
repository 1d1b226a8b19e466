"""Settings for the test suite: fast hashing, no HTTPS redirects."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
# the tests never read the settings `make run` leaves in the clone (.make-run.env)
os.environ["FACTCHECK_ENV_FILE"] = ""

from factcheck.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Test clients log in with force_login; the throttling itself is tested with AXES_ENABLED on.
AXES_ENABLED = False
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not the shared in-memory database: the race tests run two connections at
    # once, and SQLite's shared cache refuses (SQLITE_LOCKED) where a file waits.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"factcheck-test-{os.getpid()}.sqlite3")
    }

# Reports queued for the background render inline, in the test's transaction
# (tests/test_report_threads.py turns the thread on).
REPORTS_IN_THREAD = False
# Background PDFs of the tests go to a scratch folder, not the project's var/.
REPORTS_DIR = Path(tempfile.gettempdir()) / "factcheck-test-reports"
