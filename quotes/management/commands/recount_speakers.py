from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from quotes import counters
from quotes.models import Speaker


class Command(BaseCommand):
    help = (
        "Recompute every speaker's claim count and tally of our published verdicts from the "
        "claims and verdicts (after a bulk load, or as a repair)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        counters.recount()
        self.stdout.write(
            f"Recounted {Speaker.objects.count()} speakers in {time.monotonic() - started:.1f} s."
        )
