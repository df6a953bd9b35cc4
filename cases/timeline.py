"""A client's timeline: consultations and, from the apps built on cases, other entries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

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
