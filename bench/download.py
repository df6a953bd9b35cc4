"""相談記録's download (the list's Excel and CSV buttons, every fiscal year) through the whole
Django stack, as a supervisor: medians of repeated downloads.

Run it on the demo data (`manage.py seed_demo` into a PostgreSQL database) or on a bench set:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hikikomori_demo .venv/bin/python bench/download.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hikikomori_demo")
import bench.production  # noqa: E402, F401, I001  (Django with production settings)

# isort: split
from bench.report import supervisor_client  # noqa: E402
from cases.models import Consultation  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "7"))


def main() -> None:
    http = supervisor_client()
    rows = Consultation.objects.current().count()
    for fmt in ("xlsx", "csv"):
        url = f"/cases/consultations/export.{fmt}?fiscal_year=all"
        times, size = [], 0
        for _ in range(REPEAT + 1):  # the first one warms up
            started = time.perf_counter()
            response = http.get(url, secure=True)
            size = len(response.content)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
        print(
            f"相談記録 .{fmt}, every year: {rows:,} rows, {size / 1e6:.1f} MB, median {statistics.median(times[1:]) * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()
