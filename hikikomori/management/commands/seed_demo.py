"""Demo accounts (and, through the apps' demo hooks, demo records) for trying the product."""

import secrets

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from hikikomori.demo import demo_steps
from hikikomori.models import Membership, Office, Role, User

# username, last name, first name, roles, offices ("center": the center; "satellite": the first
# satellite office in display order — 筑豊サテライトオフィス with the default master data)
DEMO_ACCOUNTS = [
    ("center", "春日", "花子", [Role.COORDINATOR], ["center"]),
    ("satellite", "田川", "太郎", [Role.COORDINATOR], ["satellite"]),
    ("supervisor", "福岡", "一郎", [Role.SUPERVISOR], ["center"]),
    ("admin", "管理", "次郎", [Role.ADMIN], []),
]


class Command(BaseCommand):
    help = "Create demo staff accounts (center, satellite, supervisor, admin) and demo records."

    def add_arguments(self, parser):
        parser.add_argument("--password", help="Password for every demo account (default: a random one).")
        parser.add_argument("--accounts-only", action="store_true", help="Create the accounts only.")

    def handle(self, *args, password=None, accounts_only=False, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo refuses to run with DJANGO_DEBUG=0 (production settings).")
        password = password or secrets.token_urlsafe(12)
        with transaction.atomic():
            for username, last, first, roles, offices in DEMO_ACCOUNTS:
                self._account(username, last, first, roles, offices, password)
        self.stdout.write(self.style.SUCCESS("Demo accounts (username / password):"))
        for username, *_ in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username} / {password}")
        if not accounts_only:
            for step in demo_steps():
                step(stdout=self.stdout)

    def _account(self, username, last, first, roles, office_names, password):
        user, _ = User.objects.get_or_create(username=username)
        user.last_name, user.first_name = last, first
        user.is_active = True
        user.is_staff = Role.ADMIN in roles
        user.set_password(password)
        user.save()
        user.groups.set(Group.objects.filter(name__in=roles))
        for index, kind in enumerate(office_names):
            office = Office.objects.filter(kind=kind).order_by("sort_order", "pk").first()
            if office is None:
                raise CommandError(f"No {kind} office in the master data: load it first (load_master_data).")
            Membership.objects.update_or_create(user=user, office=office, defaults={"is_primary": index == 0})
