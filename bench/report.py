"""The yearly report at 1,000,000 consultations: ORM tables vs the same aggregations in raw SQL.

Run bench/dataset.py first. In one run, on the same data, this times
- `build_report` (every table: the queries plus shaping them in Python),
- the same aggregations written by hand in SQL (the queries alone, results fetched),
- the workbook (`render_workbook`) and the 年次報告 page through the whole Django stack,
and prints medians of repeated runs.

    .venv/bin/python bench/report.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import bench.production  # noqa: E402, F401, I001  (Django with production settings)

# isort: split
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Min  # noqa: E402
from django.test import Client  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from cases.models import Consultation  # noqa: E402
from hikikomori.fiscal import fiscal_year_of  # noqa: E402
from hikikomori.models import User  # noqa: E402
from reports import queries  # noqa: E402
from reports.queries import Scope  # noqa: E402
from reports.tables import build_report  # noqa: E402
from reports.xlsx import render_workbook  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "9"))


def dates(fy: int) -> dict[str, str]:
    return {
        "START": f"{fy}-04-01",
        "END": f"{fy + 1}-03-31",
        "PREV_START": f"{fy - 1}-04-01",
        "PREV_END": f"{fy}-03-31",
        "FIVE_START": f"{fy - 4}-04-01",
        "FOUR_START": f"{fy - 3}-04-01",
    }


# The report's aggregations, by hand.
RAW_SQL_TEMPLATES = [
    # monthly counts over five years (tables 1 and 2)
    """select date, method, count(*) from cases_consultation
        where archived_at is null and date between '{FIVE_START}' and '{END}' group by 1, 2""",
    # unique counts per category (table 3)
    """select count(distinct client_id), count(*) filter (where client_id is null), count(*),
        count(distinct client_id) filter (where method = '電話'), count(*) filter (where method = '電話' and client_id is null),
        count(*) filter (where method = '電話'),
        count(distinct client_id) filter (where method = '来所'), count(*) filter (where method = '来所' and client_id is null),
        count(*) filter (where method = '来所'),
        count(distinct client_id) filter (where method in ('訪問', '同行')),
        count(*) filter (where method in ('訪問', '同行') and client_id is null), count(*) filter (where method in ('訪問', '同行')),
        count(distinct client_id) filter (where method = 'オンライン'),
        count(*) filter (where method = 'オンライン' and client_id is null), count(*) filter (where method = 'オンライン'),
        count(distinct client_id) filter (where method = 'メール・その他'),
        count(*) filter (where method = 'メール・その他' and client_id is null), count(*) filter (where method = 'メール・その他')
        from cases_consultation where archived_at is null and date between '{START}' and '{END}'""",
    # regions at the last consultation of the method (table 4): registered, then anonymous
    """select c.method, r.name, count(*) from cases_consultation c left join hikikomori_municipality m on m.id = c.municipality_id
        left join hikikomori_region r on r.id = m.region_id
        where c.archived_at is null and c.date between '{START}' and '{END}' and c.method in ('電話', '来所')
        and c.client_id is not null and c.municipality_id is not null and not exists (select 1 from cases_consultation l where l.client_id = c.client_id
             and l.method = c.method and l.archived_at is null and l.date between '{START}' and '{END}'
             and (l.date > c.date or (l.date = c.date and l.id > c.id)))
        group by 1, 2""",
    """select c.method, r.name, count(*) from cases_consultation c left join hikikomori_municipality m on m.id = c.municipality_id
        left join hikikomori_region r on r.id = m.region_id
        where c.archived_at is null and c.date between '{START}' and '{END}' and c.method in ('電話', '来所')
        and c.client_id is null group by 1, 2""",
    """select c.method, r.name, count(*) from cases_consultation c join cases_client cl on cl.id = c.client_id
        left join hikikomori_municipality m on m.id = cl.municipality_id left join hikikomori_region r on r.id = m.region_id
        where c.archived_at is null and c.date between '{START}' and '{END}' and c.method in ('電話', '来所')
        and c.municipality_id is null and not exists (select 1 from cases_consultation l where l.client_id = c.client_id
             and l.method = c.method and l.archived_at is null and l.date between '{START}' and '{END}'
             and (l.date > c.date or (l.date = c.date and l.id > c.id)))
        group by 1, 2""",
    # new interviewees (table 5)
    """select c.client_id, cl.sex, cl.birth_date, hr.name, min(c.date),
        (select r.name from cases_consultation f left join hikikomori_municipality m on m.id = f.municipality_id
         left join hikikomori_region r on r.id = m.region_id where f.client_id = c.client_id and f.archived_at is null
         and f.date between '{START}' and '{END}' and f.method in ('来所', '訪問', '同行') order by f.date, f.id limit 1)
        from cases_consultation c join cases_client cl on cl.id = c.client_id
        left join hikikomori_municipality hm on hm.id = cl.municipality_id left join hikikomori_region hr on hr.id = hm.region_id
        where c.archived_at is null and c.date between '{START}' and '{END}' and c.method in ('来所', '訪問', '同行')
        and not exists (select 1 from cases_consultation p where p.client_id = c.client_id and p.archived_at is null
                        and p.date between '{PREV_START}' and '{PREV_END}')
        group by 1, 2, 3, 4""",
    # support spans (table 6)
    """select client_id, min(date), max(date) from cases_consultation
        where archived_at is null and client_id is not null and date <= '{END}'
        group by client_id having count(*) filter (where date >= '{START}') > 0""",
    # programs (tables 7-9) and municipal days (tables 10-11)
    """select s.id, s.date, s.status, p.name, count(a.id) from outreach_session s join outreach_program p on p.id = s.program_id
        left join outreach_attendance a on a.session_id = s.id where s.archived_at is null and s.date between '{PREV_START}' and '{END}'
        group by 1, 2, 3, 4""",
    """select a.client_id, a.family_member_id, p.name, min(s.date) from outreach_attendance a
        join outreach_session s on s.id = a.session_id join outreach_program p on p.id = s.program_id
        where s.status = '開催' and s.archived_at is null and s.date <= '{END}' group by 1, 2, 3""",
    # extra sheets: consulters, destinations, staff, ice-age generation at satellites, events
    """select consulter, method, count(*) from cases_consultation
        where archived_at is null and date between '{START}' and '{END}' group by 1, 2""",
    """select d.label, count(*) from cases_consultation c join cases_referraldestination d on d.id = c.referral_destination_id
        where c.archived_at is null and c.date between '{START}' and '{END}' group by 1""",
    """select u.username, u.last_name, u.first_name, count(*), count(*) filter (where c.method in ('訪問', '同行'))
        from cases_consultation_staff t join cases_consultation c on c.id = t.consultation_id join hikikomori_user u on u.id = t.user_id
        where c.archived_at is null and c.date between '{START}' and '{END}' group by 1, 2, 3""",
    """select o.name, count(distinct c.client_id),
        count(distinct c.client_id) filter (where cl.birth_date between '1970-04-02' and '1986-04-01')
        from cases_consultation c join hikikomori_office o on o.id = c.office_id join cases_client cl on cl.id = c.client_id
        where c.archived_at is null and c.date between '{START}' and '{END}' and o.kind = 'satellite' group by 1""",
    """select e.kind, count(distinct e.id), sum(p.count) from outreach_outreachevent e
        left join outreach_eventparticipants p on p.event_id = e.id
        where e.archived_at is null and e.date between '{START}' and '{END}' group by 1""",
    """select d.date, d.host_type, d.reserved, d.consulted, m.name, m.code from outreach_municipalday d
        join hikikomori_municipality m on m.id = d.municipality_id where d.archived_at is null and d.date between '{FOUR_START}' and '{END}'""",
]


def raw(sqls: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in sqls:
            cursor.execute(sql)
            cursor.fetchall()


def interleaved(runs: dict[str, object]) -> dict[str, float]:
    """Median milliseconds of each function, run in turn REPEAT times (so that the machine's
    drift during the run touches all of them alike)."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(REPEAT):
        for name, func in runs.items():
            started = time.perf_counter()
            func()
            times[name].append((time.perf_counter() - started) * 1000)
    return {name: statistics.median(values) for name, values in times.items()}


