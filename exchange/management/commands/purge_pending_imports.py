"""python manage.py purge_pending_imports — delete uploaded files left unconfirmed for over an hour.

The import page deletes them too whenever it is opened; run this from a timer (e.g. hourly) so
that an abandoned upload, which holds personal data, never outlives its hour by much.
"""

from django.core.management.base import BaseCommand

from exchange.models import PendingImport


class Command(BaseCommand):
    help = "Delete pending (unconfirmed) imports older than an hour."

    def handle(self, *args, **options):
        deleted, _ = PendingImport.objects.expired().delete()
        self.stdout.write(f"Deleted {deleted} expired pending import(s).")
