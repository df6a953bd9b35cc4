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
