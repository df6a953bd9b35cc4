"""A large synthetic data set loaded straight into PostgreSQL with COPY.

By default ten fiscal years of 100,000 consultations each (1,000,000 in all), shaped like the
real center's: mostly phone calls, a tenth anonymous, three offices. Two shapes of clients:

- `realistic` (default): 60,000 clients, each active in 1 to 4 consecutive fiscal years;
- `worst`: 50,000 clients, each seen in any year from registration on (every client in most
  years, so each year's tables touch nearly every client of the history);
- `tail`: 150,000 clients, each active in 1 to 4 consecutive fiscal years (about 25,000 seen in
  a year), with heavy-tailed contact frequency (a few clients are called every week, most once
  or twice), 7% of registered consultations carrying a つなぎ先 and 7% of clients 終結 in
  their last active year (with where they went).

Used by every benchmark in this folder; `--years`, `--per-year` and `--clients` make the tiny
data set CI runs the benchmarks on.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hikikomori_bench \
        .venv/bin/python bench/dataset.py --fresh [--shape worst] [--years 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import itertools
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

from cases.models import Client, Consultation, ExitRoute, ReferralDestination  # noqa: E402
from cases.text import normalize_name  # noqa: E402
from hikikomori.fiscal import fiscal_year_range  # noqa: E402
from hikikomori.models import Membership, Municipality, Office, User  # noqa: E402
from reports import derived  # noqa: E402

LAST_FY = 2025
YEARS = 10
PER_YEAR = 100_000
CLIENTS = 50_000
CLIENTS_REALISTIC = 60_000
CLIENTS_TAIL = 150_000
REFERRED = 0.07  # share of registered consultations with a つなぎ先 (tail shape)
CLOSED = 0.07  # share of clients closed in their last active year (tail shape)
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


def history(first_day: dt.date) -> None:
    """The clients' change history as the write door keeps it: a row at registration and, for a
    closed client, one at closing (read by the report's 担当ケース数 as it stood at the year end)."""
    shared = (
        "id, case_number, name, kana, sex, birth_date, withdrawal_period, {status}, {closed_on}, "
        "registered_on, notes, archived_at, version, created_at, closure_reason_id, merged_into_id, "
        "municipality_id, office_id, referral_route_id, anonymised_at, {exit_destination}, {exit_route}, "
        "primary_worker_id, secondary_worker_id"
    )
    columns = shared.format(
        status="status",
        closed_on="closed_on",
        exit_destination="exit_destination_id",
        exit_route="exit_route",
    )
    opened = shared.format(status="'支援中'", closed_on="null", exit_destination="null", exit_route="''")
    with connection.cursor() as cur:
        cur.execute(
            f"insert into cases_historicalclient ({columns}, history_date, history_type) "
            f"select {opened}, registered_on::timestamptz + interval '10 hours', '+' "
            f"from cases_client where case_number like 'B-%%' order by registered_on"
        )
        cur.execute(
            f"insert into cases_historicalclient ({columns}, history_date, history_type) "
            f"select {columns}, closed_on::timestamptz + interval '17 hours', '~' "
            f"from cases_client where case_number like 'B-%%' and closed_on is not null order by closed_on"
        )


def load(
    *,
    shape: str = "realistic",
    years: int = YEARS,
    per_year: int = PER_YEAR,
    clients_n: int | None = None,
    seed: int = 7,
) -> None:
    rng = random.Random(seed)
    clients_n = clients_n or {"realistic": CLIENTS_REALISTIC, "tail": CLIENTS_TAIL}.get(shape, CLIENTS)
    destinations = list(ReferralDestination.objects.values_list("pk", flat=True))
    exits = [route for route, _ in ExitRoute.choices]
    started = time.perf_counter()
    municipalities = list(
        Municipality.objects.exclude(jurisdiction=None).values_list("pk", "jurisdiction_id")
    )
    staff_by_office = staff()
    first_fy = LAST_FY - years + 1
    first_day = fiscal_year_range(first_fy)[0]
    span = (fiscal_year_range(LAST_FY)[1] - first_day).days
    active: dict[str, tuple[int, int]] = {}  # case number -> first and last fiscal year seen
    contact: dict[str, float] = {}  # case number -> how often the client is in contact

    def clients():
        for n in range(clients_n):
            kana = "".join(rng.choice(KANA) for _ in range(6))
            municipality, office = rng.choice(municipalities)
            birth = (
                None if rng.random() < 0.1 else dt.date(1960, 1, 1) + dt.timedelta(days=rng.randint(0, 16000))
            )
            closed_on, exit_route, exit_destination, weight = None, "", None, 1.0
            if shape in ("realistic", "tail"):
                begin = rng.randint(first_fy, LAST_FY)
                active[f"B-{n:06d}"] = (begin, min(LAST_FY, begin + rng.randint(0, 3)))
                fy_start, fy_end = fiscal_year_range(begin)
                registered = fy_start + dt.timedelta(days=rng.randint(0, (fy_end - fy_start).days))
                if shape == "tail":
                    weight = min(rng.paretovariate(1.3), 60.0)  # heavy tail: most seldom, a few weekly
                    if rng.random() < CLOSED:
                        last_start, last_end = fiscal_year_range(active[f"B-{n:06d}"][1])
                        closed_on = max(registered, last_start) + dt.timedelta(days=rng.randint(0, 200))
                        closed_on = min(closed_on, last_end)
                        exit_route = rng.choice(exits)
                        if exit_route == ExitRoute.REFERRAL:
                            exit_destination = rng.choice(destinations)
            else:
                registered = first_day + dt.timedelta(days=rng.randint(0, span))
                active[f"B-{n:06d}"] = (first_fy, LAST_FY)
            key = normalize_name(kana)
            contact[f"B-{n:06d}"] = weight
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
                "終結" if closed_on else "支援中",
                closed_on,
                registered,
                "",
                exit_route,
                exit_destination,
                rng.choice(staff_by_office[office]),
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
            "closed_on",
            "registered_on",
            "notes",
            "exit_route",
            "exit_destination_id",
            "primary_worker_id",
            "version",
            "created_at",
            "updated_at",
        ],
        clients(),
    )
    history(first_day)
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
        in_year = [c for c in client_rows if c[3] <= end and active[c[4]][0] <= fy <= active[c[4]][1]]
        eligible = [c[:4] for c in in_year]
        cumulative = list(itertools.accumulate(contact[c[4]] for c in in_year))
        picks = iter(rng.choices(eligible, cum_weights=cumulative, k=per_year) if eligible else [])
        rows, links = [], []
        for _ in range(per_year):
            date = start + dt.timedelta(days=rng.randint(0, (end - start).days))
            referral = None
            if rng.random() < 0.1 or not eligible:
                client_id, office, municipality = None, rng.choice(list(staff_by_office)), None
            else:
                client_id, office, municipality, _ = next(picks)
                if shape == "tail" and rng.random() < REFERRED:
                    referral = rng.choice(destinations)
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
                    referral,
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
                "referral_destination_id",
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
    parser.add_argument("--shape", choices=["realistic", "worst", "tail"], default="realistic")
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
