"""import_records: every kind, encoding and date form; all or nothing; idempotence; round trip."""

import datetime as dt

import pytest
from django.core.management import call_command

from cases.models import Client, Consultation, FamilyMember
from exchange.models import ImportRun
from hikikomori.models import AuditEvent
from outreach.models import Attendance, MunicipalDay, Session
from tests.exchange.importing import CLIENT_HEADER, CONSULTATION_HEADER, import_file

CENTER = "福岡県ひきこもり地域支援センター"
CHIKUHO = "筑豊サテライトオフィス"

CLIENTS = [
    CLIENT_HEADER,
    [
        "K-001",
        "山田 太郎",
        "ヤマダ タロウ",
        "男性",
        "平成12年4月1日",
        "田川市",
        CHIKUHO,
        "市町村",
        "3年～5年未満",
        "R6.4.1",
    ],
    [
        "K-002",
        "佐藤 花子",
        "サトウ ハナコ",
        "女性",
        "1999/2/28",
        "久留米市",
        "筑後サテライトオフィス",
        "",
        "",
        "2024-05-01",
    ],
]


@pytest.fixture
def staff(center, chikuho):
    from tests.conftest import make_user

    return make_user(
        "tanaka", roles=["coordinator"], offices=[center, chikuho], last_name="田中", first_name="一"
    )


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp932"])
def test_clients_import_in_every_encoding(tmp_path, master_data, encoding):
    code, out, err = import_file(tmp_path, "clients", CLIENTS, encoding=encoding)
    assert code == 0, err
    assert out.strip().splitlines() == ["利用者: created 2, updated 0, unchanged 0"]
    yamada = Client.objects.get(case_number="K-001")
    assert (yamada.birth_date, yamada.registered_on) == (dt.date(2000, 4, 1), dt.date(2024, 4, 1))
    assert yamada.withdrawal_period == "3年～5年未満"
    assert yamada.municipality.name == "田川市" and yamada.office.name == CHIKUHO
    assert list(Client.objects.search("やまだ")) == [yamada]


def test_xlsx_first_sheet_with_real_dates_and_numbers(tmp_path, master_data, staff):
    import_file(tmp_path, "clients", CLIENTS)
    rows = [
        CONSULTATION_HEADER,
        ["R-1", dt.datetime(2024, 4, 1), CHIKUHO, "電話", "家族", "K-001", "tanaka", 30, "初回"],
    ]
    code, out, err = import_file(tmp_path, "consultations", rows, xlsx=True)
    assert code == 0, err
    consultation = Consultation.objects.get()
    assert (consultation.date, consultation.duration_minutes, consultation.record_number) == (
        dt.date(2024, 4, 1),
        30,
        "R-1",
    )
    assert list(consultation.staff.all()) == [staff]


@pytest.mark.parametrize(
    "written", ["2024-04-01", "2024/4/1", "令和6年4月1日", "R6.4.1", "２０２４／４／１", " 2024/04/01 "]
)
def test_every_date_form_is_read(tmp_path, master_data, written):
    rows = [CONSULTATION_HEADER, ["", written, CENTER, "電話", "家族", "", "", "", ""]]
    code, _, err = import_file(tmp_path, "consultations", rows)
    assert code == 0, err
    assert Consultation.objects.get().date == dt.date(2024, 4, 1)


def test_all_errors_are_listed_with_row_column_value_reason_and_nothing_is_written(
    tmp_path, master_data, staff
):
    rows = [
        CONSULTATION_HEADER,
        ["R-1", "2024/4/1", CENTER, "電話", "家族", "", "tanaka", "10", "正しい行"],
        ["R-2", "2024/2/30", CENTER, "手紙", "家族", "", "", "", ""],
        ["R-3", "2024/4/2", "架空オフィス", "電話", "友人", "Z-999", "suzuki", "-5", ""],
        ["R-1", "2099/1/1", CENTER, "電話", "家族", "", "", "ten", ""],
    ]
    code, out, err = import_file(tmp_path, "consultations", rows)
    assert code == 1
    lines = [line for line in err.splitlines() if line.startswith("行")]
    assert lines == [
        "行 3: 相談日: 2024/2/30: 存在しない日付です",
        "行 3: 相談方法: 手紙: 次のいずれかにしてください: 電話、来所、オンライン、訪問、同行、メール・その他",
        "行 4: ケース番号: Z-999: 登録されていない利用者です（先に利用者を取り込んでください）",
        "行 4: 拠点: 架空オフィス: 拠点の一覧にありません",
        "行 4: 相談者: 友人: 次のいずれかにしてください: 本人、家族、関係機関、その他",
        "行 4: 所要時間（分）: -5: 0以上にしてください",
        "行 5: 相談日: 2099/1/1: 未来の日付です",
        "行 5: 所要時間（分）: ten: 整数で入力してください",
        "行 5: 記録番号: R-1: 2行目と重複しています",
    ]
    assert Consultation.objects.count() == 0
    assert ImportRun.objects.count() == 0