def supervisor_client() -> Client:
    user, _ = User.objects.get_or_create(username="bench-supervisor")
    user.groups.set(Group.objects.filter(name="supervisor"))
    http = Client()
    http.force_login(user)
    # Supervisors pass two-factor login: mark this session as verified with a TOTP device.
    device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "bench"})
    session = http.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return http


def latest_fiscal_year() -> int:
    last = Consultation.objects.order_by("-date").values_list("date", flat=True).first()
    if last is None:
        raise SystemExit("no consultations: run bench/dataset.py first")
    return fiscal_year_of(last)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fy", type=int, default=None, help="fiscal year (default: the latest with data)")
    parser.add_argument("--queries", action="store_true", help="also time each query of the report")
    args = parser.parse_args()
    fy = args.fy or latest_fiscal_year()
    sqls = [sql.format(**dates(fy)) for sql in RAW_SQL_TEMPLATES]
    scope = Scope(fiscal_year=fy)
    http = supervisor_client()
    page, download = f"/reports/annual/?fy={fy}", f"/reports/annual/download/?fy={fy}"
    assert http.get(page, secure=True).status_code == 200
    executed = []
    with connection.execute_wrapper(lambda execute, sql, *a: executed.append(sql) or execute(sql, *a)):
        report = build_report(scope)
    raw(sqls)  # warm both
    result = interleaved(
        {
            "build": lambda: build_report(scope),
            "raw": lambda: raw(sqls),
            "workbook": lambda: render_workbook(build_report(scope)),
            "page": lambda: http.get(page, secure=True),
            "download": lambda: http.get(download, secure=True),
        }
    )
    history = Consultation.objects.aggregate(first=Min("date"), n=Count("id"))
    total = report.table("相談延件数（月別）").cell("合計", column="合計")
    print(
        f"FY{fy}: {total:,} consultations in the year; {history['n']:,} since {history['first']}; "
        f"{len(executed)} queries; medians of {REPEAT} interleaved runs"
    )
    print(f"build_report (ORM + shaping)    {result['build']:8.1f} ms")
    print(
        f"same figures in plain SQL       {result['raw']:8.1f} ms   ratio {result['build'] / result['raw']:.2f}x"
    )
    print(f"workbook (build + render)       {result['workbook']:8.1f} ms")
    print(f"年次報告 page (whole stack)       {result['page']:8.1f} ms")
    print(f"Excelダウンロード (whole stack)   {result['download']:8.1f} ms")
    if args.queries:
        for name, ms in interleaved({name: (lambda f=f: f(scope)) for name, f in QUERIES.items()}).items():
            print(f"  {name:28s} {ms:8.1f} ms")


QUERIES = {
    name: getattr(queries, name)
    for name in [
        "monthly_counts", "unique_counts", "region_counts", "new_interviewees", "support_spans",
        "program_sessions", "program_participants", "municipal_days", "consulter_counts",
        "destination_counts", "staff_counts", "unassigned_counts", "ice_age_counts", "event_counts",
        "closure_counts", "caseload_counts",
    ]
}  # fmt: skip


if __name__ == "__main__":
    main()
