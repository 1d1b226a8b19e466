"""Re-analyse the machine's speaker proposals when a reviewer changes the registry.

An alias added or speakers merged can change who the pipeline proposes for quotes in
articles imported earlier. The registry changes inside imports too (every import adds
the aliases its text defines), where a re-analysis of everything would be waste: imports
run inside quiet().
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from quotes.models import Speaker, SpeakerAlias

_quiet: ContextVar[bool] = ContextVar("registry_quiet", default=False)


@contextmanager
def quiet() -> Iterator[None]:
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def _start() -> None:
    from quotes import tasks

    tasks.send(tasks.reanalyse_proposals, 0)


def registry_changed() -> None:
    """Re-analyse once the transaction commits; once, however many changes it made."""
    if _quiet.get():
        return
    # each entry is (savepoint ids, function, robust)
    if any(entry[1] is _start for entry in connection.run_on_commit):
        return
    transaction.on_commit(_start)


@receiver(post_save, sender=SpeakerAlias)
def alias_saved(sender: Any, instance: SpeakerAlias, created: bool, **kwargs: Any) -> None:
    registry_changed()


@receiver(post_delete, sender=Speaker)
def speaker_deleted(sender: Any, instance: Speaker, **kwargs: Any) -> None:
    # merging speakers deletes all but one
    registry_changed()
