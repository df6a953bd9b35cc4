"""Japanese everywhere a user looks: import results, 管理's sections, roles, constraint errors,
audit entries, and dates typed in 管理 as in the app."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from exchange.models import PendingImport
from hikikomori.models import AuditEvent, Office
from tests.exchange.importing import CLIENT_HEADER, csv_bytes

CENTER = "福岡県ひきこもり地域支援センター"


def test_an_import_reports_its_result_in_japanese(supervisor_client, master_data):
    rows = [CLIENT_HEADER, ["K-1", "山田 太郎", "", "", "", "", CENTER, "", "", ""]]
    supervisor_client.post(
        reverse("exchange:import"), {"kind": "clients", "file": SimpleUploadedFile("c.csv", csv_bytes(rows))}
    )
    page = supervisor_client.post(
        reverse("exchange:import_confirm", args=[PendingImport.objects.get().pk]), follow=True
    ).content.decode()
    assert "利用者：作成 1・更新 0・変更なし 0" in page and "created" not in page


def test_管理_speaks_japanese(admin_client_, coordinator):
    index = admin_client_.get("/admin/").content.decode()
    assert "移行・一括登録" in index and "組織・マスタ" in index
    for english in ("Reports", "Exchange", "Hikikomori", "Authentication"):
        assert f">{english}<" not in index
    users = admin_client_.get("/admin/hikikomori/user/").content.decode()
    assert "ひきこもり支援コーディネーター" in users


def test_管理_takes_japanese_dates_and_explains_a_broken_rule_in_japanese(admin_client_, master_data):
    office = Office.objects.get(name=CENTER)
    url = f"/admin/hikikomori/office/{office.pk}/change/"
    form = admin_client_.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields} | {"case_number_prefix": "C-"}
    response = admin_client_.post(url, data | {"opened_on": "令和6年4月1日", "closed_on": "2024/3/1"})
    assert "閉鎖日は開設日以降にしてください。" in response.content.decode()
    response = admin_client_.post(url, data | {"opened_on": "令和6年4月1日", "closed_on": ""})
    assert response.status_code == 302
    office.refresh_from_db()
    assert office.opened_on == dt.date(2024, 4, 1)


def test_audit_entries_read_in_local_time_with_no_none(master_data):
    event = AuditEvent.objects.create(
        action="login_failed", at=timezone.make_aware(dt.datetime(2024, 4, 1, 0, 30))
    )
    assert str(event).startswith("2024/04/01 00:30 システム ログイン失敗")
