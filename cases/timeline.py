"""A client's timeline: consultations and, from the apps built on cases, other entries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from hikikomori import history

_SOURCES: list[Callable] = []


@dataclass
class TimelineEntry:
    date: dt.date
    kind: str
    title: str
    detail: str = ""
    url: str = ""
    office: str = ""


def register_timeline_source(func: Callable) -> Callable:
    _SOURCES.append(func)
    return func


def client_timeline(client, user, limit: int = 200) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    for source in _SOURCES:
        entries.extend(source(client, user))
    entries.sort(key=lambda e: e.date, reverse=True)
    return entries[:limit]


@register_timeline_source
def consultations(client, user) -> list[TimelineEntry]:
    from django.urls import reverse

    from hikikomori.scoping import scope

    from .models import Consultation

    rows = (
        scope(Consultation.objects.current(), user)
        .filter(client=client)
        .select_related("office", "family_member")
        .order_by("-date", "-id")[:200]
    )
    # Only the consultations of the user's offices: after a transfer, past consultations stay
    # the records of the office that held them.
    return [
        TimelineEntry(
            date=c.date,
            kind=c.method,
            title=f"{c.method}（{c.consulter}{'：' + c.family_member.name if c.family_member else ''}）",
            detail=c.content[:120],
            url=reverse("cases:consultation_detail", args=[c.pk]),
            office=c.office.name,
        )
        for c in rows
    ]


def client_changes(client, limit: int = 20, shorten: int | None = history.SHORT) -> list[history.Entry]:
    """変更の記録 of a client's page: changes of the record and of its family (項目: 旧 → 新), and the
    status changes, transfers, merges and archives with their reasons; newest first."""
    from cases.models import FamilyMember

    family = history.entries(
        FamilyMember.history.filter(client_id=client.pk),
        limit=limit,
        subject=lambda row: _("家族（%(name)s）") % {"name": row.name},
        shorten=shorten,
    )
    logs = [
        history.Entry(at=log.at, by=log.by, action=log.get_kind_display(), reason=log.reason)
        for log in client.logs.select_related("by")[:limit]
    ]
    found = history.entries(client.history.all(), limit=limit, shorten=shorten) + family + logs
    return sorted(found, key=lambda e: e.at, reverse=True)[:limit]
