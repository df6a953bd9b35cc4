"""A dropped database connection costs no request: gunicorn's next request reconnects."""

import os
import uuid

import pytest
from django.db import connection

from tests.deploy.conftest import Browser, running_gunicorn


@pytest.mark.django_db(transaction=True)
def test_requests_after_the_database_dropped_every_connection_succeed(master_data):
    if connection.vendor != "postgresql":
        pytest.skip("terminating backends is PostgreSQL's (CI runs it)")
    settings = connection.settings_dict
    name = f"hikikomori_{uuid.uuid4().hex[:8]}"
    url = (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/"
        f"{settings['NAME']}?application_name={name}"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))} | {
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DJANGO_SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": url,
        "DATABASE_CONN_MAX_AGE": "600",
    }
    with running_gunicorn(env, threads=1) as port:
        browser = Browser(port)
        # A failed login reads and writes the database (lockout counter, audit log).
        response, _ = browser.post_form("/login/", {"username": "nobody", "password": "wrong"})
        assert response.status == 200
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = %s",
                [name],
            )
            assert cursor.fetchone()[0] == 1
        response, _ = browser.post_form("/login/", {"username": "nobody", "password": "wrong"})
        assert response.status == 200
