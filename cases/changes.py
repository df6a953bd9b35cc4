"""What the write door announces after writes that pass the models' own signals (bulk imports,
merges, anonymisation, demo loads). Apps that keep data derived from the records (the yearly
report's) listen; cases never imports them, so the dependency runs one way."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from django.dispatch import Signal

# client_ids: clients whose details or consultations changed past their own save
clients_changed = Signal()
# keys: (client_id, office_id, date) of consultations written past their save, before and after
consultations_changed = Signal()
# everything may have changed (a demo load): derived data is computed again
records_loaded = Signal()
# consultation, staff_ids: a consultation was just recorded, with these members of staff (its
# own save's signal is passed over: the staff are set after it)
consultation_created = Signal()


def announce_clients(client_ids: Iterable[int | None]) -> None:
    clients_changed.send(sender=None, client_ids=[pk for pk in client_ids if pk])


def announce_consultations(keys: Iterable[tuple[int | None, int, dt.date]]) -> None:
    consultations_changed.send(sender=None, keys=list(keys))


def announce_created(consultation, staff_ids: list[int]) -> None:
    consultation_created.send(sender=None, consultation=consultation, staff_ids=list(staff_ids))


@contextmanager
def announcing_later(instance) -> Iterator[None]:
    """Saves of `instance` inside this block are announced by its service once the record is
    complete (`announce_created`): listeners of the single saves pass over them."""
    instance.__dict__["_announced_later"] = True
    try:
        yield
    finally:
        instance.__dict__.pop("_announced_later", None)


def announced_later(instance) -> bool:
    return instance.__dict__.get("_announced_later", False)


_together = threading.local()


@contextmanager
def announced_together() -> Iterator[None]:
    """One write made of several saves (a consultation, then its staff): listeners of the single
    saves keep their keys (`kept_for_later`) and the consultations are announced once, at the end.
    Nested blocks join the outermost."""
    if getattr(_together, "keys", None) is not None:
        yield
        return
    _together.keys = []
    try:
        yield
        keys = _together.keys
    finally:
        _together.keys = None
    if keys:
        announce_consultations(keys)


def kept_for_later(keys: Iterable[tuple[int | None, int, dt.date]]) -> bool:
    """Inside `announced_together`, keep these keys for its announcement (True); else False."""
    kept = getattr(_together, "keys", None)
    if kept is None:
        return False
    kept.extend(keys)
    return True


def consultation_keys(ids: Iterable[int]) -> list[tuple[int | None, int, dt.date]]:
    """(client, office, date) of these consultations as stored now (before a bulk change)."""
    from .models import Consultation

    ids = list(ids)
    keys: list = []
    for start in range(0, len(ids), 2000):
        keys += Consultation.objects.filter(pk__in=ids[start : start + 2000]).values_list(
            "client_id", "office_id", "date"
        )
    return keys


# The 相談記録 list's totals from counts kept elsewhere (the report's monthly counts), when an app
# provides them: `provider(user, **filters) -> dict | None`.
_TOTALS: list[Callable] = []


def register_totals_provider(func: Callable) -> Callable:
    _TOTALS.append(func)
    return func


def kept_totals(user, **filters) -> dict | None:
    for provider in _TOTALS:
        totals = provider(user, **filters)
        if totals is not None:
            return totals
    return None
