"""The production setup on loopback: gunicorn with deploy/gunicorn.conf.py (DJANGO_DEBUG=0), and
nginx with deploy/nginx.conf in front of it. Raw sockets and http.client play the clients."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct-horse-battery-staple"
TOTP_KEY = "3132333435363738393031323334353637383930"
CENTER = "福岡県ひきこもり地域支援センター"

SETUP_USERS = f"""
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice
from hikikomori.models import Membership, Office, User
user = User.objects.create_user("super", password="{PASSWORD}")
user.groups.add(Group.objects.get(name="supervisor"))
Membership.objects.create(user=user, office=Office.objects.get(name="{CENTER}"), is_primary=True)
TOTPDevice.objects.create(user=user, name="phone", key="{TOTP_KEY}", confirmed=True)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on {port}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def production_env(tmp_path_factory):
    """A migrated SQLite database with one supervisor (and authenticator), static files collected."""
    folder = tmp_path_factory.mktemp("production")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))} | {
        "DJANGO_SETTINGS_MODULE": "hikikomori.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-for-the-loopback-tests-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_BEHIND_PROXY": "1",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(folder / "media"),
    }
    manage = [sys.executable, "manage.py"]
    for args in (["migrate", "--noinput"], ["collectstatic", "--noinput"], ["shell", "-c", SETUP_USERS]):
        subprocess.run(manage + args, cwd=ROOT, env=env, check=True, capture_output=True)
    return env


@contextmanager
def running_gunicorn(env: dict, *, threads: int = 4):
    """gunicorn with deploy/gunicorn.conf.py (one worker) on a free loopback port; yields the port."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "hikikomori.wsgi"],
        cwd=ROOT,
        env=env | {"HOST": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1", "GUNICORN_THREADS": str(threads)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process)
        yield port
    finally:
        stop(process)


@pytest.fixture(scope="session")
def gunicorn(production_env):
    with running_gunicorn(production_env) as port:
        yield port


NGINX_MAIN = """
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/site.conf;
}}
"""


@pytest.fixture(scope="session")
def nginx(gunicorn, tmp_path_factory):
    with running_nginx(gunicorn, tmp_path_factory.mktemp("nginx")) as port:
        yield port


@contextmanager
def running_nginx(upstream: int, folder: Path):
    """deploy/nginx.conf as shipped, with only its two addresses moved to free loopback ports and
    its error pages read from the checkout."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        if os.environ.get("CI"):
            pytest.fail("nginx is missing: `make test` installs Debian's nginx-light")
        pytest.skip("nginx is not installed (`make test` installs it)")
    port = free_port()
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    site = (
        site.replace("listen 80;", f"listen 127.0.0.1:{port};")
        .replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream};")
        .replace("/usr/share/hikikomori/errors/", f"{ROOT / 'deploy' / 'errors'}/")
    )
    (folder / "site.conf").write_text(site)
    (folder / "nginx.conf").write_text(NGINX_MAIN.format(folder=folder))
    subprocess.run(
        [binary, "-t", "-p", str(folder), "-c", str(folder / "nginx.conf")], check=True, capture_output=True
    )
    process = subprocess.Popen(
        [binary, "-p", str(folder), "-c", str(folder / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process)
        yield port
    finally:
        stop(process)


class Browser:
    """Cookies and CSRF tokens over http.client, as a browser keeps them (Secure cookies included)."""

    def __init__(self, port: int, timeout: float = 20):
        self.port, self.timeout, self.cookies = port, timeout, {}

    def request(self, method, path, body=b"", headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection.request(
            method, path, body=body, headers={"Cookie": cookie, "Host": "127.0.0.1"} | (headers or {})
        )
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";")[0]
        connection.close()
        return response, text

    def csrf(self, path) -> str:
        _, page = self.request("GET", path)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def post_form(self, path, fields: dict, headers=None):
        from urllib.parse import urlencode

        data = urlencode(fields | {"csrfmiddlewaretoken": self.csrf(path)}).encode()
        return self.request(
            "POST", path, data, {"Content-Type": "application/x-www-form-urlencoded"} | (headers or {})
        )

    def post_file(self, path, fields: dict, name: str, content: bytes):
        boundary = "----hikikomori-test-boundary"
        parts = []
        for key, value in (fields | {"csrfmiddlewaretoken": self.csrf(path)}).items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
            )
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(
            "POST", path, b"".join(parts), {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )

    def log_in_as_supervisor(self):
        from django_otp.oath import totp

        self.post_form("/login/", {"username": "super", "password": PASSWORD})
        token = f"{totp(bytes.fromhex(TOTP_KEY)):06d}"
        response, _ = self.post_form("/account/two-factor/verify/", {"token": token})
        assert response.status == 302 and response.getheader("Location") == "/"
        return self


def slow_client(port: int) -> socket.socket:
    """A client that starts a request and then sends nothing more (headers never finished)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(b"POST /login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    return sock
