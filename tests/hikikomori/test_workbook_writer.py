"""The workbook writer behind every .xlsx download and `export_records`: what Excel shows."""

import datetime as dt
import io

import openpyxl

from hikikomori.exports import write_workbook


def _written(sheets) -> openpyxl.Workbook:
    buffer = io.BytesIO()
    write_workbook(sheets, buffer)
    return openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))


def test_cells_read_back_as_what_was_written():
    book = _written(
        [
            ("相談記録", [
                ["記録番号", "相談日", "開始時刻", "記録日時", "所要時間（分）", "内容", "確認"],
                ["ID1", dt.date(2024, 5, 1), dt.time(14, 5), dt.datetime(2024, 5, 1, 9, 30), 20,
                 '=HYPERLINK("x") & <b> "引用"', True],
                ["ID2", None, None, None, 1.5, " 前後の空白 ", False],
                ["ID3", "", "", "", 0, "制御\x00文字\x1fあり", None],
            ]),
            ("利用者/一覧", [["ケース番号"], ["C-0001"]]),
        ]
    )  # fmt: skip
    sheet = book["相談記録"]
    assert [c.value for c in sheet[1]] == [
        "記録番号",
        "相談日",
        "開始時刻",
        "記録日時",
        "所要時間（分）",
        "内容",
        "確認",
    ]
    assert all(cell.font.b for cell in sheet[1])  # the header is bold
    assert sheet["B2"].value == dt.datetime(2024, 5, 1) and sheet["B2"].is_date
    assert sheet["C2"].value == dt.time(14, 5)
    assert sheet["D2"].value == dt.datetime(2024, 5, 1, 9, 30)
    assert sheet["E2"].value == 20 and sheet["E3"].value == 1.5 and sheet["E4"].value == 0
    assert (
        sheet["F2"].value == '=HYPERLINK("x") & <b> "引用"' and sheet["F2"].data_type == "s"
    )  # never a formula
    assert sheet["F3"].value == " 前後の空白 "
    assert sheet["F4"].value == "制御文字あり"  # characters XML cannot hold are dropped, not the file
    assert sheet["G2"].value is True and sheet["G3"].value is False
    assert sheet["B3"].value is None and sheet["B4"].value is None
    assert book.sheetnames == ["相談記録", "利用者／一覧"]  # a name Excel accepts
    assert book["利用者／一覧"]["A2"].value == "C-0001"


def test_columns_are_wide_enough_that_dates_show_and_text_is_readable():
    sheet = _written(
        [("x", [["相談日", "内容"], [dt.date(2024, 5, 1), "母より電話。来週また連絡するとのこと。"]])]
    ).active
    assert sheet.column_dimensions["A"].width >= 11
    assert sheet.column_dimensions["B"].width >= 30


def test_an_empty_export_is_still_a_workbook():
    assert _written([("x", [])]).active.max_row == 1


def test_a_number_excel_cannot_hold_is_written_as_its_text_and_the_file_still_opens():
    sheet = _written([("x", [["値"], [float("nan")], [float("inf")], [12.5]])]).active
    assert [sheet.cell(row=n, column=1).value for n in (2, 3, 4)] == ["nan", "inf", 12.5]
