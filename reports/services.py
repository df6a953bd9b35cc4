"""Finalizing a yearly report and comparing it with today's figures."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hikikomori.audit import audit
from hikikomori.models import AuditEvent, User

from .models import FinalizedReport
from .queries import Scope
from .tables import Report, build_report, figures
from .xlsx import render_workbook


def finalized_versions(scope: Scope):
    """Every finalized version of the scope's report, the latest first."""
    return FinalizedReport.objects.filter(
        fiscal_year=scope.fiscal_year, as_of=scope.as_of, office=scope.office
    ).select_related("by", "office")


def finalized_for(scope: Scope) -> FinalizedReport | None:
    return finalized_versions(scope).first()


@transaction.atomic
def report_finalize(*, by: User, scope: Scope, reason: str = "") -> FinalizedReport:
    """Store the workbook and figures as they are now. Finalizing a year again needs a reason and
    keeps every earlier version."""
    # Serialise finalizations of one report: the version numbers stay consecutive.
    list(FinalizedReport.objects.select_for_update().filter(fiscal_year=scope.fiscal_year))
    previous = finalized_for(scope)
    reason = reason.strip()
    if previous is not None and not reason:
        raise ValidationError({"reason": _("確定し直す理由を入力してください（前の版も残ります）。")})
    report = build_report(scope)
    finalized = FinalizedReport.objects.create(
        fiscal_year=scope.fiscal_year,
        as_of=scope.as_of,
        office=scope.office,
        label=report.label,
        workbook=render_workbook(report),
        figures=figures(report),
        by=by,
        version=previous.version + 1 if previous else 1,
        reason=reason,
    )
    audit(
        AuditEvent.Action.FINALIZE,
        user=by,
        target="annual_report",
        target_id=finalized.pk,
        label=report.label,
        version=finalized.version,
        replaces=previous.pk if previous else None,
    )
    return finalized


def format_figure(value) -> str:
    """A stored figure as its table shows it: counts with separators, ratios as 12.3%."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return f"{value:.1%}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


@dataclass
class Difference:
    sheet: str
    row: str
    column: str
    finalized: object
    current: object

    @property
    def finalized_text(self) -> str:
        return format_figure(self.finalized)

    @property
    def current_text(self) -> str:
        return format_figure(self.current)


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
