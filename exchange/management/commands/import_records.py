"""python manage.py import_records KIND FILE [--dry-run]"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exchange.importing.runner import KINDS, run_import


class Command(BaseCommand):
    help = "Import clients, consultations, sessions, attendance or municipal days from .csv or .xlsx (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("file")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and report what would be created, write nothing"
        )

    def handle(self, *args, kind, file, dry_run, **options):
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc

        def progress(done: int) -> None:
            stage = "validated" if done > 0 else "written"
            self.stderr.write(f"  {abs(done):,} rows {stage}…")

        result = run_import(
            kind=kind, content=content, file_name=path.name, dry_run=dry_run, progress=progress
        )
        if not result.ok:
            for line in result.error_lines():
                self.stderr.write(line)
            raise CommandError(f"{result.error_count} error(s); nothing was imported.")
        if dry_run:
            self.stdout.write(f"Dry run: {result.rows} rows are valid; nothing was written. It would do:")
        for line in result.summary_lines():
            self.stdout.write(line)
        if dry_run and result.changes:
            self.stdout.write("Changes (項目: 旧 → 新):")
            for line in result.change_lines():
                self.stdout.write(f"  {line}")
        sys.stdout.flush()
