"""python manage.py export_annual_report --fiscal-year 2024 --output report.xlsx [--as-of DATE] [--office NAME]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hikikomori.audit import audit
from hikikomori.fiscal import DateParseError, fiscal_year_range, parse_japanese_date
from hikikomori.models import AuditEvent, Office
from reports.queries import Scope
from reports.tables import build_report
from reports.xlsx import render_workbook


class Command(BaseCommand):
    help = "Write the yearly report (年次報告) workbook for a fiscal year."

    def add_arguments(self, parser):
        parser.add_argument(
            "--fiscal-year", type=int, required=True, help="e.g. 2024 for 令和6年度 (2024-04-01..2025-03-31)"
        )
        parser.add_argument("--output", required=True, help="the .xlsx file to write")
        parser.add_argument(
            "--as-of", help="count only records up to this date (2024-12-31, 2024/12/31, R6.12.31)"
        )
        parser.add_argument("--office", help="limit every table to this office's records (its name)")

    def handle(self, *args, fiscal_year, output, as_of=None, office=None, **options):
        scope = Scope(fiscal_year=fiscal_year, as_of=_as_of(as_of, fiscal_year), office=_office(office))
        report = build_report(scope)
        path = Path(output)
        try:
            path.write_bytes(render_workbook(report))
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror}") from exc
        audit(
            AuditEvent.Action.EXPORT,
            target="annual_report",
            fiscal_year=fiscal_year,
            as_of=str(scope.as_of or ""),
            office=office or "",
            via="export_annual_report",
        )
        self.stdout.write(f"{report.label}: {len(report.tables)} sheets written to {path}")


def _as_of(value, fiscal_year):
    if not value:
        return None
    try:
        day = parse_japanese_date(value)
    except DateParseError as exc:
        raise CommandError(f"--as-of {value!r} is not a date: {exc}") from exc
    start, _ = fiscal_year_range(fiscal_year)
    if day < start:
        raise CommandError(f"--as-of {day} is before the fiscal year starts ({start}).")
    return day


def _office(name):
    if not name:
        return None
    office = Office.objects.filter(name=name.strip()).first()
    if office is None:
        names = ", ".join(Office.objects.values_list("name", flat=True))
        raise CommandError(f"No office named {name!r}. Offices: {names}")
    return office