def test_header_errors_are_reported_on_row_one(tmp_path, master_data):
    rows = [["ケース番号", "名前", "担当拠点"], ["K-1", "山田", CENTER]]
    code, _, err = import_file(tmp_path, "clients", rows)
    assert code == 1
    assert "行 1: 列名: 名前: この種類のファイルにない列名です" in err
    assert "行 1: 列名: 氏名: 必須の列がありません" in err


def test_dry_run_reports_and_writes_nothing(tmp_path, master_data):
    code, out, _ = import_file(tmp_path, "clients", CLIENTS, dry_run=True)
    assert code == 0
    assert "利用者: created 2, updated 0, unchanged 0" in out
    assert Client.objects.count() == 0 and ImportRun.objects.count() == 0


def test_the_same_file_is_refused_and_a_reimport_updates_without_duplicates(tmp_path, master_data):
    import_file(tmp_path, "clients", CLIENTS)
    code, _, err = import_file(tmp_path, "clients", CLIENTS, name="again.csv")
    assert code == 1 and "取り込み済みです" in err
    changed = [CLIENT_HEADER, CLIENTS[1], [*CLIENTS[2][:6], CHIKUHO, *CLIENTS[2][7:]]]
    code, out, err = import_file(tmp_path, "clients", changed, name="changed.csv")
    assert code == 0, err
    assert out.strip() == "利用者: created 0, updated 1, unchanged 1"
    assert Client.objects.count() == 2
    assert Client.objects.get(case_number="K-002").office.name == CHIKUHO


def test_consultations_with_a_record_number_are_not_duplicated(tmp_path, master_data):
    rows = [CONSULTATION_HEADER, ["R-1", "2024/4/1", CENTER, "訪問・同行", "本人", "", "", "", ""]]
    import_file(tmp_path, "consultations", rows)
    rows.append(["R-2", "2024/4/2", CENTER, "メール・その他", "その他", "", "", "", ""])
    code, out, _ = import_file(tmp_path, "consultations", rows, name="second.csv")
    assert out.strip() == "相談記録: created 1, updated 0, unchanged 1"
    assert sorted(Consultation.objects.values_list("method", flat=True)) == ["メール・その他", "訪問"]


def test_each_import_is_recorded_and_audited(tmp_path, master_data):
    import_file(tmp_path, "clients", CLIENTS)
    run = ImportRun.objects.get()
    assert (run.kind, run.file_name, run.rows) == ("clients", "clients.csv", 2)
    assert run.counts == {"利用者": {"created": 2, "updated": 0, "unchanged": 0}}
    event = AuditEvent.objects.get(action="import")
    assert event.detail["sha256"] == run.sha256


