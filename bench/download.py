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
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hikikomori.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hikikomori_demo")
os.environ.update(
    DJANGO_DEBUG="0",
    DJANGO_SECRET_KEY="bench-only-secret-key-not-for-production-0123456789",
    ALLOWED_HOSTS="testserver",
)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
    call_command("collectstatic", "--noinput", verbosity=0)

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
