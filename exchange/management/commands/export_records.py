"""python manage.py export_records KIND FILE — the import formats, for a round trip or leaving us."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exchange.importing.exporting import export_rows
from exchange.importing.runner import KINDS
from hikikomori.audit import audit
from hikikomori.exports import write_csv, write_xlsx
from hikikomori.models import AuditEvent


class Command(BaseCommand):
    help = "Export records in the import_records format (.csv UTF-8 with BOM, or .xlsx)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("file")

    def handle(self, *args, kind, file, **options):
        path = Path(file)
        suffix = path.suffix.lower()
        if suffix not in (".csv", ".xlsx"):
            raise CommandError("FILE must end in .csv or .xlsx")
        try:
            with path.open("wb") as out:
                # Written row by row as the rows are read: memory stays flat, whatever the size.
                if suffix == ".xlsx":
                    count = write_xlsx(export_rows(kind), out, title=kind) - 1
                else:
                    count = write_csv(export_rows(kind), out) - 1
        except OSError as exc:
            raise CommandError(f"Cannot write {file}: {exc.strerror}") from exc
        audit(AuditEvent.Action.EXPORT, target=kind, file=path.name, rows=count, via="export_records")
        self.stdout.write(f"{kind}: {count} rows written to {path}")
