from __future__ import annotations

from django.apps import AppConfig


class QuotesConfig(AppConfig):
    name = "quotes"
    verbose_name = "Fact-checking"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from quotes import (
            checks,  # noqa: F401 - registers the deploy checks
            counters,  # noqa: F401  (connects the receivers)
            registry_signals,  # noqa: F401  (connects the receivers)
            signals,  # noqa: F401  (connects the receivers)
        )
