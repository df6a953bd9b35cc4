"""Server time of the 相談記録 list and the client search at 1,000,000 consultations.

Run bench/dataset.py first. Each request goes through the whole Django stack (middleware,
scoping, filters, pagination, template) with production settings; times are medians and
95th percentiles of repeated requests, measured in this process.

    .venv/bin/python bench/lists.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import bench.production  # noqa: E402, F401, I001  (Django with production settings)

# isort: split
from django.contrib.auth.models import Group  # noqa: E402
from django.test import Client  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from hikikomori.models import Membership, Office, User  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))


def persona(username: str, role: str, office: Office | None) -> Client:
    user, _ = User.objects.get_or_create(username=username)
    user.groups.set(Group.objects.filter(name=role))
    if office:
        Membership.objects.get_or_create(user=user, office=office)
    client = Client()
    client.force_login(user)
    if user.requires_two_factor:  # a supervisor's session has passed the second factor
        device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "bench"})
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


def measure(http: Client, url: str) -> tuple[float, float]:
    http.get(url, secure=True)  # warm caches once
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        response = http.get(url, secure=True)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> None:
    center = Office.objects.order_by("sort_order").first()
    supervisor = persona("bench-supervisor", "supervisor", center)
    coordinator = persona("bench-coordinator", "coordinator", center)
    cases = [
        (
            "相談記録, supervisor, current FY (default), page 1",
            supervisor,
            "/cases/consultations/?fiscal_year=2025",
        ),
        ("相談記録, supervisor, all 10 years, page 1", supervisor, "/cases/consultations/?fiscal_year=all"),
        (
            "相談記録, supervisor, FY2025, page 1000",
            supervisor,
            "/cases/consultations/?fiscal_year=2025&page=1000",
        ),
        (
            "相談記録, coordinator, one office, FY2025, page 1",
            coordinator,
            "/cases/consultations/?fiscal_year=2025",
        ),
        ("相談記録, FY2024 + 来所, page 1", supervisor, "/cases/consultations/?fiscal_year=2024&method=来所"),
        (
            "相談記録, one month, page 3",
            supervisor,
            "/cases/consultations/?fiscal_year=2024&date_from=2024/6/1&date_to=2024/6/30&page=3",
        ),
        ("利用者 search 'アイ' (kana)", coordinator, "/cases/clients/?q=アイ"),
        ("client suggestions 'あいう'", coordinator, "/cases/clients/suggest/?client=あいう"),
        ("利用者 list, page 1", supervisor, "/cases/clients/"),
        ("利用者 list, page 1000", supervisor, "/cases/clients/?page=1000"),
        (
            "利用者 list, by 最終相談日 (newest first), page 1",
            supervisor,
            "/cases/clients/?ordering=-last_contact",
        ),
        (
            "利用者 list, by 最終相談日 (oldest first), page 1",
            supervisor,
            "/cases/clients/?ordering=last_contact",
        ),
        (
            "利用者 list, by 最終相談日, page 1000",
            supervisor,
            "/cases/clients/?ordering=-last_contact&page=1000",
        ),
    ]
    print(f"{'request':52} {'median ms':>10} {'p95 ms':>8}")
    for label, http, url in cases:
        median, p95 = measure(http, url)
        print(f"{label:52} {median:10.1f} {p95:8.1f}")


if __name__ == "__main__":
    main()
