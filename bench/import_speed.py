"""Time `import_records` on 20,000 clients and 100,000 consultation rows (PostgreSQL).

Writes the two files (cp932 CSV, as Japanese Excel saves them) to bench/out/, drops and
recreates the database `hikikomori_bench_import`, then runs the command as a user would.

    .venv/bin/python bench/import_speed.py
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DB = os.environ.get("BENCH_IMPORT_DB", "hikikomori_bench_import")
URL = f"postgres://postgres@127.0.0.1:5432/{DB}"
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "20000"))
CONSULTATIONS = int(os.environ.get("BENCH_CONSULTATIONS", "100000"))
OFFICES = ["福岡県ひきこもり地域支援センター", "筑豊サテライトオフィス", "筑後サテライトオフィス"]
METHODS = ["電話"] * 14 + ["来所"] * 3 + ["訪問", "同行", "オンライン", "メール・その他"]


def write_files(rng: random.Random) -> tuple[Path, Path]:
    OUT.mkdir(parents=True, exist_ok=True)
    clients, consultations = OUT / "clients.csv", OUT / "consultations.csv"
    with open(clients, "w", encoding="cp932", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            ["ケース番号", "氏名", "フリガナ", "性別", "生年月日", "居住市町村", "担当拠点", "登録日"]
        )
        for n in range(CLIENTS):
            writer.writerow(
                [
                    f"K-{n:06d}",
                    f"利用者 {n}",
                    "ヤマダ タロウ",
                    rng.choice(["男性", "女性"]),
                    f"H{rng.randint(2, 15)}.{rng.randint(1, 12)}.{rng.randint(1, 28)}",
                    "春日市",
                    OFFICES[n % 3],
                    "2015/4/1",
                ]
            )
    with open(consultations, "w", encoding="cp932", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            [
                "記録番号",
                "相談日",
                "拠点",
                "相談方法",
                "相談者",
                "ケース番号",
                "担当者",
                "所要時間（分）",
                "内容",
            ]
        )
        for n in range(CONSULTATIONS):
            client = rng.randrange(CLIENTS + CLIENTS // 10)
            day = dt.date(2016, 4, 1) + dt.timedelta(days=rng.randint(0, 3000))
            case = f"K-{client:06d}" if client < CLIENTS else ""
            office = OFFICES[client % 3] if case else rng.choice(OFFICES)
            writer.writerow(
                [
                    f"R{n:07d}",
                    f"{day.year}/{day.month}/{day.day}",
                    office,
                    rng.choice(METHODS),
                    "家族" if rng.random() < 0.6 else "本人",
                    case,
                    "bench",
                    rng.choice([10, 20, 30]),
                    "母より電話。近況の相談。",
                ]
            )
    return clients, consultations


def run(*args: str) -> float:
    env = os.environ | {"DATABASE_URL": URL, "DJANGO_SETTINGS_MODULE": "hikikomori.settings"}
    started = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)
    return time.perf_counter() - started


def main() -> None:
    rng = random.Random(11)
    clients, consultations = write_files(rng)
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DB], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DB], check=True)
    run("migrate", "-v0")
    run(
        "shell",
        "-c",
        "from hikikomori.models import *; u=User.objects.create(username='bench'); "
        "[Membership.objects.create(user=u, office=o) for o in Office.objects.all()]",
    )
    seconds_clients = run("import_records", "clients", str(clients))
    seconds_consultations = run("import_records", "consultations", str(consultations))
    print(f"clients: {CLIENTS:,} rows in {seconds_clients:.1f}s")
    print(f"consultations: {CONSULTATIONS:,} rows in {seconds_consultations:.1f}s (target: under 60s)")


if __name__ == "__main__":
    main()
