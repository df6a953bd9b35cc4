"""Rendering the yearly report as an .xlsx workbook a supervisor would not retouch."""

from __future__ import annotations

import io
import unicodedata

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, PieChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from hikikomori.exports import write_cell

from .tables import Ratio, Report, Table

TITLE_ROW, HEADER_ROW = 1, 3
COUNT_FORMAT, RATIO_FORMAT = "#,##0", "0.0%"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _width(value) -> float:
    """Display width: full-width characters count double."""
    text = f"{value:.1%}" if isinstance(value, Ratio) else str("" if value is None else value)
    return sum(2 if unicodedata.east_asian_width(ch) in "FWA" else 1 for ch in text)


def render_workbook(report: Report) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in report.tables:
        _sheet(workbook, table)
    workbook.properties.title = f"{report.label} 年次報告"
    workbook.properties.creator = "hikikomori"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet(workbook: Workbook, table: Table) -> None:
    sheet = workbook.create_sheet(table.sheet[:31])
    write_cell(sheet, TITLE_ROW, 1, table.title).font = Font(bold=True, size=14)
    for col, label in enumerate(table.header, start=1):
        cell = write_cell(sheet, HEADER_ROW, col, label)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r, values in enumerate(table.rows, start=HEADER_ROW + 1):
        is_total = values[0] == "合計"
        for c, value in enumerate(values, start=1):
            cell = write_cell(sheet, r, c, float(value) if isinstance(value, Ratio) else value)
            cell.border = BORDER
            if isinstance(value, Ratio) or (value is None and c > table.labels):
                cell.number_format = RATIO_FORMAT
            elif isinstance(value, int):
                cell.number_format = COUNT_FORMAT
            if c > table.labels:
                cell.alignment = Alignment(horizontal="right")
            if is_total:
                cell.font = Font(bold=True)
                cell.fill = TOTAL_FILL
    last = HEADER_ROW + len(table.rows)
    for offset, note in enumerate(table.notes, start=2):
        write_cell(sheet, last + offset, 1, note).alignment = Alignment(wrap_text=False)
    for c in range(1, len(table.header) + 1):
        widest = max(
            [_width(table.header[c - 1])] + [_width(row[c - 1]) for row in table.rows if c - 1 < len(row)]
        )
        sheet.column_dimensions[get_column_letter(c)].width = min(max(widest + 2, 8), 40)
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=table.labels + 1)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if table.chart:
        _chart(sheet, table, last + len(table.notes) + 3)


def _chart(sheet, table: Table, anchor_row: int) -> None:
    kind = table.chart["type"]
    anchor = f"A{anchor_row}"
    categories = len(table.chart.get("categories", []))
    if kind in ("monthly", "trend"):
        bars = BarChart()
        bars.type, bars.grouping, bars.overlap = "col", "stacked", 100
        bars.title = table.title
        last_col = len(table.header) - (1 if kind == "monthly" else 0)
        data = Reference(
            sheet, min_col=1, max_col=last_col, min_row=HEADER_ROW + 1, max_row=HEADER_ROW + categories
        )
        bars.add_data(data, from_rows=True, titles_from_data=True)
        bars.set_categories(Reference(sheet, min_col=2, max_col=last_col, min_row=HEADER_ROW))
        bars.y_axis.title = "件数"
        line = LineChart()
        ratio_row = HEADER_ROW + categories + 2
        line.add_data(
            Reference(sheet, min_col=1, max_col=last_col, min_row=ratio_row),
            from_rows=True,
            titles_from_data=True,
        )
        line.y_axis.axId = 200
        line.y_axis.title = "訪問支援の割合"
        line.y_axis.number_format = RATIO_FORMAT
        line.y_axis.crosses = "max"
        bars += line
        bars.height, bars.width = 9, 22
        sheet.add_chart(bars, anchor)
    elif kind == "regions":
        pie = PieChart()
        pie.title = "電話（件数）の居住地域別割合"
        rows = len(table.rows) - 1
        pie.add_data(
            Reference(sheet, min_col=2, min_row=HEADER_ROW, max_row=HEADER_ROW + rows), titles_from_data=True
        )
        pie.set_categories(Reference(sheet, min_col=1, min_row=HEADER_ROW + 1, max_row=HEADER_ROW + rows))
        sheet.add_chart(pie, anchor)
    elif kind == "ages":
        bars = BarChart()
        bars.type = "bar"
        bars.title = "参加者の年代（人数）"
        rows = len(table.rows)
        bars.add_data(
            Reference(sheet, min_col=3, min_row=HEADER_ROW, max_row=HEADER_ROW + rows), titles_from_data=True
        )
        bars.set_categories(
            Reference(sheet, min_col=1, max_col=2, min_row=HEADER_ROW + 1, max_row=HEADER_ROW + rows)
        )
        bars.height, bars.width = 10, 18
        sheet.add_chart(bars, anchor)
