"""Slow or oversize clients and hostile files cannot stall the production server (gunicorn on
loopback, alone and behind deploy/nginx.conf). Every client here has a socket timeout, so a
stall fails the test instead of hanging the suite."""

import re
import socket
import threading

import pytest

from tests.deploy.conftest import CENTER, Browser, slow_client
from tests.exchange.importing import CLIENT_HEADER, xlsx_bytes

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def declared_everything_xlsx() -> bytes:
    """A tiny .xlsx whose sheet claims every cell of Excel (A1:XFD1048576)."""
    from tests.exchange.test_hostile_files import rewrite_part

    small = xlsx_bytes(
        [CLIENT_HEADER, ["K-1", "山田 太郎", "ヤマダ タロウ", "男性", "", "春日市", CENTER, "", "", ""]]
    )
    return rewrite_part(
        small,
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:XFD1048576"/>', xml),
    )


def oversize_post(port: int, length: int) -> bytes:
    """Declare a huge body, send a few bytes of it, and read what the server answers."""
    with socket.create_connection(("127.0.0.1", port), timeout=15) as sock:
        sock.sendall(
            f"POST /login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {length}\r\n\r\n".encode()
            + b"username="
            + b"a" * 1000
        )
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
        return answer


@pytest.mark.parametrize("server", ["gunicorn", "nginx"])
def test_slow_clients_do_not_block_a_third_request(server, request):
    port = request.getfixturevalue(server)
    slow = [slow_client(port) for _ in range(2)]
    try:
        response, page = Browser(port, timeout=10).request("GET", "/login/")
        assert response.status == 200 and "ログイン" in page
    finally:
        for sock in slow:
            sock.close()


@pytest.mark.parametrize("server", ["gunicorn", "nginx"])
def test_an_oversize_body_is_refused_before_it_is_sent(server, request):
    answer = oversize_post(request.getfixturevalue(server), 2 * 1024**3)
    assert answer.startswith(b"HTTP/1.1 413")
    headers = answer.decode("latin-1").lower()
    for name, value in SECURITY_HEADERS.items():
        assert f"{name.lower()}: {value.lower()}" in headers


def test_the_proxy_passes_the_applications_security_headers(nginx):
    response, _ = Browser(nginx).request("GET", "/login/")
    assert response.status == 200
    assert "default-src 'self'" in response.getheader("Content-Security-Policy")
    for name, value in SECURITY_HEADERS.items():
        assert response.getheader(name) == value
    assert "nginx/" not in (response.getheader("Server") or "")


def test_a_file_declaring_every_cell_gets_an_answer_and_others_keep_being_served(gunicorn):
    supervisor = Browser(gunicorn, timeout=30).log_in_as_supervisor()
    answers = {}

    def upload():
        answers["upload"] = supervisor.post_file(
            "/data/import/", {"kind": "clients"}, "clients.xlsx", declared_everything_xlsx()
        )

    worker = threading.Thread(target=upload)
    worker.start()
    response, page = Browser(gunicorn, timeout=10).request("GET", "/login/")
    assert response.status == 200
    worker.join(timeout=30)
    assert not worker.is_alive()
    response, page = answers["upload"]
    assert response.status == 200
    assert "1行すべて問題ありません" in page


def test_behind_the_proxy_the_audit_log_keeps_the_clients_address_not_a_forged_one(nginx, production_env):
    import subprocess
    import sys

    from tests.deploy.conftest import ROOT

    Browser(nginx).post_form(
        "/login/", {"username": "nobody-at-all", "password": "wrong"}, {"X-Forwarded-For": "6.6.6.6"}
    )
    query = (
        "from hikikomori.models import AuditEvent; "
        "e = AuditEvent.objects.filter(detail__username='nobody-at-all').latest('id'); print(e.ip_address)"
    )
    printed = (
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", query],
            cwd=ROOT,
            env=production_env,
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    assert printed == "127.0.0.1"