def test_sessions_attendance_and_family_members(tmp_path, master_data):
    import_file(tmp_path, "clients", CLIENTS)
    sessions = [
        ["プログラム", "開催日", "拠点", "開始時刻", "終了時刻", "テーマ", "状態", "中止理由"],
        ["フリースペース", "2024/5/14", CENTER, "14:00", "16:00", "調理", "", ""],
        ["家族のつどい", "2024/5/16", CENTER, "14:00", "16:00", "医師講話", "開催", ""],
        ["家族のつどい", "2024/6/20", CENTER, "14:00", "16:00", "", "中止", "悪天候"],
    ]
    code, out, err = import_file(tmp_path, "sessions", sessions)
    assert code == 0, err
    assert Session.objects.get(date=dt.date(2024, 6, 20)).status == "中止"
    attendance = [
        ["プログラム", "開催日", "拠点", "ケース番号", "参加者", "続柄"],
        ["フリースペース", "2024/5/14", CENTER, "K-001", "", ""],
        ["家族のつどい", "2024/5/16", CENTER, "K-001", "山田 和子", "母"],
        ["家族のつどい", "2024/5/16", CENTER, "K-002", "佐藤 正男", "父"],
    ]
    code, out, err = import_file(tmp_path, "attendance", attendance)
    assert code == 0, err
    assert out.strip().splitlines() == [
        "家族: created 2, updated 0, unchanged 0",
        "プログラム参加: created 3, updated 0, unchanged 0",
    ]
    assert FamilyMember.objects.get(name="山田 和子").relationship == "母"
    assert Attendance.objects.count() == 3


def test_attendance_for_a_missing_or_cancelled_session_is_refused(tmp_path, master_data):
    import_file(tmp_path, "clients", CLIENTS)
    import_file(
        tmp_path,
        "sessions",
        [
            ["プログラム", "開催日", "拠点", "状態", "中止理由"],
            ["家族のつどい", "2024/6/20", CENTER, "中止", "悪天候"],
        ],
    )
    rows = [
        ["プログラム", "開催日", "拠点", "ケース番号", "参加者", "続柄"],
        ["家族のつどい", "2024/6/20", CENTER, "K-001", "山田 和子", "母"],
        ["フリースペース", "2024/7/9", CENTER, "K-001", "", ""],
        ["家族のつどい", "2024/6/20", CENTER, "K-001", "", ""],
    ]
    code, _, err = import_file(tmp_path, "attendance", rows)
    assert code == 1
    assert "行 2: 開催日: 2024-06-20: 中止になった回です" in err
    assert (
        "行 3: 開催日: 2024-07-09: この開催が登録されていません（先にプログラム開催を取り込んでください）"
        in err
    )
    assert "行 4: 参加者: : 家族のつどいの参加者は家族の氏名を入力してください" in err
    assert FamilyMember.objects.count() == 0


def test_municipal_days_take_symbols_and_refuse_overbooking(tmp_path, master_data):
    rows = [
        ["実施日", "市町村", "形態", "拠点", "予約枠", "予約数", "相談件数"],
        ["2024/7/10", "宗像市", "〇", CENTER, "3", "2", "2"],
        ["2024/8/7", "飯塚市", "市町村主催（センター協力）", CHIKUHO, "", "", ""],
        ["2024/9/4", "朝倉市", "◎", "筑後サテライトオフィス", "3", "4", "1"],
    ]
    code, _, err = import_file(tmp_path, "municipal_days", rows)
    assert code == 1 and "行 4: 予約数: 4: 予約枠（3）を超えています" in err
    code, out, err = import_file(tmp_path, "municipal_days", rows[:3], name="ok.csv")
    assert code == 0, err
    day = MunicipalDay.objects.get(municipality__name="宗像市")
    assert (day.host_type, day.reserved, day.consulted) == ("センター主催", 2, 2)
    assert MunicipalDay.objects.get(municipality__name="飯塚市").slots == 3
    assert Consultation.objects.count() == 0  # days record figures, not consultations


def test_a_file_that_is_not_a_table_is_refused_clearly(tmp_path, master_data):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a zip file")
    with pytest.raises(Exception, match="Excelファイルとして読めません"):
        from exchange.importing.reading import read_table

        read_table(path.read_bytes(), "broken.xlsx")
    code, _, err = import_file(tmp_path, "clients", [["x"]], name="notes.pdf")
    assert code == 1 and "CSV（.csv）またはExcel（.xlsx）" in err


