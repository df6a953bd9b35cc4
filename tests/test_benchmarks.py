"""Benchmarks are code: each runs as committed, here on a tiny data set (the figures in
docs/benchmarks.md come from the same scripts on the large data sets)."""

import os
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
