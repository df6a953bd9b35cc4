"""Names typed in 管理 reach the workbook and exports as text: never a formula."""

import csv
import io

from django.urls import reverse

from cases.models import ReferralDestination
from hikikomori.exports import render_csv, render_xlsx
from reports.tables import Report, Table
from reports.xlsx import render_workbook
from tests.records import make_client, make_consultation
from tests.reports.workbook import open_workbook

HOSTILE = '=HYPERLINK("http://evil.example/","クリック")'


def formula_cells(content: bytes) -> list:
    workbook = open_workbook(content)
    return [
        (sheet.title, cell.coordinate, cell.value)
        for sheet in workbook
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def test_every_text_cell_of_the_yearly_workbook_is_text():
    table = Table(
        sheet="相談延件数",
        title=HOSTILE,
        header=["区分", HOSTILE],
        rows=[[HOSTILE, 1], ["+1-1", 2], ["合計", 3]],
        notes=["@SUM(A1)"],
    )
    content = render_workbook(Report(scope=None, label="令和6年度", tables=[table]))
    assert formula_cells(content) == []
    sheet = open_workbook(content)["相談延件数"]
    assert sheet["A1"].value == HOSTILE and sheet["A4"].value == HOSTILE


def test_a_referral_destination_named_like_a_formula_stays_text_in_the_downloaded_report(
    supervisor_client, center
):
    destination = ReferralDestination.objects.create(label=HOSTILE)
    make_consultation(center, "2024-05-01", client=make_client(center), referral_destination=destination)
    response = supervisor_client.get(reverse("reports:annual_download"), {"fy": "2024"})
    assert response.status_code == 200
    workbook = open_workbook(response.content)
    assert any(cell.value == HOSTILE for sheet in workbook for row in sheet.iter_rows() for cell in row)
    assert formula_cells(response.content) == []


def test_exports_write_formulas_as_text():
    rows = [["氏名"], [HOSTILE], ["-2+3"]]
    assert formula_cells(render_xlsx(rows)) == []
    text = render_csv(rows).decode("utf-8-sig")
    assert [row[0] for row in csv.reader(io.StringIO(text))][1:] == ["'" + HOSTILE, "'-2+3"]
