"""An import writes through the same door as the screens: history, versions, transfer logs,
the same rules; an update changes only the cells the file fills, and the preview says how."""

import datetime as dt

import pytest
from django.urls import reverse

from cases.models import Client, ClientLog, Consultation
from cases.text import normalize_name
from tests.exchange.importing import CLIENT_HEADER, CONSULTATION_HEADER, import_file
from tests.records import make_client, make_consultation

CENTER = "福岡県ひきこもり地域支援センター"
CHIKUHO = "筑豊サテライトオフィス"


@pytest.fixture
def kept(center):
    return make_client(
        center,
        case_number="K-0001",
        name="山田 太郎",
        kana="ヤマダ タロウ",
        sex="男性",
        birth_date=dt.date(2001, 5, 1),
        municipality="春日市",
        withdrawal_period="1年～3年未満",
    )


def test_a_file_with_only_the_required_columns_changes_nothing_else(tmp_path, kept):
    rows = [["ケース番号", "氏名", "担当拠点"], ["K-0001", "山田 太朗", CENTER]]
    code, out, err = import_file(tmp_path, "clients", rows)
    assert code == 0, err
    kept.refresh_from_db()
    assert kept.name == "山田 太朗"
    assert (kept.kana, kept.sex, kept.birth_date, kept.municipality.name, kept.withdrawal_period) == (
        "ヤマダ タロウ",
        "男性",
        dt.date(2001, 5, 1),
        "春日市",
        "1年～3年未満",
    )


def test_a_blank_cell_keeps_the_stored_value(tmp_path, kept):
    rows = [CLIENT_HEADER, ["K-0001", "山田 太郎", "", "", "", "", CENTER, "", "", ""]]
    code, out, _ = import_file(tmp_path, "clients", rows)
    assert out.strip() == "利用者: created 0, updated 0, unchanged 1"
    kept.refresh_from_db()
    assert kept.kana == "ヤマダ タロウ" and kept.birth_date == dt.date(2001, 5, 1)


def test_an_update_writes_history_bumps_the_version_and_logs_the_transfer(tmp_path, kept):
    rows = [
        ["ケース番号", "氏名", "フリガナ", "担当拠点"],
        ["K-0001", "山田 太郎", "ヤマダ　タロウ", CHIKUHO],
    ]
    import_file(tmp_path, "clients", rows)
    kept.refresh_from_db()
    assert kept.version == 2
    assert kept.office.name == CHIKUHO
    assert kept.kana_key == normalize_name("ヤマダ タロウ")
    latest = kept.history.latest("history_date")
    assert latest.office.name == CHIKUHO and latest.history_change_reason == "一括登録"
    log = ClientLog.objects.get(client=kept)
    assert (
        log.kind == ClientLog.Kind.TRANSFERRED
        and log.detail["from"] == CENTER
        and log.detail["to"] == CHIKUHO
    )


def test_an_edit_form_opened_before_the_import_cannot_overwrite_it(
    tmp_path, kept, coordinator_client, center
):
    form = coordinator_client.get(reverse("cases:client_edit", args=[kept.pk])).context["form"]
    import_file(tmp_path, "clients", [["ケース番号", "氏名", "担当拠点"], ["K-0001", "山田 太朗", CENTER]])
    data = {name: form[name].value() or "" for name in form.fields} | {"name": "山田 太郎（画面）"}
    data["registered_on"] = "2024/4/1"
    response = coordinator_client.post(reverse("cases:client_edit", args=[kept.pk]), data)
    assert response.status_code == 409
    kept.refresh_from_db()
    assert kept.name == "山田 太朗"


def test_created_records_have_history_with_the_importing_user(supervisor_client, supervisor, master_data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from exchange.models import PendingImport
    from tests.exchange.importing import csv_bytes

    rows = [CLIENT_HEADER, ["K-0009", "佐藤 花子", "サトウ ハナコ", "女性", "", "春日市", CENTER, "", "", ""]]
    supervisor_client.post(
        reverse("exchange:import"), {"kind": "clients", "file": SimpleUploadedFile("c.csv", csv_bytes(rows))}
    )
    supervisor_client.post(reverse("exchange:import_confirm", args=[PendingImport.objects.get().pk]))
    client = Client.objects.get(case_number="K-0009")
    assert client.history.get().history_user == supervisor


def test_the_preview_lists_each_change_as_old_and_new(tmp_path, kept, supervisor_client):
    rows = [["ケース番号", "氏名", "生年月日", "担当拠点"], ["K-0001", "山田 太朗", "2001/5/2", CENTER]]
    code, out, _ = import_file(tmp_path, "clients", rows, dry_run=True)
    assert "K-0001: 氏名: 山田 太郎 → 山田 太朗" in out
    assert "K-0001: 生年月日: 2001/5/1 → 2001/5/2" in out
    kept.refresh_from_db()
    assert kept.name == "山田 太郎"


def test_consultations_from_a_file_obey_the_screens_rules(tmp_path, center, chikuho):
    from tests.conftest import make_user

    make_user("sato", roles=["coordinator"], offices=[chikuho], last_name="佐藤", first_name="一")
    rows = [CONSULTATION_HEADER, ["R-1", "2024/4/2", CENTER, "電話", "本人", "", "佐藤 一", "20", ""]]
    code, out, err = import_file(tmp_path, "consultations", rows)
    assert code == 1
    assert f"行 2: 拠点: {CENTER}: 佐藤 一 はこの拠点に所属していません。" in err
    assert not Consultation.objects.exists()


def test_a_consultation_update_keeps_staff_and_content_when_their_cells_are_blank(
    tmp_path, center, coordinator
):
    consultation = make_consultation(
        center, "2024-05-01", staff=[coordinator], record_number="R-7", content="母より電話。"
    )
    versions_before = consultation.history.count()
    rows = [CONSULTATION_HEADER, ["R-7", "2024/5/1", CENTER, "来所", "家族", "", "", "", ""]]
    code, out, err = import_file(tmp_path, "consultations", rows)
    assert out.strip() == "相談記録: created 0, updated 1, unchanged 0", err
    consultation.refresh_from_db()
    assert consultation.method == "来所" and consultation.content == "母より電話。"
    assert list(consultation.staff.all()) == [coordinator]
    assert consultation.version == 2 and consultation.history.count() == versions_before + 1


def test_editing_the_kana_updates_the_key_used_for_duplicates_and_ordering(coordinator_client, kept):
    form = coordinator_client.get(reverse("cases:client_edit", args=[kept.pk])).context["form"]
    data = {name: form[name].value() if form[name].value() is not None else "" for name in form.fields}
    data |= {"kana": "サトウ ジロウ", "registered_on": "2024/4/1", "birth_date": "2001/5/1"}
    response = coordinator_client.post(reverse("cases:client_edit", args=[kept.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    kept.refresh_from_db()
    assert kept.kana_key == normalize_name("サトウ ジロウ") != normalize_name("ヤマダ タロウ")
