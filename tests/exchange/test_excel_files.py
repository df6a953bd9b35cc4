"""Real Japanese Excel files: 和暦 and 年月日 date cells, times, formula noise, weekdays and
full-width keys are read as the user sees them."""

import datetime as dt
import io
import re

import pytest
from openpyxl import Workbook

from cases.models import Client, Consultation
from exchange.importing.reading import read_table
from hikikomori.fiscal import DateParseError, parse_japanese_date
from tests.exchange.importing import CLIENT_HEADER, CONSULTATION_HEADER, import_file
from tests.exchange.test_hostile_files import rewrite_part

CENTER = "福岡県ひきこもり地域支援センター"


def japanese_excel(rows, formats: dict[str, int]) -> bytes:
    """An .xlsx whose date and time cells use Japanese Excel's built-in formats by id (as Excel
    writes them: no format code in the file, only the id), e.g. {"A2": 28} for ggge年m月d日."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    markers = {}
    for index, (coordinate, format_id) in enumerate(formats.items()):
        marker = f"0.{'0' * index}1"  # a distinct custom format per cell, swapped for the id below
        sheet[coordinate].number_format = marker
        markers[marker] = format_id
    buffer = io.BytesIO()
    workbook.save(buffer)
    content = buffer.getvalue()

    def builtin_ids(styles: bytes) -> bytes:
        text = styles.decode()
        for marker, format_id in markers.items():
            custom = re.search(rf'<numFmt numFmtId="(\d+)" formatCode="{re.escape(marker)}"\s*/>', text)
            text = text.replace(custom[0], "").replace(f'numFmtId="{custom[1]}"', f'numFmtId="{format_id}"')
        return text.encode()

    return rewrite_part(content, "xl/styles.xml", builtin_ids)


def test_date_and_time_cells_in_japanese_builtin_formats_read_as_the_user_sees_them():
    serial_day = (dt.date(2024, 4, 9) - dt.date(1899, 12, 30)).days  # 令和6年4月9日
    rows = [
        ["和暦", "短い和暦", "年月日", "時刻", "時刻秒"],
        [serial_day, serial_day, serial_day, 14.5 / 24, 0.25],
    ]
    content = japanese_excel(rows, {"A2": 28, "B2": 27, "C2": 31, "D2": 32, "E2": 33})
    table = read_table(content, "x.xlsx")
    assert table.rows == [(2, [dt.date(2024, 4, 9)] * 3 + [dt.time(14, 30), dt.time(6, 0)])]
    for format_id in [*range(27, 37), *range(50, 59)]:
        if format_id not in (32, 33):
            assert read_table(japanese_excel(rows[:1] + [[serial_day]], {"A2": format_id}), "x.xlsx").rows[0][
                1
            ][0] == dt.date(2024, 4, 9), format_id


def test_a_consultations_file_from_japanese_excel_imports_its_dates_and_rounded_minutes(
    tmp_path, master_data
):
    serial_day = (dt.date(2024, 4, 9) - dt.date(1899, 12, 30)).days
    rows = [CONSULTATION_HEADER, ["R-1", serial_day, CENTER, "電話", "本人", "", "", 24.999999999999996, ""]]
    path = tmp_path / "相談記録.xlsx"
    path.write_bytes(japanese_excel(rows, {"B2": 58}))
    from django.core.management import call_command

    call_command("import_records", "consultations", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    consultation = Consultation.objects.get()
    assert consultation.date == dt.date(2024, 4, 9) and consultation.duration_minutes == 25


@pytest.mark.parametrize("text", ["令和6年4月1日(月)", "2024/4/1(月)", "2024/4/1（月曜日）", "R6.4.1（月）"])
def test_a_date_with_its_weekday_is_accepted_when_the_weekday_matches(text):
    assert parse_japanese_date(text) == dt.date(2024, 4, 1)


def test_a_date_with_the_wrong_weekday_is_refused_with_the_right_one():
    with pytest.raises(DateParseError, match=r"曜日が日付と合いません（2024/4/1 は月曜日です）"):
        parse_japanese_date("2024/4/1(火)")


def test_full_width_case_numbers_are_the_same_keys(tmp_path, master_data):
    row = ["K-0001", "山田 太郎", "ヤマダ タロウ", "男性", "", "春日市", CENTER, "", "", ""]
    assert import_file(tmp_path, "clients", [CLIENT_HEADER, row])[0] == 0
    wide = ["Ｋ－０００１", "山田 太郎", "ヤマダ タロウ", "男性", "", "春日市", CENTER, "", "", "2024/4/1"]
    code, out, err = import_file(tmp_path, "clients", [CLIENT_HEADER, wide], name="again.csv")
    assert (code, out.strip()) == (0, "利用者: created 0, updated 1, unchanged 0"), err
    assert list(Client.objects.values_list("case_number", flat=True)) == ["K-0001"]
    consultation = ["R-9", "2024/4/2", CENTER, "電話", "本人", "Ｋ－０００１", "", "", ""]
    code, out, err = import_file(tmp_path, "consultations", [CONSULTATION_HEADER, consultation])
    assert code == 0, err
    assert Consultation.objects.get().client.case_number == "K-0001"


def test_a_case_number_typed_full_width_in_the_form_is_stored_folded(coordinator_client, center):
    from django.urls import reverse

    response = coordinator_client.post(
        reverse("cases:client_create"),
        {
            "case_number": "Ｃ－０１２",
            "name": "佐藤 花子",
            "sex": "女性",
            "office": center.pk,
            "registered_on": "2024/4/1",
            "withdrawal_period": "不明",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Client.objects.get().case_number == "C-012"


def test_old_xls_and_password_protected_files_are_refused_clearly(tmp_path, master_data, supervisor_client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from exchange.importing.reading import COMPOUND_FILE, ReadError

    with pytest.raises(ReadError, match="パスワード付き、または古い形式"):
        read_table(COMPOUND_FILE + b"\x00" * 512, "clients.xlsx")
    with pytest.raises(ReadError, match=r"古い形式（\.xls）"):
        read_table(b"anything", "clients.xls")
    old = SimpleUploadedFile("clients.xls", COMPOUND_FILE + b"\x00" * 512)
    page = supervisor_client.post(
        reverse("exchange:import"), {"kind": "clients", "file": old}
    ).content.decode()
    assert "古い形式（.xls）のファイルです" in page
    locked = SimpleUploadedFile("clients.xlsx", COMPOUND_FILE + b"\x00" * 512)
    page = supervisor_client.post(
        reverse("exchange:import"), {"kind": "clients", "file": locked}
    ).content.decode()
    assert "パスワード付き、または古い形式" in page
