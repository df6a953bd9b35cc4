"""List the records past their retention period, for a supervisor to approve on 保存期間の満了.

Run monthly (see README); it anonymises nothing by itself."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from retention import services
from retention.models import Candidate


class Command(BaseCommand):
    help = "List the cases and records past their retention period (nothing is anonymised without approval)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Count periods as of this date (YYYY-MM-DD); default today.")

    def handle(self, *args, today=None, **options):
        try:
            day = dt.date.fromisoformat(today) if today else None
        except ValueError as exc:
            raise CommandError(f"--today: not a date (YYYY-MM-DD): {today}") from exc
        listed = services.list_expired(today=day)
        cases = [c for c in listed if c.kind == Candidate.Kind.CASE]
        numbers = dict(
            services.Client.objects.filter(pk__in=[c.client_id for c in cases]).values_list(
                "pk", "case_number"
            )
        )
        for candidate in cases:
            self.stdout.write(f"{numbers[candidate.client_id]}\t{candidate.reason}")
        for candidate in listed:
            if candidate.kind != Candidate.Kind.CASE:
                self.stdout.write(f"{candidate.get_kind_display()}\t{candidate.count}件\t{candidate.reason}")
        self.stdout.write(
            f"{len(cases)} case(s) and {len(listed) - len(cases)} group(s) of records listed; "
            "a supervisor approves them on 保存期間の満了."
        )