def test_round_trip_export_then_import_into_an_empty_database_gives_the_same_records(
    tmp_path, master_data, staff
):
    import_file(tmp_path, "clients", CLIENTS)
    rows = [
        CONSULTATION_HEADER,
        ["", "2024/4/1", CHIKUHO, "電話", "家族", "K-001", "tanaka", "30", "=母より電話"],
        ["R-9", "2024/4/2", CENTER, "来所", "本人", "", "", "", "- 本人来所"],
    ]
    import_file(tmp_path, "consultations", rows)
    import_file(
        tmp_path,
        "municipal_days",
        [["実施日", "市町村", "形態", "拠点"], ["2024/7/10", "宗像市", "〇", CENTER]],
    )

    def snapshot():
        return (
            sorted(
                Client.objects.values_list(
                    "case_number",
                    "name",
                    "kana",
                    "sex",
                    "birth_date",
                    "municipality__name",
                    "office__name",
                    "registered_on",
                )
            ),
            sorted(
                Consultation.objects.values_list(
                    "date",
                    "office__name",
                    "method",
                    "consulter",
                    "client__case_number",
                    "staff__username",
                    "duration_minutes",
                    "content",
                ),
                key=str,
            ),
            sorted(
                MunicipalDay.objects.values_list(
                    "date", "municipality__name", "host_type", "office__name", "slots"
                )
            ),
        )

    before = snapshot()
    files = {}
    for kind in ("clients", "consultations", "municipal_days"):
        files[kind] = tmp_path / f"export_{kind}.csv"
        call_command("export_records", kind, str(files[kind]))
    Consultation.staff.through.objects.all().delete()
    Consultation.objects.all().delete()
    Client.objects.all().delete()
    MunicipalDay.objects.all().delete()
    ImportRun.objects.all().delete()
    for kind in ("clients", "consultations", "municipal_days"):
        call_command("import_records", kind, str(files[kind]))
    assert snapshot() == before


def test_an_import_runs_the_same_number_of_queries_for_ten_or_a_thousand_rows(tmp_path, master_data, staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    import_file(tmp_path, "clients", CLIENTS)

    def rows(n, prefix):
        return [CONSULTATION_HEADER] + [
            [
                f"{prefix}{i}",
                "2024/4/1",
                CHIKUHO,
                "電話",
                "家族",
                "K-001" if i % 2 else "",
                "tanaka",
                "10",
                "",
            ]
            for i in range(n)
        ]

    with CaptureQueriesContext(connection) as few:
        import_file(tmp_path, "consultations", rows(10, "A"), name="few.csv")
    with CaptureQueriesContext(connection) as many:
        import_file(tmp_path, "consultations", rows(1000, "B"), name="many.csv")
    assert Consultation.objects.count() == 1010
    assert len(many) == len(few)


def test_staff_without_an_account_are_kept_by_name_and_aliases_are_understood(tmp_path, master_data, staff):
    clients = [
        CLIENT_HEADER,
        ["K-9", "田中 次郎", "タナカ ジロウ", "男", "", "福岡県田川市", CHIKUHO, "", "", ""],
        ["K-8", "林 一", "ハヤシ ハジメ", "女", "", "福岡市東区", CENTER, "", "", ""],
    ]
    code, _, err = import_file(tmp_path, "clients", clients)
    assert code == 0, err
    assert Client.objects.get(case_number="K-9").municipality.name == "田川市"
    assert Client.objects.get(case_number="K-8").municipality.name == "福岡市"
    assert Client.objects.get(case_number="K-9").sex == "男性"
    rows = [
        CONSULTATION_HEADER,
        ["R-1", "2024/4/1", CHIKUHO, "メール", "母", "K-9", "tanaka、山本（退職）", "", ""],
    ]
    code, _, err = import_file(tmp_path, "consultations", rows)
    assert code == 0, err
    consultation = Consultation.objects.get()
    assert (consultation.method, consultation.consulter) == ("メール・その他", "家族")
    assert list(consultation.staff.all()) == [staff]
    assert consultation.staff_names == "山本（退職）"


def test_the_municipal_days_columns_begin_with_the_specs_in_its_order(master_data):
    """Programs that read the SPEC's columns by position still find them: 時間枠 and the other
    optional columns come after 実施日, 市町村, 形態, 拠点, 予約枠, 予約数, 相談件数."""
    from exchange.importing.columns import COLUMNS
    from exchange.importing.exporting import export_rows

    spec = ["実施日", "市町村", "形態", "拠点", "予約枠", "予約数", "相談件数"]
    assert list(COLUMNS["municipal_days"])[: len(spec)] == spec
    assert list(next(iter(export_rows("municipal_days"))))[: len(spec)] == spec
