"""The yearly report's scope (which year, office and cut) and what the live queries
(reports/queries.py) and the derived-data queries (reports/stored.py) share: the categories of
相談方法, the buckets of 継続支援期間, regions of municipalities. Both import it; neither imports the
other's module back (queries dispatches to stored)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Count, QuerySet

from cases.models import Consultation, Method
from hikikomori.fiscal import fiscal_year_range
from hikikomori.models import Municipality, Office
from outreach.models import Attendance, MunicipalDay, Session, SessionStatus

# 継続支援期間: (label, from months, below months).
SPAN_BUCKETS = [
    ("3ヶ月未満", 0, 3),
    ("3～6ヶ月未満", 3, 6),
    ("6ヶ月～1年未満", 6, 12),
    ("1年～3年未満", 12, 36),
    ("3年以上", 36, None),
]

# Report categories of 相談方法 (D2), in the order of the tables.
CATEGORIES = {
    "電話": (Method.PHONE,),
    "来所": (Method.VISIT,),
    "訪問・同行": (Method.HOME_VISIT, Method.ACCOMPANY),
    "オンライン": (Method.ONLINE,),
    "その他": (Method.OTHER,),
}
CATEGORY_OF = {method: category for category, methods in CATEGORIES.items() for method in methods}

# D4/D5: the residence recorded on the consultation; where none was recorded then, the client's
# municipality as registered now (a first call often comes before the address is known).


@dataclass(frozen=True)
class Scope:
    fiscal_year: int
    as_of: dt.date | None = None
    office: Office | None = None
    # Read every consultation even where the derived data (reports/derived.py) could answer: the
    # reference the derived data is tested against.
    live: bool = False

    @property
    def stored(self) -> bool:
        """A whole fiscal year is read from the derived data; a year cut by an as-of date inside
        it is counted from the consultations themselves."""
        return not self.live and (self.as_of is None or self.as_of >= fiscal_year_range(self.fiscal_year)[1])

    @property
    def start(self) -> dt.date:
        return fiscal_year_range(self.fiscal_year)[0]

    @property
    def end(self) -> dt.date:
        """Last day counted in the chosen year: its March 31st or the as-of date."""
        end = fiscal_year_range(self.fiscal_year)[1]
        return min(end, self.as_of) if self.as_of else end

    @cached_property
    def region_names(self) -> dict[int, str | None]:
        """Each municipality's region (None where it has none), read once per report: the report
        groups by municipality and names the regions afterwards instead of joining every row."""
        return dict(Municipality.objects.values_list("pk", "region__name"))

    def year_end(self, fiscal_year: int) -> dt.date:
        end = fiscal_year_range(fiscal_year)[1]
        return min(end, self.as_of) if self.as_of else end

    def consultations(self) -> QuerySet:
        qs = Consultation.objects.filter(archived_at__isnull=True, date__lte=self.end)
        return qs.filter(office=self.office) if self.office else qs

    def sessions(self) -> QuerySet:
        qs = Session.objects.filter(archived_at__isnull=True, date__lte=self.end)
        return qs.filter(office=self.office) if self.office else qs

    def attendances(self) -> QuerySet:
        qs = Attendance.objects.filter(
            session__archived_at__isnull=True, session__status=SessionStatus.HELD, session__date__lte=self.end
        )
        return qs.filter(session__office=self.office) if self.office else qs

    def municipal_days(self) -> QuerySet:
        qs = MunicipalDay.objects.filter(archived_at__isnull=True, date__lte=self.end)
        return qs.filter(office=self.office) if self.office else qs


def anonymous_regions(scope: Scope, methods) -> list[tuple[str, str | None, int]]:
    """D4: anonymous consultations of the year count one person each: (method, region, count)."""
    rows = (
        scope.consultations()
        .filter(date__gte=scope.start, method__in=methods, client__isnull=True)
        .values_list("method", "municipality")
        .annotate(n=Count("id"))
        .order_by()
    )
    return with_regions(scope, rows)


def with_regions(scope: Scope, rows) -> list[tuple[str, str | None, int]]:
    """(key, municipality id, n) rows as (key, region, n); no municipality is the region None."""
    return [(key, scope.region_names.get(municipality), n) for key, municipality, n in rows]
