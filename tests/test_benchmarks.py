"""Benchmarks are code: each runs as committed, here on a tiny data set (the figures in
docs/benchmarks.md come from the same scripts on the large data sets)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.records import make_client, make_consultation

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.django_db(transaction=True)
def test_the_export_memory_benchmark_runs_on_a_tiny_data_set(center):
    if connection.vendor != "postgresql":
        pytest.skip("the benchmarks measure PostgreSQL (CI runs it)")
    make_consultation(center, "2024-05-01", client=make_client(center))
    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    result = subprocess.run(
        [sys.executable, "bench/export_memory.py"], cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")} | {"DATABASE_URL": url},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 3 and all("1 consultations" in line and "peak RSS" in line for line in lines), (
        result.stdout
    )


def _bench(script: str, *args: str, **env: str) -> str:
    settings = connection.settings_dict
    server = f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    result = subprocess.run(
        [sys.executable, f"bench/{script}", *args], cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        | {"DATABASE_URL": f"{server}/hikikomori_bench_ci", "BENCH_REPEAT": "1"} | env,
    )  # fmt: skip
    assert result.returncode == 0, f"{script}: {result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def test_every_benchmark_runs_as_committed_on_a_tiny_data_set():
    """The data sets (every shape), the report (app, plain SQL, workbook, page), the download,
    the lists, the import and the load benchmarks all run end to end on a few hundred rows, so
    none of them can rot."""
    if connection.vendor != "postgresql":
        pytest.skip("the benchmarks measure PostgreSQL (CI runs it)")
    loaded = _bench("dataset.py", "--fresh", "--years", "2", "--per-year", "300", "--clients", "60")
    assert "consultations now 600" in loaded
    report = _bench("report.py", "--queries")
    assert "FY2025: 300 consultations in the year; 600 since 2024-04-01" in report
    assert "same figures in plain SQL" in report and "ratio" in report and "support_spans" in report
    worst = _bench(
        "dataset.py", "--fresh", "--shape", "worst", "--years", "2", "--per-year", "200", "--clients", "40"
    )
    assert "consultations now 400" in worst
    tail = _bench(
        "dataset.py", "--fresh", "--shape", "tail", "--years", "2", "--per-year", "300", "--clients", "80"
    )
    assert "consultations now 600" in tail
    report = _bench("report.py", "--queries")
    assert "destination_counts" in report and "caseload_counts" in report
    download = _bench("download.py")
    assert "相談記録 .xlsx, every year: 600 rows" in download and "相談記録 .csv" in download
    lists = _bench("lists.py")
    assert "利用者 list, page 1" in lists and "相談記録, supervisor, FY2025, page 1000" in lists
    imported = _bench(
        "import_speed.py",
        BENCH_CLIENTS="40",
        BENCH_CONSULTATIONS="150",
        BENCH_IMPORT_DB="hikikomori_bench_import_ci",
    )
    assert "consultations: 150 rows" in imported
    load = _bench("load.py", "--users", "1", "--seconds", "10", BENCH_LOAD_DB="hikikomori_bench_load_ci")
    saved = re.search(r"confirmed saves: (\d+) \(.*/s\), consultations in the database: (\d+)", load)
    assert saved and saved.group(1) == saved.group(2), load  # however slow the machine: no lost write
    assert "recompute_report_data --check (exit 0)" in load, load  # and the report's data still exact


def test_the_export_speed_benchmark_runs_as_committed():
    result = subprocess.run(
        [sys.executable, "bench/export_speed.py", "--rows", "200"], cwd=ROOT, capture_output=True, text=True,
        timeout=120, env={k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "xlsx: 200 rows in" in result.stdout and "csv: 200 rows in" in result.stdout, result.stdout
