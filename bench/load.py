"""Load: concurrent coordinators against the production server on loopback.

Creates the PostgreSQL database `hikikomori_bench_load`, starts gunicorn with the production
configuration (deploy/gunicorn.conf.py: 2 workers of 8 threads) and settings on 127.0.0.1, and
lets N coordinators (threads) log in and save consultations for a bounded time, as fast as the
server answers: 相談を記録 is opened once (with `--form-each-time`, before every save), and each
save carries its own submission token as a newly opened form does; with `--reads`, each save is
followed by reading 相談記録 and 利用者. Afterwards it counts the saved consultations in the database and
compares them with the saves the server confirmed (every confirmed write must be there, no
request may fail), and checks the yearly report's derived data against a fresh computation
(`recompute_report_data --check`).

    .venv/bin/python bench/load.py --users 12 --seconds 120
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB = os.environ.get("BENCH_LOAD_DB", "hikikomori_bench_load")
PORT = 8099
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
    """A coordinator's browser: one kept-alive connection, cookies kept by hand (they are Secure;
    this is plain HTTP on loopback, "TLS" is the X-Forwarded-Proto header the proxy would send).
    Plain http.client, so that the load generator spends little of the machine's CPU."""

    def __init__(self):
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        headers = {"X-Forwarded-Proto": "https", "Referer": f"https://127.0.0.1:{PORT}{path}"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):  # a kept-alive connection the server has closed is opened again
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            try:
                self.connection.request("POST" if body is not None else "GET", path, body, headers)
                response = self.connection.getresponse()
                text = response.read().decode(errors="replace")
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                self.connection = None
                if attempt == 2 or body is not None:
                    raise
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
            self.connection = None
        return response.status, text

    def csrf(self, html: str) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


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


def coordinator(
    n: int, deadline: float, stats: dict, lock: threading.Lock, reads: bool, form_each_time: bool
) -> None:
    browser = Browser()
    _, html = browser.request("/login/")
    status, _ = browser.request(
        "/login/", {"csrfmiddlewaretoken": browser.csrf(html), "username": f"load{n}", "password": PASSWORD}
    )
    record(stats, lock, "login", status == 302, 0)
    user_id = None
    saved_once = False
    html = ""
    while time.time() < deadline:
        if form_each_time or not html:
            started = time.perf_counter()
            status, html = browser.request("/cases/consultations/new/")
            record(stats, lock, "GET 相談を記録", status == 200, time.perf_counter() - started)
            if status != 200:
                html = ""
                continue
        if user_id is None:
            user_id = re.search(r'<option value="(\d+)" selected>負荷', html).group(1)
        office = re.search(r'name="office"[^>]*>\s*<option value="(\d+)"', html).group(1)
        form = {
            "csrfmiddlewaretoken": browser.csrf(html),
            # the page's token the first time, then a fresh one per save, as a newly opened form has
            "submission": re.search(r'name="submission" value="([^"]+)"', html).group(1)
            if form_each_time or not saved_once
            else uuid.uuid4().hex,
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
        saved_once = True
        for path, label in (("/cases/consultations/", "GET 相談記録"), ("/cases/clients/", "GET 利用者"))[
            : 2 if reads else 0
        ]:
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
    parser.add_argument("--users", type=int, default=12)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--reads", action="store_true", help="also read 相談記録 and 利用者 after each save")
    parser.add_argument(
        "--form-each-time",
        action="store_true",
        help="open 相談を記録 before each save (else once, then save)",
    )
    args = parser.parse_args()
    prepare(args.users)
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "-c",
            str(ROOT / "deploy/gunicorn.conf.py"),
            "--access-logfile",
            "/dev/null",
            "--log-level",
            "warning",
            "hikikomori.wsgi",
        ],
        cwd=ROOT,
        env=ENV | {"HOST": f"127.0.0.1:{PORT}"},
    )
    try:
        time.sleep(3)
        stats: dict = defaultdict(lambda: {"ok": 0, "error": 0, "times": [], "count": 0})
        lock = threading.Lock()
        deadline = time.time() + args.seconds
        threads = [
            threading.Thread(
                target=coordinator, args=(n, deadline, stats, lock, args.reads, args.form_each_time)
            )
            for n in range(args.users)
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
    check = subprocess.run(
        [sys.executable, "manage.py", "recompute_report_data", "--check"],
        cwd=ROOT, env=ENV, capture_output=True, text=True,
    )  # fmt: skip
    print(
        f"{args.users} coordinators for {args.seconds}s against gunicorn (deploy/gunicorn.conf.py) on loopback"
    )
    print(f"{'request':18} {'ok':>7} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8}")
    for label, s in stats.items():
        if label == "saved" or not s["times"]:
            continue
        times = sorted(s["times"])
        p95 = times[max(0, int(len(times) * 0.95) - 1)]
        print(
            f"{label:18} {s['ok']:7d} {s['error']:7d} {statistics.median(times) * 1000:8.1f} {p95 * 1000:8.1f}"
        )
    saves = stats["saved"]["count"]
    print(f"confirmed saves: {saves} ({saves / args.seconds:.1f}/s), consultations in the database: {count}")
    print(f"recompute_report_data --check (exit {check.returncode}): {(check.stdout + check.stderr).strip()}")


if __name__ == "__main__":
    main()
