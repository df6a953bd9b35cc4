"""Speed of writing an export: `--rows` rows shaped like 相談記録's list export (dates, names, a
paragraph of text) written as .xlsx and as CSV by hikikomori.exports, the writers behind every
download and `export_records`. No database: this measures the writers alone.

    .venv/bin/python bench/export_speed.py --rows 100000
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hikikomori.settings")

import django  # noqa: E402

django.setup()

from hikikomori.exports import write_csv, write_xlsx  # noqa: E402

HEADER = [
    "相談日",
    "拠点",
    "相談方法",
    "相談者",
    "ケース番号",
    "氏名",
    "担当者",
    "つなぎ先",
    "次回予定",
    "内容",
]


def rows(count: int):
    yield HEADER
    start = dt.date(2016, 4, 1)
    for i in range(count):
        yield [
            start + dt.timedelta(days=i % 3650), "福岡県ひきこもり地域支援センター", "電話", "家族",
            f"D-{i % 24000:05d}", "山田 太郎", "春日 花子、福岡 一郎", "" if i % 10 else "保健所",
            None if i % 3 else start + dt.timedelta(days=i % 3650 + 14),
            "母より電話。本人は昼夜逆転が続いているが、最近は家族と夕食をとるようになった。" * 2,
        ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    count = parser.parse_args().rows
    with tempfile.TemporaryDirectory() as folder:
        for name, writer in (("xlsx", write_xlsx), ("csv", write_csv)):
            path = Path(folder) / f"export.{name}"
            started = time.perf_counter()
            with path.open("wb") as out:
                written = writer(rows(count), out)
            seconds = time.perf_counter() - started
            size = path.stat().st_size
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(
                f"{name}: {written - 1} rows in {seconds:.2f} s ({size / 1e6:.1f} MB), peak RSS {peak:.0f} MB"
            )


if __name__ == "__main__":
    main()
