"""Caseloads: whose case is it (主担当・副担当), and what is due next for each of a worker's clients.

「私の担当」 on a coordinator's ホーム lists their clients with the next due thing of each: an open
次回予定, the current plan's 見直し, or — when nothing else is planned — the day the case becomes
長期未接触. One query for the clients (with their next follow-up and review as aggregates)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Min, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.models import DORMANT_AFTER_DAYS, Client, ClientStatus
from hikikomori.home import register_panel
from hikikomori.models import Role
from hikikomori.scoping import can_read_cases, scope

SHOWN = 30


@dataclass
class Due:
    client: Client
    role: str
    kind: str
    on: dt.date | None
    overdue: bool


def carried_by(user, viewer=None):
    """Clients `user` carries (主担当 or 副担当) that are not closed, as `viewer` may see them."""
    return (
        scope(Client.objects.current(), viewer or user)
        .filter(Q(primary_worker=user) | Q(secondary_worker=user))
        .exclude(status=ClientStatus.CLOSED)
    )


def next_due(user, today: dt.date) -> list[Due]:
    clients = carried_by(user).annotate(
        follow_up=Min(
            "consultations__follow_up_on",
            filter=Q(consultations__follow_up_done=False, consultations__archived_at__isnull=True),
        ),
        review=Min("plans__next_review_on", filter=Q(plans__review__isnull=True)),
    )
    rows = []
    for client in clients:
        role = _("主担当") if client.primary_worker_id == user.pk else _("副担当")
        last = client.last_consulted_on or client.registered_on
        candidates = [
            (client.follow_up, _("次回予定")),
            (client.review, _("支援計画の見直し")),
        ]
        planned = [(day, kind) for day, kind in candidates if day is not None]
        if planned:
            on, kind = min(planned, key=lambda item: item[0])
        elif client.status == ClientStatus.ACTIVE and last is not None:
            on, kind = last + dt.timedelta(days=DORMANT_AFTER_DAYS), _("長期未接触になる日")
        else:
            on, kind = None, _("予定なし")
        rows.append(Due(client, role, kind, on, on is not None and on < today))
    rows.sort(key=lambda row: (row.on is None, row.on or dt.date.max, row.client.case_number))
    return rows


@register_panel
def my_caseload(user, today):
    if not can_read_cases(user):
        return None
    rows = next_due(user, today)
    if not rows and not user.has_role(Role.COORDINATOR):
        return None
    return {
        "template": "casework/_home_caseload.html",
        "rows": rows[:SHOWN],
        "count": len(rows),
        "list_url": f"{reverse('cases:client_list')}?worker={user.pk}",
        "order": 0,
        "wide": True,
    }
