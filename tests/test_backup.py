"""Backup and restore as the README documents it: pg_dump -Fc, then pg_restore into a new database.

The restored database holds every row, and the yearly report computed from it has the same figures.
"""

import subprocess

import pytest
from django.db import connection

from reports.queries import Scope
from reports.tables import build_report, figures
from tests.records import make_client, make_consultation, make_day, make_session

RESTORED = "hikikomori_restore_check"


def _psql_args():
    settings = connection.settings_dict
    return [
        "-h",
        settings["HOST"] or "127.0.0.1",
        "-p",
        str(settings["PORT"] or 5432),
        "-U",
        settings["USER"] or "postgres",
    ]


def _table_fingerprints(cursor) -> dict[str, tuple[int, str]]:
    cursor.execute("select tablename from pg_tables where schemaname = 'public' order by tablename")
    result = {}
    for (table,) in cursor.fetchall():
        cursor.execute(
            f"select count(*), md5(coalesce(string_agg(t::text, '|' order by t::text), '')) from \"{table}\" t"
        )
        result[table] = cursor.fetchone()
    return result


def _report_figures() -> dict:
    return figures(build_report(Scope(fiscal_year=2024)))


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_every_row_and_the_same_yearly_figures(
    master_data, tmp_path, coordinator, center, chikuho
):
    if connection.vendor != "postgresql":
        pytest.skip("backup and restore use pg_dump and pg_restore (CI runs PostgreSQL)")
    client = make_client(center, municipality="春日市")
    make_consultation(center, "2024-05-01", "来所", client, consulter="本人", staff=[coordinator])
    make_consultation(chikuho, "2024-06-01", "電話")
    make_session(center, "2024-05-14")
    make_day(center, "2024-07-10", reserved=2, consulted=1)

    dump = tmp_path / "hikikomori.dump"
    source = connection.settings_dict["NAME"]
    subprocess.run(["pg_dump", "-Fc", *_psql_args(), "-d", source, "-f", str(dump)], check=True)
    subprocess.run(["dropdb", "--if-exists", *_psql_args(), RESTORED], check=True)
    subprocess.run(["createdb", *_psql_args(), RESTORED], check=True)
    try:
        subprocess.run(["pg_restore", "--no-owner", *_psql_args(), "-d", RESTORED, str(dump)], check=True)
        with connection.cursor() as cursor:
            original = _table_fingerprints(cursor)
        original_figures = _report_figures()
        connection.close()
        connection.settings_dict["NAME"] = RESTORED
        try:
            with connection.cursor() as cursor:
                restored = _table_fingerprints(cursor)
            restored_figures = _report_figures()
        finally:
            connection.close()
            connection.settings_dict["NAME"] = source
        assert restored == original
        assert original["cases_consultation"][0] == 2
        assert restored_figures == original_figures
        assert original_figures["相談延件数（月別） | 合計 | 合計"] == 2
    finally:
        subprocess.run(["dropdb", "--if-exists", *_psql_args(), RESTORED], check=True)


def _run(*args, **kwargs):
    return subprocess.run(list(args), check=True, capture_output=True, text=True, **kwargs)


@pytest.mark.django_db(transaction=True)
def test_a_restore_as_the_readme_says_leaves_the_production_roles_working(
    master_data, tmp_path, coordinator, center
):
    """The README's drill with the two roles of deploy/postgresql: the restored tables belong to
    the owner role (which can migrate), the application role reads and writes, and the audit log
    is still append-only for it."""
    if connection.vendor != "postgresql":
        pytest.skip("backup and restore use pg_dump and pg_restore (CI runs PostgreSQL)")
    import uuid
    from pathlib import Path

    import psycopg2

    suffix = uuid.uuid4().hex[:6]
    owner, app, restored = f"drill_owner_{suffix}", f"drill_app_{suffix}", f"drill_restored_{suffix}"
    grants = Path(__file__).resolve().parents[1] / "deploy" / "postgresql" / "grants.sql"
    make_consultation(
        center, "2024-05-01", "来所", make_client(center), consulter="本人", staff=[coordinator]
    )
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{owner}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE')
        cursor.execute(f'CREATE ROLE "{app}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT')
    dump = tmp_path / "hikikomori.dump"
    base = _psql_args()[:4]  # host and port
    try:
        _run(
            "pg_dump", "-Fc", *base, "-U", "postgres", "-d", connection.settings_dict["NAME"], "-f", str(dump)
        )
        # the README's restore, word for word but for the names
        _run("createdb", *base, "-U", "postgres", "-O", owner, restored)
        _run(
            "pg_restore",
            "--no-owner",
            "--no-acl",
            f"--role={owner}",
            *base,
            "-U",
            "postgres",
            "-d",
            restored,
            str(dump),
        )
        _run("psql", "-v", "ON_ERROR_STOP=1", *base, "-U", owner, "-d", restored, "-v", f"owner_role={owner}",
             "-v", f"app_role={app}", "-v", f"dbname={restored}", "-f", str(grants))  # fmt: skip

        def connect(role):
            db = psycopg2.connect(host=base[1], port=base[3], user=role, dbname=restored)
            db.autocommit = True
            return db

        owner_db = connect(owner)
        try:
            with owner_db.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner <> %s", [owner]
                )
                assert cursor.fetchone() == (0,)
                cursor.execute("BEGIN")  # the owner can migrate: a schema change goes through
                cursor.execute("ALTER TABLE cases_client ADD COLUMN drill integer")
                cursor.execute("ROLLBACK")
        finally:
            owner_db.close()
        app_db = connect(app)
        try:
            with app_db.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM cases_consultation")
                assert cursor.fetchone() == (1,)
                cursor.execute("UPDATE cases_consultation SET duration_minutes = 30")
                cursor.execute(
                    "INSERT INTO hikikomori_auditevent (at, action, target, target_id, detail) "
                    "VALUES (now(), 'login', '', '', '{}')"
                )
                for statement in (
                    "UPDATE hikikomori_auditevent SET target = 'x'",
                    "DELETE FROM hikikomori_auditevent",
                    "ALTER TABLE hikikomori_auditevent DISABLE TRIGGER ALL",
                ):
                    with pytest.raises(psycopg2.Error):
                        cursor.execute(statement)
        finally:
            app_db.close()
    finally:
        _run("dropdb", "--if-exists", "--force", *base, "-U", "postgres", restored)
        with connection.cursor() as cursor:
            cursor.execute(f'DROP ROLE IF EXISTS "{app}"')
            cursor.execute(f'DROP ROLE IF EXISTS "{owner}"')
