"""The Celery application: background fetching, feed polling, analysis and reports.

Workers and beat read the Django settings (CELERY_* names). Without CELERY_BROKER_URL
every task runs inline where it is sent (CELERY_TASK_ALWAYS_EAGER), so `make run` and the
tests need no broker.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

app = Celery("factcheck")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
