"""Web相談 past a year (run it daily, e.g. from cron):

    manage.py forget_web_requests

deletes the requests that never became a consultation and empties the text and contact details
of those that did (their 受付 and consultation stay, under the case's own retention)."""

from django.core.management.base import BaseCommand

from webconsult.services import forget_old_requests


class Command(BaseCommand):
    help = "Delete Web相談 a year old that never became a consultation; empty the recorded ones."

    def handle(self, *args, **options):
        deleted, emptied = forget_old_requests()
        self.stdout.write(f"Web相談 a year old: {deleted} deleted, {emptied} emptied.")
