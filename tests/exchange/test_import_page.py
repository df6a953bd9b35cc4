"""一括登録 page: upload → preview → confirm; errors listed and nothing stored."""

import datetime as dt
import hashlib
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cases.models import Client, Consultation
from exchange.importing.runner import run_import
from exchange.models import ImportRun, PendingImport
from hikikomori.models import AuditEvent, Office, Role
from tests.conftest import logged_in, make_user
from tests.exchange.importing import CLIENT_HEADER, CONSULTATION_HEADER, csv_bytes

CENTER = "福岡県ひきこもり地域支援センター"
ROWS = [CLIENT_HEADER, ["K-001", "山田 太郎", "ヤマダ タロウ", "男性", "", "春日市", CENTER, "", "", ""]]


def upload(client, rows, kind="clients", encoding="cp932"):
    file = SimpleUploadedFile("clients.csv", csv_bytes(rows, encoding), content_type="text/csv")
    return client.post(reverse("exchange:import"), {"kind": kind, "file": file})


def test_a_supervisor_previews_then_confirms(supervisor_client, supervisor):
    response = upload(supervisor_client, ROWS)
    html = response.content.decode()
    assert "1行すべて問題ありません" in html and "作成 1" in html
    assert Client.objects.count() == 0
    pending = PendingImport.objects.get()
    response = supervisor_client.post(reverse("exchange:import_confirm", args=[pending.pk]), follow=True)
    assert "取り込みました" in response.content.decode()
    assert Client.objects.count() == 1
    assert ImportRun.objects.get().by == supervisor
    assert not PendingImport.objects.exists()


def test_errors_are_listed_on_the_page_and_nothing_is_stored(supervisor_client):
    bad = [CLIENT_HEADER, ["K-001", "", "", "男の子", "", "", CENTER, "", "", ""]]
    html = upload(supervisor_client, bad).content.decode()
    assert "何も登録していません" in html
    assert "行 2: 氏名: : 必須です" in html
    assert "行 2: 性別: 男の子: 次のいずれかにしてください: 男性、女性、その他、不明" in html
    assert not PendingImport.objects.exists() and Client.objects.count() == 0


def test_another_users_pending_import_cannot_be_confirmed(supervisor_client, center):
    other = logged_in(make_user("super2", roles=[Role.SUPERVISOR], offices=[center]))
    upload(other, ROWS)
    pending = PendingImport.objects.get()
    response = supervisor_client.post(reverse("exchange:import_confirm", args=[pending.pk]), follow=True)
    assert "確認の期限（1時間）が過ぎたか" in response.content.decode()
    assert Client.objects.count() == 0


def test_only_supervisors_import_case_data(coordinator_client, admin_client_, supervisor_client):
    """Admins manage accounts and master data; the preview would tell them which ケース番号 exist."""
    from tests.records import make_client

    existing = make_client(Office.objects.get(name=CENTER), case_number="K-001", name="元の 名前")
    for http in (coordinator_client, admin_client_):
        assert upload(http, ROWS).status_code == 403
        assert http.get(reverse("exchange:import")).status_code == 403
    assert not PendingImport.objects.exists()
    existing.refresh_from_db()
    assert existing.name == "元の 名前"


def test_a_preview_is_audited_with_the_files_hash_and_counts(supervisor_client, supervisor):
    upload(supervisor_client, ROWS)
    event = AuditEvent.objects.get(action="import_preview")
    assert event.user == supervisor and event.target == "clients"
    assert event.detail["sha256"] == hashlib.sha256(csv_bytes(ROWS, "cp932")).hexdigest()
    assert event.detail["counts"]["利用者"]["created"] == 1 and event.detail["rows"] == 1


def test_an_unconfirmed_import_expires_after_an_hour(supervisor_client):
    upload(supervisor_client, ROWS)
    pending = PendingImport.objects.get()
    PendingImport.objects.filter(pk=pending.pk).update(at=timezone.now() - dt.timedelta(minutes=61))
    response = supervisor_client.post(reverse("exchange:import_confirm", args=[pending.pk]), follow=True)
    assert "確認の期限（1時間）が過ぎたか" in response.content.decode()
    assert Client.objects.count() == 0 and not PendingImport.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_lost_connection_midway_leaves_no_partial_data(master_data):
    """Terminate the import's database backend from a second connection while it writes."""
    if connection.vendor != "postgresql":
        pytest.skip("backend termination is tested on PostgreSQL (CI runs it)")
    import psycopg2

    rows = [CONSULTATION_HEADER] + [
        ["", "2024/4/1", CENTER, "電話", "家族", "", "", "", f"相談{n}"] for n in range(6000)
    ]
    settings = connection.settings_dict
    pid = {}

    def kill_during_write(done: int) -> None:
        if done < 0 and not pid:  # the first batch is written: cut the connection now
            with connection.cursor() as cursor:
                cursor.execute("select pg_backend_pid()")
                pid["value"] = cursor.fetchone()[0]
            killer = psycopg2.connect(
                host=settings["HOST"], port=settings["PORT"], user=settings["USER"], dbname=settings["NAME"]
            )
            killer.autocommit = True
            killer.cursor().execute("select pg_terminate_backend(%s)", [pid["value"]])
            killer.close()

    thread_errors = []

    def run():
        try:
            run_import(
                kind="consultations", content=csv_bytes(rows), file_name="big.csv", progress=kill_during_write
            )
        except Exception as exc:  # the lost connection surfaces as an error
            thread_errors.append(exc)
        finally:
            connection.close()

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    assert pid and thread_errors
    connection.close()
    assert Consultation.objects.count() == 0
    assert ImportRun.objects.count() == 0


def test_the_purge_command_deletes_only_expired_pending_imports(supervisor_client):
    import io

    from django.core.management import call_command

    upload(supervisor_client, ROWS)
    upload(
        supervisor_client,
        [CLIENT_HEADER, ["K-002", "佐藤 花子", "サトウ ハナコ", "女性", "", "春日市", CENTER, "", "", ""]],
    )
    kept = PendingImport.objects.get()
    stale = PendingImport.objects.create(kind="clients", file_name="old.csv", content=b"x", by=kept.by)
    PendingImport.objects.filter(pk=stale.pk).update(at=timezone.now() - dt.timedelta(hours=2))
    out = io.StringIO()
    call_command("purge_pending_imports", stdout=out)
    assert list(PendingImport.objects.all()) == [kept]
    assert "Deleted 1 expired" in out.getvalue()
