"""The yearly report's figures of a whole fiscal year, read from the derived data.

Each function returns exactly what its namesake in queries.py returns when it reads every
consultation (tests/reports/test_derived_data.py checks both ways agree on random histories);
the cost follows the chosen year, not the length of the history.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from cases.models import VISIT_SUPPORT_METHODS
from hikikomori.models import Office

from . import scope as q
from .models import ALL_METHODS, INTERVIEWS, ClientYear, MonthlyCount, StaffMonthlyCount


def _scoped(qs: QuerySet, scope) -> QuerySet:
    return qs.filter(office=scope.office) if scope.office else qs


def client_years(scope, fiscal_year: int | None = None, method: str | None = None) -> QuerySet:
    """The year's rows of the chosen office, or the rows of all offices together; one method's
    (or summary's) rows, or the rows of each single method."""
    rows = ClientYear.objects.filter(fiscal_year=fiscal_year or scope.fiscal_year)
    rows = rows.filter(method=method) if method else rows.exclude(method__in=[ALL_METHODS, INTERVIEWS])
    return rows.filter(office=scope.office) if scope.office else rows.filter(office__isnull=True)


def monthly_counts(scope, years: int = 5) -> dict[tuple[int, int], dict[str, int]]:
    rows = (
        _scoped(MonthlyCount.objects, scope)
        .filter(fiscal_year__range=(scope.fiscal_year - years + 1, scope.fiscal_year))
        .values("fiscal_year", "month", "method")
        .annotate(n=Sum("count"))
        .order_by()
    )
    counts: dict[tuple[int, int], dict[str, int]] = {}
    for row in rows:
        bucket = counts.setdefault((row["fiscal_year"], row["month"]), dict.fromkeys(q.CATEGORIES, 0))
        bucket[q.CATEGORY_OF[row["method"]]] += row["n"]
    return counts


def unique_counts(scope) -> dict[str, dict[str, int]]:
    aggregates: dict[str, Any] = {"all_clients": Count("id", filter=Q(method=ALL_METHODS))}
    for index, methods in enumerate(q.CATEGORIES.values()):
        # one row per person and method: a category of one method counts rows, of two persons
        in_category = Q(method__in=methods)
        aggregates[f"c{index}_clients"] = (
            Count("id", filter=in_category)
            if len(methods) == 1
            else Count("client", distinct=True, filter=in_category)
        )
    every = ClientYear.objects.filter(fiscal_year=scope.fiscal_year, office=scope.office)
    persons = every.aggregate(**aggregates)
    totals: dict[str, int] = dict.fromkeys(q.CATEGORIES, 0)
    anonymous: dict[str, int] = dict.fromkeys(q.CATEGORIES, 0)
    for method, is_anonymous, n in (
        _scoped(MonthlyCount.objects, scope)
        .filter(fiscal_year=scope.fiscal_year)
        .values_list("method", "anonymous")
        .annotate(n=Sum("count"))
        .order_by()
    ):
        category = q.CATEGORY_OF[method]
        totals[category] += n
        if is_anonymous:
            anonymous[category] += n
    result = {
        category: {"persons": persons[f"c{i}_clients"] + anonymous[category], "total": totals[category]}
        for i, category in enumerate(q.CATEGORIES)
    }
    result["合計"] = {
        "persons": persons["all_clients"] + sum(anonymous.values()),
        "total": sum(totals.values()),
    }
    return result


def region_counts(scope, methods) -> dict[str, dict[str | None, int]]:
    # One row per client and method: its last consultation's residence; where that recorded
    # none, the client's (two plain group-bys by municipality; regions are named afterwards).
    rows = client_years(scope).filter(method__in=methods)
    parts = (
        rows.filter(last_municipality__isnull=False).values_list("method", "last_municipality"),
        rows.filter(last_municipality__isnull=True).values_list("method", "home_municipality"),
    )
    result: dict[str, dict[str | None, int]] = {m: {} for m in methods}
    for qs in parts:
        for method, name, n in q.with_regions(scope, qs.annotate(n=Count("id")).order_by()):
            result[method][name] = result[method].get(name, 0) + n
    for method, region, n in q.anonymous_regions(scope, methods):
        result[method][region] = result[method].get(region, 0) + n
    return result


def new_interviewees(scope) -> list[dict]:
    """New interviewees counted in the database by sex, 年代 at the year's first interview and
    residence (the interviews' summary row holds that interview): a few dozen groups, not a row
    per person. The region is the first interview's municipality's, else the client's."""
    rows = (
        client_years(scope, method=INTERVIEWS)
        .filter(consulted_year_before=False)
        .values_list(
            "sex",
            "first_age_group",
            "first_municipality",
            "home_municipality",
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    names = scope.region_names
    groups: dict[tuple, int] = {}
    for sex, age, first, home, n in rows:
        key = (sex, age, names.get(first) or names.get(home))
        groups[key] = groups.get(key, 0) + n
    return [
        {"sex": sex, "age_group": age, "region": region, "n": n} for (sex, age, region), n in groups.items()
    ]


def support_spans(scope) -> dict[str, int]:
    """Persons per 継続支援期間 bucket, counted in the database from the stored month spans."""
    aggregates = {
        name: Count("id", filter=Q(span_months__gte=low) & (Q(span_months__lt=high) if high else Q()))
        for name, low, high in q.SPAN_BUCKETS
    }
    return client_years(scope, method=ALL_METHODS).aggregate(**aggregates)


def consulter_counts(scope) -> dict[tuple[str, str], int]:
    rows = (
        _scoped(MonthlyCount.objects, scope)
        .filter(fiscal_year=scope.fiscal_year)
        .values_list("consulter", "method")
        .annotate(n=Sum("count"))
        .order_by()
    )
    return {(consulter, method): n for consulter, method, n in rows}


def _staff_rows(scope) -> QuerySet:
    return _scoped(StaffMonthlyCount.objects, scope).filter(fiscal_year=scope.fiscal_year)


def _visits():
    return Coalesce(Sum("count", filter=Q(method__in=q.CATEGORIES["訪問・同行"])), 0)


def staff_counts(scope) -> list[Any]:
    return list(
        _staff_rows(scope)
        .filter(staff__isnull=False)
        .values(user__username=F("staff__username"), user__last_name=F("staff__last_name"),
                user__first_name=F("staff__first_name"))
        .annotate(total=Sum("count"), visits=_visits())
        .order_by("user__last_name", "user__first_name", "user__username")
    )  # fmt: skip


def unassigned_counts(scope) -> dict:
    return (
        _staff_rows(scope)
        .filter(staff__isnull=True)
        .aggregate(total=Coalesce(Sum("count"), 0), visits=_visits())
    )


def ice_age_counts(scope) -> list[dict]:
    from cases.models import ICE_AGE_BORN_FROM, ICE_AGE_BORN_TO

    born = Q(birth_date__gte=ICE_AGE_BORN_FROM, birth_date__lte=ICE_AGE_BORN_TO)
    return list(
        _scoped(ClientYear.objects.filter(fiscal_year=scope.fiscal_year, method=ALL_METHODS), scope)
        .filter(office__kind=Office.Kind.SATELLITE)
        .values(office_name=F("office__name"), office_order=F("office__sort_order"))
        .annotate(clients=Count("id"), ice_age=Count("id", filter=born))
        .order_by("office_order")
    )


def consultation_totals(
    rows: QuerySet,
    *,
    fiscal_year: int | None,
    office=None,
    method: str = "",
    consulter: str = "",
    anonymous: bool | None = None,
) -> dict:
    """The 相談記録 list's totals from the monthly counts (`rows`: those of the offices the user
    sees): 件数, 匿名, 訪問支援 and 所要時間計 of a fiscal year (None: every year)."""
    filters = {"fiscal_year": fiscal_year, "office": office, "method": method, "consulter": consulter}
    rows = rows.filter(**{name: value for name, value in filters.items() if value not in (None, "")})
    if anonymous is not None:
        rows = rows.filter(anonymous=anonymous)
    totals = rows.aggregate(
        n=Coalesce(Sum("count"), 0),
        n_anonymous=Coalesce(Sum("count", filter=Q(anonymous=True)), 0),
        n_visit_support=Coalesce(Sum("count", filter=Q(method__in=VISIT_SUPPORT_METHODS)), 0),
        n_minutes=Sum("minutes"),
    )
    return {
        "count": totals["n"],
        "anonymous": totals["n_anonymous"],
        "visit_support": totals["n_visit_support"],
        "minutes": totals["n_minutes"],
    }
