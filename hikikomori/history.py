"""変更の記録: a record's change history read as Japanese lines 「項目: 旧 → 新」.

The rows are django-simple-history's (written by every service, import and merge); each row is
compared with the one before it. Related records and users are looked up once per page, not per
line, and long texts are shortened (the record itself shows them in full)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import formats
from django.utils.translation import gettext as _

# Bookkeeping columns nobody reads as a change.
HIDDEN = {"id", "version", "updated_at", "created_at", "search_key", "kana_key", "created_by"}
SHORT = 40  # characters of a long text shown in a line


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    at: dt.datetime
    by: Any
    action: str
    subject: str = ""
    reason: str = ""
    changes: list[Change] = field(default_factory=list)


def _actions() -> dict[str, str]:
    return {"+": _("登録"), "~": _("変更"), "-": _("削除")}


def entries(
    history: models.QuerySet, *, limit: int = 20, subject=None, shorten: int | None = SHORT
) -> list[Entry]:
    """The newest `limit` rows of `history` (one record's or several records' history rows) as
    entries; `subject(row)` names the record in the line (e.g. which family member)."""
    rows = list(history.select_related("history_user").order_by("-history_date", "-history_id")[: limit * 2])
    previous: dict[Any, Any] = {}
    pairs = []
    for row in reversed(rows):  # oldest first, to find each row's predecessor of the same record
        pairs.append((row, previous.get(row.id)))
        previous[row.id] = row
    pairs = list(reversed(pairs))[:limit]
    m2m = _m2m_ids(rows)
    raw = [(row, _diff(row, before, m2m)) for row, before in pairs]
    before_of = {row.pk: before for row, before in pairs}
    names = _lookup(raw)
    actions = _actions()
    result = []
    for row, diffs in raw:
        model = row.instance_type
        changes = [
            Change(
                _label(model, name),
                _show(model, name, old, names, shorten),
                _show(model, name, new, names, shorten),
            )
            for name, old, new in diffs
        ]
        if row.history_type == "~" and not changes and before_of.get(row.pk) is not None:
            continue  # saved without a visible change (a version bump, a re-import of the same row)
        # A change with no earlier row to compare with (a record written before its history was
        # kept) is still listed, without its old values.
        result.append(
            Entry(
                at=row.history_date,
                by=row.history_user,
                action=actions.get(row.history_type, row.history_type),
                subject=subject(row) if subject else "",
                reason=row.history_change_reason or "",
                changes=changes,
            )
        )
    return result


def _diff(row, before, m2m: dict) -> list[tuple[str, Any, Any]]:
    if row.history_type != "~" or before is None:
        return []
    names = [f.name for f in getattr(row, "_history_m2m_fields", [])]
    delta = row.diff_against(before, excluded_fields=names, foreign_keys_are_objs=False)
    found = [(c.field, c.old, c.new) for c in delta.changes if c.field not in HIDDEN]
    for name in names:
        old, new = m2m.get((before.pk, name), []), m2m.get((row.pk, name), [])
        if old != new:
            found.append((name, old, new))
    return found


def _m2m_ids(rows: list) -> dict[tuple[Any, str], list]:
    """The related ids each history row recorded for each many-to-many field (e.g. a
    consultation's staff), one query per field for all rows, instead of two per row."""
    found: dict[tuple[Any, str], list] = defaultdict(list)
    if not rows:
        return found
    for m2m_field in getattr(rows[0], "_history_m2m_fields", []):
        name = m2m_field.name
        through = getattr(rows[0], name).model  # the history of the through rows
        target = m2m_field.m2m_reverse_field_name()
        for history_id, pk in (
            through.objects.filter(history__in=[r.pk for r in rows])
            .order_by("history_id", target)
            .values_list("history_id", target)
        ):
            found[(history_id, name)].append(pk)
    return found


def _label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 - a field removed since the row was written
        return name


def _lookup(raw) -> dict[tuple[type, Any], str]:
    """The names of every related record mentioned, one query per related model."""
    wanted: dict[type, set] = defaultdict(set)
    for row, diffs in raw:
        model = row.instance_type
        for name, old, new in diffs:
            related = _related(model, name)
            if related is None:
                continue
            for value in (old, new):
                for pk in _ids(model, name, value):
                    wanted[related].add(pk)
    names = {}
    for related, pks in wanted.items():
        for pk, obj in related._default_manager.in_bulk(pks).items():
            names[(related, pk)] = getattr(obj, "display_name", None) or str(obj)
    return names


def _related(model, name: str):
    try:
        f = model._meta.get_field(name)
    except Exception:  # noqa: BLE001
        return None
    return f.related_model if (f.many_to_one or f.many_to_many or f.one_to_one) else None


def _ids(model, name: str, value) -> list:
    f = model._meta.get_field(name)
    if f.many_to_many:  # the related ids, from _m2m_ids
        return list(value or [])
    return [] if value in (None, "") else [value]


def _show(model, name: str, value, names, shorten: int | None = SHORT) -> str:
    empty = _("（なし）")
    related = _related(model, name)
    if related is not None:
        shown = [names.get((related, pk), str(pk)) for pk in _ids(model, name, value)]
        return "、".join(shown) or empty
    if value is None or value == "":
        return empty
    f = model._meta.get_field(name)
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("はい") if value else _("いいえ")
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return formats.date_format(value, "Y/n/j") if isinstance(value, dt.date) else str(value)[:5]
    text = " ".join(str(value).split())
    return text if shorten is None or len(text) <= shorten else text[:shorten] + "…"


def record_by(instance, user) -> None:
    """The next save of `instance` writes `user` into its history row (a request's user is found by
    the middleware; a command's or a service's is set here)."""
    setattr(instance, "_history_user", user)  # noqa: B010 - simple-history's documented attribute


def create_with_many(instance, by, **many) -> None:
    """Insert a new record, its many-to-many rows (`staff=[...]`) and one history row that holds
    them all. Saving and then setting the relation would write a second history row for the
    relation and read the record and its rows back to fill it."""
    from django.utils import timezone
    from simple_history.utils import get_change_reason_from_object

    model = type(instance)
    instance.skip_history_when_saving = True
    try:
        instance.save()
    finally:
        del instance.skip_history_when_saving
    history_model = model.history.model
    row = history_model(
        history_date=getattr(instance, "_history_date", timezone.now()),
        history_type="+",
        history_user=by,
        history_change_reason=get_change_reason_from_object(instance),
        **{field.attname: getattr(instance, field.attname) for field in history_model.tracked_fields},
    )
    row.save()
    for name, related in many.items():
        field = model._meta.get_field(name)
        through = field.remote_field.through
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        links = through.objects.bulk_create(
            [through(**{f"{source}_id": instance.pk, f"{target}_id": other.pk}) for other in related]
        )
        getattr(history_model, name).model.objects.bulk_create(
            [
                getattr(history_model, name).model(
                    id=link.pk,
                    history=row,
                    **{f"{source}_id": instance.pk, f"{target}_id": getattr(link, f"{target}_id")},
                )
                for link in links
            ]
        )
