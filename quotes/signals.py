"""Keep history rows from pointing at deleted rows.

simple_history copies a verdict's foreign keys into each historical row without a database
constraint, so deleting the rating or the account a past version names would leave the
history page, the JSON export and the backup reading a row that is gone.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import ProtectedError
from django.db.models.signals import pre_delete
from django.dispatch import receiver

from quotes.models import Rating, Verdict


def ratings_in_history(pks: list[Any]) -> set[Any]:
    """Which of these ratings a past version of some verdict used."""
    return set(
        Verdict.history.filter(rating_id__in=pks).values_list("rating_id", flat=True).distinct()
    )


@receiver(pre_delete, sender=Rating)
def protect_ratings_in_history(sender: type[Rating], instance: Rating, **kwargs: Any) -> None:
    # A rating is deleted only when nothing used it: the verdict history still shows it.
    if ratings_in_history([instance.pk]):
        raise ProtectedError(
            f"The rating “{instance.label}” is used in the history of a verdict: "
            "rename it or take it off the scale instead.",
            set(Verdict.history.filter(rating_id=instance.pk)[:10]),
        )


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL)
def forget_deleted_accounts_in_history(sender: Any, instance: Any, **kwargs: Any) -> None:
    # Like the verdict itself (SET_NULL), its past versions stop naming a deleted account;
    # simple_history already clears history_user.
    Verdict.history.filter(reviewer_id=instance.pk).update(reviewer=None)
    Verdict.history.filter(published_by_id=instance.pk).update(published_by=None)
