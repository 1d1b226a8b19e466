from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from quotes import similar
from quotes.models import Claim


class Command(BaseCommand):
    help = (
        "Look for the similar claims of existing claims and store them (the claim page reads "
        "them), in batches, each committed: safe to stop and resume with --after."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--after", type=int, default=0, help="Start after this claim id.")
        parser.add_argument("--limit", type=int, default=None, help="At most this many claims.")
        parser.add_argument("--batch", type=int, default=500, help="Claims per transaction.")

    def handle(self, *args: Any, **options: Any) -> None:
        after, limit, batch = options["after"], options["limit"], max(1, options["batch"])
        done = pairs = 0
        started = time.monotonic()
        while limit is None or done < limit:
            size = batch if limit is None else min(batch, limit - done)
            ids = list(
                Claim.objects.filter(pk__gt=after)
                .order_by("pk")
                .values_list("pk", flat=True)[:size]
            )
            if not ids:
                break
            with transaction.atomic():
                pairs += similar.compute(ids)
            done += len(ids)
            after = ids[-1]
            self.stdout.write(
                f"{done} claims, {pairs} pairs found, up to claim {after}"
                f" ({time.monotonic() - started:.1f} s)"
            )
        rate = done / max(time.monotonic() - started, 1e-9)
        self.stdout.write(f"Done: {done} claims ({rate:.0f} claims/s); last claim {after}.")
