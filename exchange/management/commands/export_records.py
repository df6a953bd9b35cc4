"""python manage.py export_records KIND FILE — the import formats, for a round trip or leaving us."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exchange.importing.exporting import export_rows
from exchange.importing.runner import KINDS
from hikikomori.audit import audit
from hikikomori.exports import render_csv, render_xlsx
from hikikomori.models import AuditEvent


class Command(BaseCommand):
    help = "Export records in the import_records format (.csv UTF-8 with BOM, or .xlsx)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("file")

    def handle(self, *args, kind, file, **options):
        path = Path(file)
        rows = list(export_rows(kind))
        if path.suffix.lower() == ".xlsx":
            content = render_xlsx(rows, title=kind)
        elif path.suffix.lower() == ".csv":
            content = render_csv(rows)
        else:
            raise CommandError("FILE must end in .csv or .xlsx")
        try:
            path.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"Cannot write {file}: {exc.strerror}") from exc
        audit(AuditEvent.Action.EXPORT, target=kind, file=path.name, rows=len(rows) - 1, via="export_records")
        self.stdout.write(f"{kind}: {len(rows) - 1} rows written to {path}")
