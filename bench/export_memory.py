"""Peak memory of exporting everything: the browser's streamed .zip and `export_records` to CSV.

Each export runs in a fresh process; the script prints the rows exported and the process's peak
resident memory (ru_maxrss), so that a growth with the data set shows at once.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hikikomori_bench_import .venv/bin/python bench/export_memory.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import resource, sys, django
django.setup()
from exchange.importing.exporting import stream_zip
from cases.models import Consultation
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
size = 0
if sys.argv[1] == "zip":
    for chunk in stream_zip():
        size += len(chunk)
else:
    from django.core.management import call_command
    call_command("export_records", "consultations", sys.argv[2])
    size = __import__("os").path.getsize(sys.argv[2])
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"{Consultation.objects.count()} {size} {before} {peak}")
"""


def measure(mode: str, target: str) -> tuple[int, int, int, int]:
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "hikikomori.settings"}
    out = (
        subprocess.run(
            [sys.executable, "-c", CHILD, mode, target],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    consultations, size, before, peak = (int(v) for v in out.split())
    return consultations, size, before, peak


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for mode in ("zip", "csv", "xlsx"):
            started = time.perf_counter()
            consultations, size, before, peak = measure(mode, str(Path(folder) / f"consultations.{mode}"))
            seconds = time.perf_counter() - started
            label = "browser .zip (every kind)" if mode == "zip" else f"export_records consultations .{mode}"
            print(
                f"{label}: {consultations:,} consultations, {size / 1e6:.1f} MB written in {seconds:.1f}s, "
                f"peak RSS {peak / 1024:.0f} MB (Django loaded: {before / 1024:.0f} MB)"
            )


if __name__ == "__main__":
    main()
