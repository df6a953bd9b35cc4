"""Finalizing a yearly report and comparing it with today's figures."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from hikikomori.audit import audit
from hikikomori.models import AuditEvent, User

from .models import FinalizedReport
from .queries import Scope
from .tables import Report, build_report, figures
from .xlsx import render_workbook


def finalized_for(scope: Scope) -> FinalizedReport | None:
    return (
        FinalizedReport.objects.filter(fiscal_year=scope.fiscal_year, as_of=scope.as_of, office=scope.office)
        .select_related("by")
        .first()
    )


@transaction.atomic
def report_finalize(*, by: User, scope: Scope) -> FinalizedReport:
    report = build_report(scope)
    finalized = FinalizedReport.objects.create(
        fiscal_year=scope.fiscal_year,
        as_of=scope.as_of,
        office=scope.office,
        label=report.label,
        workbook=render_workbook(report),
        figures=figures(report),
        by=by,
    )
    audit(
        AuditEvent.Action.FINALIZE,
        user=by,
        target="annual_report",
        target_id=finalized.pk,
        label=report.label,
    )
    return finalized


@dataclass
class Difference:
    sheet: str
    row: str
    column: str
    finalized: object
    current: object


def differences(report: Report, finalized: FinalizedReport) -> list[Difference]:
    """Figures that changed since the report was finalized (later edits of that year's records)."""
    now = figures(report)
    keys = list(dict.fromkeys([*finalized.figures, *now]))
    result = []
    for key in keys:
        old, new = finalized.figures.get(key), now.get(key)
        if isinstance(old, float) and isinstance(new, float) and abs(old - new) < 1e-9:
            continue
        if old != new:
            sheet, row, column = key.split(" | ")
            result.append(Difference(sheet, row, column, old, new))
    return result
