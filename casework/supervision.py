"""A supervisor's ホーム: per office and per member of staff, the numbers a supervisor watches, each
a link to the filtered list it counts, and the last twelve months of consultations per office.
A constant number of grouped queries, whatever the number of offices, staff or records."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

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


OFFICE_COLUMNS = [
    _("支援中"),
    _("担当者なし"),
    _("今月の相談"),
    _("前年同月"),
    _("長期未接触"),
    _("次回予定の期限切れ"),
    _("見直しの期限切れ"),
    _("今年度の新規登録"),
]
STAFF_COLUMNS = [_("今月の相談"), _("前年同月"), _("次回予定の期限切れ")]
# 担当件数: the 支援中 cases each worker carries as 主担当, and what needs their attention.
CASELOAD_COLUMNS = [_("担当中（主担当）"), _("長期未接触"), _("見直しの期限切れ"), _("今年度の新規")]


def _dates(span: tuple[dt.date, dt.date]) -> dict:
    """A period as the 相談記録 list's filters take it (all years, so that no 年度 cuts it)."""
    return {"fiscal_year": "all", "date_from": f"{span[0]:%Y-%m-%d}", "date_to": f"{span[1]:%Y-%m-%d}"}


def _consultation_figures(user, today: dt.date, key: str) -> list[tuple[dict, dict]]:
    """This month so far, the same days last year, and late follow-ups, by office or staff: each
    (counts by `key`, the 相談記録 filters that list them)."""
    month = (today.replace(day=1), today)
    last_year = (add_months(month[0], -12), add_months(today, -12))
    consultations = scope(Consultation.objects.current(), user)
    return [
        (_by(consultations.filter(date__range=month), key), _dates(month)),
        (_by(consultations.filter(date__range=last_year), key), _dates(last_year)),
        (
            _by(consultations.filter(follow_up_on__lt=today, follow_up_done=False), key),
            {"fiscal_year": "all", "follow_up_overdue": "true"},
        ),
    ]


def _cells(columns, figures: list[tuple[int, str]]) -> list[tuple]:
    return [(label, count, url) for label, (count, url) in zip(columns, figures, strict=True)]


def office_figures(user, today: dt.date) -> list[dict]:
    fy_start = fiscal_year_range(fiscal_year_of(today))[0]
    clients = scope(Client.objects.current(), user)
    plans = scope(SupportPlan.objects.current(), user, CLIENT_OFFICE).filter(
        client__merged_into__isnull=True, client__archived_at__isnull=True, client__anonymised_at__isnull=True
    )
    active = _by(clients.filter(status=ClientStatus.ACTIVE), "office")
    unassigned = _by(
        clients.exclude(status=ClientStatus.CLOSED).filter(
            Q(primary_worker__isnull=True) | Q(primary_worker__is_active=False)
        ),
        "office",
    )
    dormant = _by(clients.dormant(today), "office")
    new = _by(clients.filter(registered_on__gte=fy_start, registered_on__lte=today), "office")
    reviews = _by(plans.filter(next_review_on__lt=today), "client__office")
    consultations = _consultation_figures(user, today, "office")
    rows = []
    for office in visible_offices(user):
        o = office.pk
        figures = [
            (active.get(o, 0), _link("cases:client_list", office=o, status=ClientStatus.ACTIVE)),
            (unassigned.get(o, 0), _link("cases:client_list", office=o, unassigned="true")),
            *[
                (counts.get(o, 0), _link("cases:consultation_list", office=o, **filters))
                for counts, filters in consultations[:2]
            ],
            (dormant.get(o, 0), _link("cases:client_list", office=o, dormant="true")),
            (
                consultations[2][0].get(o, 0),
                _link("cases:consultation_list", office=o, **consultations[2][1]),
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
        ]
        rows.append({"office": office, "cells": _cells(OFFICE_COLUMNS, figures)})
    return rows


def caseload_figures(user, today: dt.date):
    """Per worker: 支援中 cases carried as 主担当, of them 長期未接触 and plans past their review,
    and those registered this fiscal year. Returns `cells(worker_id)`: counts with the lists
    they count."""
    fy_start = fiscal_year_range(fiscal_year_of(today))[0]
    carried = scope(Client.objects.current(), user).filter(status=ClientStatus.ACTIVE)
    plans = scope(SupportPlan.objects.current(), user, CLIENT_OFFICE).filter(
        client__merged_into__isnull=True, client__archived_at__isnull=True, client__anonymised_at__isnull=True
    )
    counts = [
        _by(carried, "primary_worker"),
        _by(carried.dormant(today), "primary_worker"),
        _by(plans.filter(next_review_on__lt=today), "client__primary_worker"),
        _by(carried.filter(registered_on__gte=fy_start, registered_on__lte=today), "primary_worker"),
    ]
    active = {"status": ClientStatus.ACTIVE}
    this_year = {"registered_from": f"{fy_start:%Y-%m-%d}", "registered_to": f"{today:%Y-%m-%d}"}

    def cells(worker: int) -> list[tuple[int, str]]:
        return [
            (counts[0].get(worker, 0), _link("cases:client_list", primary_worker=worker, **active)),
            (counts[1].get(worker, 0), _link("cases:client_list", primary_worker=worker, dormant="true")),
            (counts[2].get(worker, 0), _link("casework:review_list", primary_worker=worker, overdue="true")),
            (
                counts[3].get(worker, 0),
                _link("cases:client_list", primary_worker=worker, **active, **this_year),
            ),
        ]

    return cells


def staff_figures(user, today: dt.date) -> list[dict]:
    consultations = _consultation_figures(user, today, "staff")
    caseloads = caseload_figures(user, today)
    staff = (
        User.objects.filter(is_active=True, memberships__office__in=visible_offices(user))
        .filter(Q(groups__name=Role.COORDINATOR) | Q(groups__name=Role.SUPERVISOR))
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )
    return [
        {
            "staff": member,
            "cells": _cells(
                [*STAFF_COLUMNS, *CASELOAD_COLUMNS],
                [
                    *[
                        (
                            counts.get(member.pk, 0),
                            _link("cases:consultation_list", staff=member.pk, **filters),
                        )
                        for counts, filters in consultations
                    ],
                    *caseloads(member.pk),
                ],
            ),
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
        "office_columns": OFFICE_COLUMNS,
        "staff_columns": [*STAFF_COLUMNS, *CASELOAD_COLUMNS],
        "this_month": today.replace(day=1),
    }
