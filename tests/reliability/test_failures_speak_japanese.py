"""Every failure speaks Japanese: the application's 400/403/404/500 pages, 503 with Retry-After
while the database cannot be reached, a readiness endpoint, and the proxy's own page when the
application is down."""

import os
import re
import uuid

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from tests.conftest import logged_in
from tests.deploy.conftest import Browser, free_port, running_gunicorn, running_nginx

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
ENGLISH_WORDS = re.compile(r">[^<]*\b(Server Error|Bad Request|Forbidden|Not Found|Bad Gateway|Gateway)\b")


def _crash(exc):
    def view(*args, **kwargs):
        raise exc

    return view


@pytest.mark.parametrize(
    ("error", "status", "words"),
    [
        (RuntimeError("boom"), 500, "システムの不具合"),
        (OperationalError("could not connect to server"), 503, "データベースに一時的につながらない"),
    ],
)
def test_a_fault_in_a_view_answers_a_japanese_page(coordinator, monkeypatch, error, status, words):
    from cases.views import clients

    monkeypatch.setattr(clients, "client_list", _crash(error))
    import importlib

    import cases.urls
    import hikikomori.urls

    importlib.reload(cases.urls)
    importlib.reload(hikikomori.urls)
    from django.urls import clear_url_caches

    clear_url_caches()
    try:
        http = logged_in(coordinator)
        http.raise_request_exception = False
        response = http.get(reverse("cases:client_list"))
    finally:
        monkeypatch.undo()
        importlib.reload(cases.urls)
        importlib.reload(hikikomori.urls)
        clear_url_caches()
    page = response.content.decode()
    assert response.status_code == status and words in page
    assert not ENGLISH_WORDS.search(page)
    if status == 503:
        assert response["Retry-After"] == "60"


def test_the_not_found_and_refused_pages_are_japanese(coordinator_client, admin_client_):
    missing = coordinator_client.get("/cases/clients/999999/")
    assert missing.status_code == 404 and "見つかりません" in missing.content.decode()
    refused = admin_client_.get(reverse("cases:client_list"))
    assert refused.status_code == 403 and "権限がありません" in refused.content.decode()


def test_a_bad_request_never_shows_djangos_english_reason(coordinator):
    from django.contrib.sessions.exceptions import SessionInterrupted
    from django.core.exceptions import SuspiciousOperation
    from django.test import RequestFactory

    from hikikomori.views import bad_request

    request = RequestFactory().get("/")
    request.user = coordinator
    for exception in (SuspiciousOperation("Invalid HTTP_HOST header: 'evil'"), SessionInterrupted("deleted")):
        response = bad_request(request, exception)
        page = response.content.decode()
        assert response.status_code == 400 and "送信された内容を処理できませんでした" in page
        assert "HTTP_HOST" not in page and "deleted" not in page
    japanese = bad_request(request, SuspiciousOperation("ファイルの列が多すぎます。"))
    assert "ファイルの列が多すぎます。" in japanese.content.decode()


def test_readiness_says_whether_the_database_answers(client, db):
    response = client.get("/health/ready")
    assert response.status_code == 200 and response.content == b"ok\n"
    assert "sessionid" not in response.cookies


def test_readiness_is_the_only_page_open_without_login_besides_the_login(client, db):
    assert client.get(reverse("home")).status_code == 302


def _dead_database_env() -> dict:
    port = free_port()  # nothing listens there: the database "refuses connections"
    return {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))} | {
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DJANGO_SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/hikikomori_{uuid.uuid4().hex[:6]}",
    }


@pytest.mark.django_db(transaction=True)
def test_while_the_database_refuses_connections_every_page_answers_503_in_japanese(master_data):
    if connection.vendor != "postgresql":
        pytest.skip("a refused PostgreSQL connection (CI runs it)")
    with running_gunicorn(_dead_database_env(), threads=2) as port:
        browser = Browser(port)
        answers = [browser.post_form("/login/", {"username": "center", "password": "x" * 12})]
        browser.cookies["sessionid"] = "a" * 32  # a coordinator in the middle of their work
        answers += [browser.request("GET", path) for path in ("/", "/cases/consultations/")]
        for response, page in answers:
            assert response.status == 503, response.status
            assert response.getheader("Retry-After") == "60"
            assert "データベースに一時的につながらない" in page and not ENGLISH_WORDS.search(page)
        response, _ = browser.request("GET", "/health/ready")
        assert response.status == 503


def test_when_the_application_is_down_the_proxy_answers_its_japanese_page(tmp_path):
    dead = free_port()  # no application behind the proxy: a stopped app or a killed worker
    with running_nginx(dead, tmp_path) as port:
        response, page = Browser(port).request("GET", "/cases/consultations/new/")
    assert response.status == 502
    assert "一時的に応答していません" in page and "相談記録の一覧" in page
    assert "保存されたことも、保存されていないこともあります" in page
    assert not ENGLISH_WORDS.search(page) and "nginx" not in page
