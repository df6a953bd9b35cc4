"""A large synthetic data set loaded straight into PostgreSQL with COPY.

By default ten fiscal years of 100,000 consultations each (1,000,000 in all), shaped like the
real center's: mostly phone calls, a tenth anonymous, three offices. Two shapes of clients:

- `realistic` (default): 60,000 clients, each active in 1 to 4 consecutive fiscal years;
- `worst`: 50,000 clients, each seen in any year from registration on (every client in most
  years, so each year's tables touch nearly every client of the history).

Used by every benchmark in this folder; `--years`, `--per-year` and `--clients` make the tiny
data set CI runs the benchmarks on.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hikikomori_bench \
        .venv/bin/python bench/dataset.py --fresh [--shape worst] [--years 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hikikomori.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hikikomori_bench")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from cases.models import Client, Consultation  # noqa: E402
from cases.text import normalize_name  # noqa: E402
from hikikomori.fiscal import fiscal_year_range  # noqa: E402
from hikikomori.models import Membership, Municipality, Office, User  # noqa: E402
from reports import derived  # noqa: E402

LAST_FY = 2025
YEARS = 10
PER_YEAR = 100_000
CLIENTS = 50_000
CLIENTS_REALISTIC = 60_000
METHODS = [("電話", 70), ("来所", 16), ("訪問", 6), ("同行", 3), ("オンライン", 1), ("メール・その他", 4)]
CONSULTERS = ["本人", "家族", "関係機関", "その他"]
KANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン"


def ensure_database() -> None:
    import psycopg2

    settings = connection.settings_dict
    admin = psycopg2.connect(
        host=settings["HOST"], port=settings["PORT"], user=settings["USER"], dbname="postgres"
    )
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("select 1 from pg_database where datname = %s", [settings["NAME"]])
        if not cur.fetchone():
            cur.execute(f'create database "{settings["NAME"]}"')
    admin.close()


def copy_rows(table: str, columns: list[str], rows) -> int:
    buffer = io.StringIO()
    count = 0
    for row in rows:
        buffer.write("\t".join("\\N" if v is None else str(v) for v in row) + "\n")
        count += 1
    buffer.seek(0)
    with connection.cursor() as cur:
        cur.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)
    return count


def staff() -> dict[int, list[int]]:
    by_office: dict[int, list[int]] = {}
    for office in Office.objects.all():
        for n in range(3):
            user, _ = User.objects.get_or_create(
                username=f"bench-{office.pk}-{n}",
                defaults={"last_name": "職員", "first_name": f"{office.pk}-{n}"},
            )
            Membership.objects.get_or_create(user=user, office=office)
            by_office.setdefault(office.pk, []).append(user.pk)
    return by_office


def load(
    *,
    shape: str = "realistic",
    years: int = YEARS,
    per_year: int = PER_YEAR,
    clients_n: int | None = None,
    seed: int = 7,
) -> None:
    rng = random.Random(seed)
    clients_n = clients_n or (CLIENTS_REALISTIC if shape == "realistic" else CLIENTS)
    started = time.perf_counter()
    municipalities = list(
        Municipality.objects.exclude(jurisdiction=None).values_list("pk", "jurisdiction_id")
    )
    staff_by_office = staff()
    first_fy = LAST_FY - years + 1
    first_day = fiscal_year_range(first_fy)[0]
    span = (fiscal_year_range(LAST_FY)[1] - first_day).days
    active: dict[str, tuple[int, int]] = {}  # case number -> first and last fiscal year seen

    def clients():
        for n in range(clients_n):
            kana = "".join(rng.choice(KANA) for _ in range(6))
            municipality, office = rng.choice(municipalities)
            birth = (
                None if rng.random() < 0.1 else dt.date(1960, 1, 1) + dt.timedelta(days=rng.randint(0, 16000))
            )
            if shape == "realistic":
                begin = rng.randint(first_fy, LAST_FY)
                active[f"B-{n:06d}"] = (begin, min(LAST_FY, begin + rng.randint(0, 3)))
                fy_start, fy_end = fiscal_year_range(begin)
                registered = fy_start + dt.timedelta(days=rng.randint(0, (fy_end - fy_start).days))
            else:
                registered = first_day + dt.timedelta(days=rng.randint(0, span))
                active[f"B-{n:06d}"] = (first_fy, LAST_FY)
            key = normalize_name(kana)
            yield (
                f"B-{n:06d}",
                f"利用者{n}",
                kana,
                f"{key}|{normalize_name(f'利用者{n}')}",
                key,
                rng.choice(["男性", "女性"]),
                birth,
                municipality,
                office,
                "不明",
                "支援中",
                registered,
                "",
                "",
                1,
                "now()",
                "now()",
            )

    copy_rows(
        "cases_client",
        [
            "case_number",
            "name",
            "kana",
            "search_key",
            "kana_key",
            "sex",
            "birth_date",
            "municipality_id",
            "office_id",
            "withdrawal_period",
            "status",
            "registered_on",
            "notes",
            "exit_route",
            "version",
            "created_at",
            "updated_at",
        ],
        clients(),
    )
    client_rows = list(
        Client.objects.filter(case_number__startswith="B-").values_list(
            "pk", "office_id", "municipality_id", "registered_on", "case_number"
        )
    )
    print(f"clients: {len(client_rows)} ({time.perf_counter() - started:.1f}s)")
    methods, weights = zip(*METHODS, strict=True)
    with connection.cursor() as cur:
        cur.execute("select coalesce(max(id), 0) from cases_consultation")
        next_id = cur.fetchone()[0] + 1
    for fy in range(first_fy, LAST_FY + 1):
        start, end = fiscal_year_range(fy)
        eligible = [c[:4] for c in client_rows if c[3] <= end and active[c[4]][0] <= fy <= active[c[4]][1]]
        rows, links = [], []
        for _ in range(per_year):
            date = start + dt.timedelta(days=rng.randint(0, (end - start).days))
            if rng.random() < 0.1 or not eligible:
                client_id, office, municipality = None, rng.choice(list(staff_by_office)), None
            else:
                client_id, office, municipality, _ = rng.choice(eligible)
            rows.append(
                (
                    next_id,
                    date,
                    rng.choice([10, 20, 30, 60]),
                    office,
                    rng.choices(methods, weights)[0],
                    rng.choice(CONSULTERS) if client_id else "家族",
                    client_id,
                    municipality,
                    "相談内容",
                    "",
                    "",
                    "",
                    False,
                    1,
                    "now()",
                    "now()",
                )
            )
            links.append((next_id, rng.choice(staff_by_office[office])))
            next_id += 1
        copy_rows(
            "cases_consultation",
            [
                "id",
                "date",
                "duration_minutes",
                "office_id",
                "method",
                "consulter",
                "client_id",
                "municipality_id",
                "content",
                "agency",
                "staff_names",
                "archive_reason",
                "follow_up_done",
                "version",
                "created_at",
                "updated_at",
            ],
            rows,
        )
        copy_rows("cases_consultation_staff", ["consultation_id", "user_id"], links)
        print(f"FY{fy}: {len(rows)} consultations ({time.perf_counter() - started:.1f}s)")
    derived.recompute()  # COPY bypasses the write door: the report's derived data, rebuilt
    print(f"derived data rebuilt ({time.perf_counter() - started:.1f}s)")
    with connection.cursor() as cur:
        cur.execute(
            "select setval(pg_get_serial_sequence('cases_consultation', 'id'), (select max(id) from cases_consultation))"
        )
        cur.execute("vacuum analyze")  # visibility map too, as autovacuum keeps it: index-only scans
    print(f"loaded in {time.perf_counter() - started:.1f}s; consultations now {Consultation.objects.count()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fresh", action="store_true", help="drop every table first")
    parser.add_argument("--shape", choices=["realistic", "worst"], default="realistic")
    parser.add_argument("--years", type=int, default=YEARS, help="fiscal years of history (ending FY2025)")
    parser.add_argument("--per-year", type=int, default=PER_YEAR, help="consultations a year")
    parser.add_argument("--clients", type=int, default=None, help="clients (default by shape)")
    args = parser.parse_args()
    ensure_database()
    if args.fresh:
        with connection.cursor() as cur:
            cur.execute("drop schema public cascade; create schema public")
    call_command("migrate", verbosity=0)
    if Consultation.objects.exists():
        print(f"already loaded: {Consultation.objects.count()} consultations (use --fresh to reload)")
        return
    load(shape=args.shape, years=args.years, per_year=args.per_year, clients_n=args.clients)


if __name__ == "__main__":
    main()
