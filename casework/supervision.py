"""A supervisor's ホーム: per office and per member of staff, the numbers a supervisor watches, each
a link to the filtered list it counts, and the last twelve months of consultations per office.
A constant number of grouped queries, whatever the number of offices, staff or records."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.urls import reverse

from cases.models import Client, ClientStatus, Consultation
from hikikomori.fiscal import add_months, fiscal_year_of, fiscal_year_range
from hikikomori.home import register_panel
from hikikomori.models import Role, User
from hikikomori.scoping import scope, visible_offices

from .models import CLIENT_OFFICE, SupportPlan


def _by(queryset, key: str) -> dict:
    return dict(queryset.values_list(key).annotate(n=Count("pk", distinct=True)).order_by())


def _link(name: str, **params) -> str:
    return f"{reverse(name)}?{urlencode(params)}"


def office_figures(user, today: dt.date) -> list[dict]:
    month_start = today.replace(day=1)
    last_start, last_end = add_months(month_start, -12), add_months(today, -12)
    fy_start = fiscal_year_range(fiscal_year_of(today))[0]
    clients = scope(Client.objects.current(), user)
    consultations = scope(Consultation.objects.current(), user)
    plans = scope(SupportPlan.objects.current(), user, CLIENT_OFFICE).filter(
        client__merged_into__isnull=True, client__archived_at__isnull=True, client__anonymised_at__isnull=True
    )
    active = _by(clients.filter(status=ClientStatus.ACTIVE), "office")
    dormant = _by(clients.dormant(today), "office")
    new = _by(clients.filter(registered_on__gte=fy_start, registered_on__lte=today), "office")
    this_month = _by(consultations.filter(date__gte=month_start, date__lte=today), "office")
    last_year = _by(consultations.filter(date__gte=last_start, date__lte=last_end), "office")
    follow_ups = _by(consultations.filter(follow_up_on__lt=today, follow_up_done=False), "office")
    reviews = _by(plans.filter(next_review_on__lt=today), "client__office")
    period = {"fiscal_year": "all", "date_from": f"{month_start:%Y-%m-%d}", "date_to": f"{today:%Y-%m-%d}"}
    last = {"fiscal_year": "all", "date_from": f"{last_start:%Y-%m-%d}", "date_to": f"{last_end:%Y-%m-%d}"}
    rows = []
    for office in visible_offices(user):
        o = office.pk
        rows.append(
            {
                "office": office,
                "cells": [
                    (active.get(o, 0), _link("cases:client_list", office=o, status=ClientStatus.ACTIVE)),
                    (this_month.get(o, 0), _link("cases:consultation_list", office=o, **period)),
                    (last_year.get(o, 0), _link("cases:consultation_list", office=o, **last)),
                    (dormant.get(o, 0), _link("cases:client_list", office=o, dormant="true")),
                    (
                        follow_ups.get(o, 0),
                        _link(
                            "cases:consultation_list", office=o, fiscal_year="all", follow_up_overdue="true"
                        ),
                    ),
                    (reviews.get(o, 0), _link("casework:review_list", office=o, overdue="true")),
                    (
                        new.get(o, 0),
                        _link(
                            "cases:client_list",
                            office=o,
                            registered_from=f"{fy_start:%Y-%m-%d}",
                            registered_to=f"{today:%Y-%m-%d}",
                        ),
                    ),
                ],
            }
        )
    return rows


def staff_figures(user, today: dt.date) -> list[dict]:
    month_start = today.replace(day=1)
    last_start, last_end = add_months(month_start, -12), add_months(today, -12)
    consultations = scope(Consultation.objects.current(), user)
    this_month = _by(consultations.filter(date__gte=month_start, date__lte=today), "staff")
    last_year = _by(consultations.filter(date__gte=last_start, date__lte=last_end), "staff")
    follow_ups = _by(consultations.filter(follow_up_on__lt=today, follow_up_done=False), "staff")
    staff = (
        User.objects.filter(is_active=True, memberships__office__in=visible_offices(user))
        .filter(Q(groups__name=Role.COORDINATOR) | Q(groups__name=Role.SUPERVISOR))
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )
    period = {"fiscal_year": "all", "date_from": f"{month_start:%Y-%m-%d}", "date_to": f"{today:%Y-%m-%d}"}
    last = {"fiscal_year": "all", "date_from": f"{last_start:%Y-%m-%d}", "date_to": f"{last_end:%Y-%m-%d}"}
    return [
        {
            "staff": member,
            "cells": [
                (this_month.get(member.pk, 0), _link("cases:consultation_list", staff=member.pk, **period)),
                (last_year.get(member.pk, 0), _link("cases:consultation_list", staff=member.pk, **last)),
                (
                    follow_ups.get(member.pk, 0),
                    _link(
                        "cases:consultation_list",
                        staff=member.pk,
                        fiscal_year="all",
                        follow_up_overdue="true",
                    ),
                ),
            ],
        }
        for member in staff
    ]


def trend(user, today: dt.date) -> dict:
    """Consultations per month and office over the last twelve months (this month so far)."""
    first = add_months(today.replace(day=1), -11)
    months = [add_months(first, n) for n in range(12)]
    counts = (
        scope(Consultation.objects.current(), user)
        .filter(date__gte=first, date__lte=today)
        .annotate(month=TruncMonth("date"))
        .values_list("office", "month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found = {
        (office, month if isinstance(month, dt.date) else month.date()): n for office, month, n in counts
    }
    return {
        "labels": [f"{m.year}/{m.month}" for m in months],
        "datasets": [
            {
                "label": office.short_name or office.name,
                "data": [found.get((office.pk, m), 0) for m in months],
            }
            for office in visible_offices(user)
        ],
    }


@register_panel
def supervision(user, today):
    if not user.has_role(Role.SUPERVISOR):
        return None
    return {
        "template": "casework/_home_supervision.html",
        "wide": True,
        "offices": office_figures(user, today),
        "staff": staff_figures(user, today),
        "trend": trend(user, today),
        "this_month": today.replace(day=1),
    }
