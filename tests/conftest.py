"""Offices, personas and logged-in clients shared by every test."""

import os
import subprocess
import uuid
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client

from hikikomori.models import Membership, Office, Role, User

CENTER = "福岡県ひきこもり地域支援センター"
CHIKUHO = "筑豊サテライトオフィス"
CHIKUGO = "筑後サテライトオフィス"
PASSWORD = "correct-horse-battery-staple"


def make_user(username, *, roles=(), offices=(), last_name="", first_name="") -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, last_name=last_name, first_name=first_name
    )
    user.groups.set(Group.objects.filter(name__in=roles))
    for index, office in enumerate(offices):
        Membership.objects.create(user=user, office=office, is_primary=index == 0)
    if Role.ADMIN in roles:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return user


DATA_MIGRATIONS = [
    "hikikomori.migrations.0002_roles_and_default_master_data",
    "cases.migrations.0002_default_choice_lists",
    "outreach.migrations.0002_default_programs_and_lists",
]


@pytest.fixture
def master_data(db):
    """The data `migrate` loads; loaded again where a transactional test flushed it."""
    if not Office.objects.exists():
        from importlib import import_module

        from django.apps import apps

        for name in DATA_MIGRATIONS:
            module = import_module(name)
            for operation in module.Migration.operations:
                operation.code(apps, None)


@pytest.fixture
def center(master_data):
    return Office.objects.get(name=CENTER)


@pytest.fixture
def chikuho(master_data):
    return Office.objects.get(name=CHIKUHO)


@pytest.fixture
def chikugo(master_data):
    return Office.objects.get(name=CHIKUGO)


@pytest.fixture
def coordinator(center):
    return make_user("coord", roles=[Role.COORDINATOR], offices=[center], last_name="春日", first_name="花子")


@pytest.fixture
def satellite_coordinator(chikuho):
    return make_user("sat", roles=[Role.COORDINATOR], offices=[chikuho], last_name="田川", first_name="太郎")


@pytest.fixture
def supervisor(center):
    return make_user("super", roles=[Role.SUPERVISOR], offices=[center], last_name="福岡", first_name="一郎")


@pytest.fixture
def admin_user(master_data):
    return make_user("sysadmin", roles=[Role.ADMIN], last_name="管理", first_name="次郎")


@pytest.fixture
def outsider(master_data):
    return make_user("outsider")


def totp_device(user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "test"})[0]


def current_token(device) -> str:
    from django_otp.oath import totp

    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def pending_token(client) -> str:
    """A current code for the key the setup page shows (kept in the session until confirmed)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from hikikomori.twofactor import PENDING_KEY

    return current_token(TOTPDevice(key=client.session[PENDING_KEY]))


def logged_in(user, *, verified: bool = True) -> Client:
    """A test client logged in as `user`; two-factor verified where the role requires it."""
    client = Client()
    client.force_login(user)
    if verified and user.requires_two_factor:
        session = client.session
        session["otp_device_id"] = totp_device(user).persistent_id
        session.save()
    return client


@pytest.fixture
def coordinator_client(coordinator):
    return logged_in(coordinator)


@pytest.fixture
def satellite_client(satellite_coordinator):
    return logged_in(satellite_coordinator)


@pytest.fixture
def supervisor_client(supervisor):
    return logged_in(supervisor)


@pytest.fixture
def admin_client_(admin_user):
    return logged_in(admin_user)


GRANTS = Path(__file__).resolve().parents[1] / "deploy" / "postgresql" / "grants.sql"


def run_grants(role: str) -> None:
    """deploy/postgresql/grants.sql as the README runs it, for `role` on the test database."""
    settings = connection.settings_dict
    subprocess.run(
        [
            *("psql", "-v", "ON_ERROR_STOP=1", "-h", settings["HOST"] or "127.0.0.1"),
            *("-p", str(settings["PORT"] or 5432), "-U", settings["USER"], "-d", settings["NAME"]),
            *("-v", f"owner_role={settings['USER']}", "-v", f"app_role={role}"),
            *("-v", f"dbname={settings['NAME']}", "-f", str(GRANTS)),
        ],
        check=True,
        capture_output=True,
        env=os.environ | {"PGPASSWORD": settings.get("PASSWORD") or ""},
    )


@pytest.fixture(scope="session")
def application_role(django_db_setup, django_db_blocker):
    """The production application role: created as roles.sql does, granted by grants.sql."""
    if connection.vendor != "postgresql":
        pytest.skip("the production database roles are PostgreSQL's (CI runs it)")
    role = f"hikikomori_app_{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT')
        run_grants(role)
    yield role
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
        cursor.execute(f'DROP OWNED BY "{role}"')
        cursor.execute(f'DROP ROLE "{role}"')


@pytest.fixture
def as_application_role(application_role):
    """From here on, the test's database connection (the one the test client's requests use)
    has the application role's rights and nothing more, as production's DATABASE_URL does."""
    with connection.cursor() as cursor:
        cursor.execute(f'SET ROLE "{application_role}"')
    yield application_role
    try:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
    except Exception:  # noqa: BLE001 - an aborted transaction is rolled back by the db fixture
        pass
