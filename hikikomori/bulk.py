"""Writing many records at once through the same door as one: change history (with the acting
user and a reason), version bumps and `updated_at`, in batches. Imports and other bulk
operations call these from their app's services; nothing else writes in bulk."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

BATCH = 2000


def create_many(model, objects: Sequence, *, by=None, reason: str = "") -> list:
    """Insert `objects` with one history row each; returns them with their ids."""
    if not objects:
        return []
    return bulk_create_with_history(
        list(objects), model, batch_size=BATCH, default_user=by, default_change_reason=reason
    )


def update_many(model, objects: Sequence, fields: Iterable[str], *, by=None, reason: str = "") -> None:
    """Save `fields` of `objects` with one history row each; versioned models get their version
    bumped (an edit form opened before the change then refuses to overwrite it)."""
    if not objects:
        return
    fields = list(fields)
    names = {f.name for f in model._meta.concrete_fields}
    now = timezone.now()
    for obj in objects:
        if "version" in names:
            obj.version += 1
        if "updated_at" in names:
            obj.updated_at = now
    extra = [name for name in ("version", "updated_at") if name in names and name not in fields]
    bulk_update_with_history(
        list(objects),
        model,
        [*fields, *extra],
        batch_size=BATCH,
        default_user=by,
        default_change_reason=reason,
    )
