"""Load: concurrent coordinators against the production server (gunicorn, 2 workers) on loopback.

Creates the PostgreSQL database `hikikomori_bench_load`, starts gunicorn with production
settings on 127.0.0.1, and lets N coordinators (threads) log in and loop for a bounded time:
open 相談を記録, save a consultation, read 相談記録 and 利用者. Afterwards it counts the saved
consultations in the database and compares them with the saves the server confirmed: every
confirmed write must be there (no lost writes), and no request may fail.

    .venv/bin/python bench/load.py --users 8 --seconds 180
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB = os.environ.get("BENCH_LOAD_DB", "hikikomori_bench_load")
PORT = 8099
BASE = f"http://127.0.0.1:{PORT}"
PASSWORD = "load-test-password-2024"
ENV = os.environ | {
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "load-test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "127.0.0.1",
    "DJANGO_BEHIND_PROXY": "1",  # TLS is "terminated" by the client's X-Forwarded-Proto header
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DJANGO_SETTINGS_MODULE": "hikikomori.settings",
}


class Browser:
    """A coordinator's session: cookies kept by hand (they are Secure; this is plain HTTP on loopback)."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        req = urllib.request.Request(BASE + path, data=body)
        req.add_header("X-Forwarded-Proto", "https")
        req.add_header("Referer", f"https://127.0.0.1:{PORT}{path}")
        if self.cookies:
            req.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        opener = urllib.request.build_opener(NoRedirect)
        try:
            response = opener.open(req, timeout=30)
            status, headers, text = response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as exc:
            status, headers, text = exc.code, exc.headers, exc.read().decode(errors="replace")
        for header in headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return status, text

    def csrf(self, html: str) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=ENV, check=True)


def prepare(users: int) -> None:
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DB], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DB], check=True)
    manage("migrate", "-v0")
    manage("collectstatic", "--noinput", "-v0")
    manage(
        "shell",
        "-c",
        "from django.contrib.auth.models import Group; from hikikomori.models import *; "
        f"offices = list(Office.objects.all()); g = Group.objects.get(name='coordinator')\n"
        f"for n in range({users}):\n"
        f"    u = User.objects.create_user(username=f'load{{n}}', password='{PASSWORD}', last_name='負荷', first_name=str(n))\n"
        "    u.groups.add(g); Membership.objects.create(user=u, office=offices[n % len(offices)])",
    )


def coordinator(n: int, deadline: float, stats: dict, lock: threading.Lock) -> None:
    browser = Browser()
    _, html = browser.request("/login/")
    status, _ = browser.request(
        "/login/", {"csrfmiddlewaretoken": browser.csrf(html), "username": f"load{n}", "password": PASSWORD}
    )
    record(stats, lock, "login", status == 302, 0)
    user_id = None
    while time.time() < deadline:
        started = time.perf_counter()
        status, html = browser.request("/cases/consultations/new/")
        record(stats, lock, "GET 相談を記録", status == 200, time.perf_counter() - started)
        if status != 200:
            continue
        if user_id is None:
            user_id = re.search(r'<option value="(\d+)" selected>負荷', html).group(1)
        office = re.search(r'name="office"[^>]*>\s*<option value="(\d+)"', html).group(1)
        form = {
            "csrfmiddlewaretoken": browser.csrf(html),
            "date": time.strftime("%Y/%m/%d"),
            "office": office,
            "method": "電話",
            "consulter": "家族",
            "client": "",
            "staff": user_id,
            "duration_minutes": "10",
            "content": f"load-{n}",
            "version": "",
        }
        started = time.perf_counter()
        status, _ = browser.request("/cases/consultations/new/", form)
        record(
            stats, lock, "POST 相談を記録", status == 302, time.perf_counter() - started, saved=status == 302
        )
        for path, label in (("/cases/consultations/", "GET 相談記録"), ("/cases/clients/", "GET 利用者")):
            started = time.perf_counter()
            status, _ = browser.request(path)
            record(stats, lock, label, status == 200, time.perf_counter() - started)


def record(stats, lock, label, ok, seconds, saved=False) -> None:
    with lock:
        stats[label]["ok" if ok else "error"] += 1
        stats[label]["times"].append(seconds)
        if saved:
            stats["saved"]["count"] += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=180)
    args = parser.parse_args()
    prepare(args.users)
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "hikikomori.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=ENV,
    )
    try:
        time.sleep(3)
        stats: dict = defaultdict(lambda: {"ok": 0, "error": 0, "times": [], "count": 0})
        lock = threading.Lock()
        deadline = time.time() + args.seconds
        threads = [
            threading.Thread(target=coordinator, args=(n, deadline, stats, lock)) for n in range(args.users)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    count = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            DB,
            "-tAc",
            "select count(*) from cases_consultation where content like 'load-%'",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    print(f"{args.users} coordinators for {args.seconds}s against gunicorn (2 workers) on loopback")
    print(f"{'request':18} {'ok':>7} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8}")
    for label, s in stats.items():
        if label == "saved" or not s["times"]:
            continue
        times = sorted(s["times"])
        p95 = times[max(0, int(len(times) * 0.95) - 1)]
        print(
            f"{label:18} {s['ok']:7d} {s['error']:7d} {statistics.median(times) * 1000:8.1f} {p95 * 1000:8.1f}"
        )
    print(f"confirmed saves: {stats['saved']['count']}, consultations in the database: {count}")


if __name__ == "__main__":
    main()
