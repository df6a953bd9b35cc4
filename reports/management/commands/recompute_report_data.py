"""Rebuild the yearly report's derived data from the records and say what differed.

manage.py recompute_report_data           # compare, then replace what differs
manage.py recompute_report_data --check   # compare only; exit status 1 if anything differs
"""

from django.core.management.base import BaseCommand, CommandError

from reports import derived


class Command(BaseCommand):
    help = "Recompute the yearly report's derived data from the consultations and report differences."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="compare only, change nothing")

    def handle(self, *args, check=False, **options):
        differences = derived.recompute(check=check)
        for name, n in differences.items():
            self.stdout.write(f"{name}: {n} rows differ")
        if not any(differences.values()):
            self.stdout.write("The derived data equals the records.")
        elif check:
            raise CommandError(
                "The derived data differs from the records: run without --check to rebuild it."
            )
        else:
            self.stdout.write("Rebuilt from the records.")
