from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from hikikomori.masterdata import load_master_data, read_master_data


class Command(BaseCommand):
    help = "Load (create or update) offices, regions, health areas and municipalities from a JSON file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON file shaped like hikikomori/masterdata/fukuoka.json")

    def handle(self, *args, file, **options):
        try:
            data = read_master_data(file)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        try:
            with transaction.atomic():
                counts = load_master_data(apps.get_model, data)
        except Exception as exc:  # any bad reference leaves the data as it was
            raise CommandError(f"Master data not loaded, nothing changed: {exc!r}") from exc
        for kind, count in counts.items():
            self.stdout.write(f"{kind}: {count}")
