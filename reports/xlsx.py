"""Rendering the yearly report as an .xlsx workbook a supervisor would not retouch."""

from __future__ import annotations

import datetime as dt
import io
from copy import copy

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, PieChart, Reference, Series
from openpyxl.chart.text import RichText
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties
from openpyxl.drawing.text import Font as ChartFont
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from hikikomori.exports import display_width, print_on_a4_landscape, sheet_title, write_cell

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
    return display_width(text)


FONT_NAME = "游ゴシック"  # Japanese Office's default; every cell, header and footer uses it
BODY_SIZE = 11  # fitted to one A4 page the tables print at 9 pt or more
CM_PER_WIDTH_UNIT = 0.26  # one unit of column width as printed (游ゴシック 11 pt)
CM_PER_ROW = 0.53  # a default row (15 pt)
CHART_HEIGHT_CM = 8.0
CHART_WIDTH_CM = {"monthly": 16.0, "trend": 16.0, "regions": 22.5, "ages": 16.0}
PAGE_WIDTH_CM = 27.0  # A4 landscape inside the margins, at the smallest scale that keeps 9 pt
PAGE_HEIGHT_CM = 17.4  # A4 landscape's 21 cm less the margins
DEFAULT_ROW_PT = 15.0  # a row of 11 pt text as printed (measured on the rendered PDF)
SMALLEST_PRINTED_PT = 9.1  # a little above 9 pt: the estimate of heights is not exact
SYMBOLS = {"〇", "●", "◎"}
DEFAULT_WIDTH = 8.43  # Excel's default column width
NOTE_MIN_WIDTH = 70  # notes of a narrow table spread over this many width units
PAGE_MARGINS = PageMargins(left=0.4, right=0.4, top=0.7, bottom=0.7, header=0.3, footer=0.3)


def _font(size: float = BODY_SIZE, bold: bool = False) -> Font:
    return Font(name=FONT_NAME, size=size, bold=bold)


def render_workbook(report: Report, *, made_on: dt.date | None = None) -> bytes:
    """The yearly workbook; its footer carries the day it was made (2026/12/05, never a
    spreadsheet's locale-dependent &D)."""
    made_on = made_on or timezone.localdate()
    workbook = Workbook()
    workbook.remove(workbook.active)
    looks: dict = {}
    taken: set[str] = set()
    for table in report.tables:
        _sheet(workbook, table, report.label, looks, sheet_title(table.sheet, taken), made_on)
    workbook.properties.title = f"{report.label} 年次報告"
    workbook.properties.creator = "hikikomori"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _value_style(
    looks: dict, cell, is_total: bool, number_format: str | None, horizontal: str | None
) -> None:
    """Value cells share a handful of looks; each is built once per workbook and copied to the
    cells that have it (building a style for every cell was most of the rendering time)."""
    key = (is_total, number_format, horizontal)
    look = looks.get(key)
    if look is not None:
        cell._style = copy(look)
        return
    cell.border = BORDER
    cell.font = _font(bold=is_total)
    if number_format:
        cell.number_format = number_format
    if horizontal:
        cell.alignment = Alignment(horizontal=horizontal)
    if is_total:
        cell.fill = TOTAL_FILL
    looks[key] = copy(cell._style)


def _sheet(workbook: Workbook, table: Table, label: str, looks: dict, title: str, made_on: dt.date) -> None:
    sheet = workbook.create_sheet(title)
    columns = len(table.header)
    write_cell(sheet, TITLE_ROW, 1, table.title).font = _font(14, bold=True)
    for col, header in enumerate(table.header, start=1):
        cell = write_cell(sheet, HEADER_ROW, col, header)
        cell.font = _font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r, values in enumerate(table.rows, start=HEADER_ROW + 1):
        is_total = values[0] == "合計"
        for c, value in enumerate(values, start=1):
            cell = write_cell(sheet, r, c, float(value) if isinstance(value, Ratio) else value)
            number_format = None
            if isinstance(value, Ratio) or (value is None and c > table.labels):
                number_format = RATIO_FORMAT
            elif isinstance(value, int):
                number_format = COUNT_FORMAT
            horizontal = None
            if c > table.labels:
                centered = value in SYMBOLS or (isinstance(value, str) and not value.strip())
                horizontal = "center" if centered else "right"
            _value_style(looks, cell, is_total, number_format, horizontal)
    widths = []
    for c in range(1, columns + 1):
        widest = max(
            [_width(table.header[c - 1])] + [_width(row[c - 1]) for row in table.rows if c - 1 < len(row)]
        )
        widths.append(min(max(widest + 2, 8), 40))
        sheet.column_dimensions[get_column_letter(c)].width = widths[-1]
    row, note_columns = _notes(sheet, table, HEADER_ROW + len(table.rows) + 2, widths)
    last_row, last_col = row - 1, max(columns, note_columns)
    if table.chart:
        chart_rows = int(CHART_HEIGHT_CM / CM_PER_ROW) + 1
        if sum(widths) * CM_PER_WIDTH_UNIT + CHART_WIDTH_CM[table.chart["type"]] <= PAGE_WIDTH_CM:
            # a narrow table: its chart beside it, so that the page stays at reading size
            anchor_col, anchor_row = columns + 2, HEADER_ROW
            sheet.column_dimensions[get_column_letter(columns + 1)].width = 3
            widths = [*widths, 3]
        else:
            anchor_col, anchor_row = 1, row + 1
        last_col = max(columns, _chart(sheet, table, anchor_col, anchor_row, widths))
        last_row = max(last_row, anchor_row + chart_rows)
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=table.labels + 1)
    one_page = _readable_on_one_page(sheet, widths, last_row)
    _page_setup(sheet, label, f"A1:{get_column_letter(last_col)}{last_row}", made_on, one_page=one_page)


def _readable_on_one_page(sheet, widths: list[float], last_row: int) -> bool:
    """Whether the sheet shrunk to one page keeps its text at 9 pt or more. A long table (e.g. the
    市町村相談会 of every municipality) runs over several pages instead, each headed by its title
    and column headings."""
    height_pt = sum(sheet.row_dimensions[r].height or DEFAULT_ROW_PT for r in range(1, last_row + 1))
    height_cm = height_pt / 72 * 2.54
    width_cm = sum(widths) * CM_PER_WIDTH_UNIT
    scale = min(1.0, PAGE_WIDTH_CM / width_cm, PAGE_HEIGHT_CM / height_cm)
    return BODY_SIZE * scale >= SMALLEST_PRINTED_PT


def _notes(sheet, table: Table, row: int, widths: list[float]) -> tuple[int, int]:
    """Each 注 wraps within the table's width (merged across its columns, and across empty ones
    beside a narrow table so that a note reads in lines, not a column of words). Returns the next
    free row and the last column the notes use."""
    columns, width = len(table.header), sum(widths)
    while width < NOTE_MIN_WIDTH:
        columns += 1
        width += DEFAULT_WIDTH
    for note in table.notes:
        cell = write_cell(sheet, row, 1, note)
        cell.font = _font()
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if columns > 1:
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
        lines = max(1, -(-int(_width(note) * 1.15) // max(int(width), 1)))
        sheet.row_dimensions[row].height = 16 * lines
        row += 1
    return row, columns


def _page_setup(sheet, label: str, print_area: str, made_on: dt.date, *, one_page: bool) -> None:
    """A4 landscape, one page per sheet where that keeps 9 pt (else pages down, the title and
    column headings repeated), with the report's title, the year, page N/M and the date made."""
    sheet.print_area = print_area
    sheet.page_margins = PAGE_MARGINS
    sheet.print_options.horizontalCentered = True
    if not one_page:
        sheet.print_title_rows = f"{TITLE_ROW}:{HEADER_ROW}"
    print_on_a4_landscape(
        sheet,
        pages_high=1 if one_page else 0,
        header=(f"年次報告　{label}", "", sheet.title),
        footer=("", "&P / &N ページ", f"作成日 {made_on:%Y/%m/%d}"),
        size=BODY_SIZE,
        font=f"{FONT_NAME},標準",
    )


def _columns_spanning(widths: list[float], start_col: int, width_cm: float) -> int:
    """The last column a drawing of `width_cm` anchored at `start_col` reaches (default widths beyond)."""
    col, covered = start_col, 0.0
    while True:
        units = widths[col - 1] if col <= len(widths) else DEFAULT_WIDTH
        covered += units * CM_PER_WIDTH_UNIT
        if covered >= width_cm:
            return col + 1  # one column to spare: widths print a little wider than estimated
        col += 1


def _text_properties(size: float = BODY_SIZE) -> RichText:
    """Chart text in the workbook's font and size (charts default to 10 pt Calibri)."""
    font = CharacterProperties(
        latin=ChartFont(typeface=FONT_NAME), ea=ChartFont(typeface=FONT_NAME), sz=int(size * 100)
    )
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=font), endParaRPr=font)])


def _style(chart, title: str) -> None:
    chart.title = title
    chart.title.tx.rich.p[0].pPr = ParagraphProperties(defRPr=CharacterProperties(
        latin=ChartFont(typeface=FONT_NAME), ea=ChartFont(typeface=FONT_NAME), sz=1200, b=True
    ))  # fmt: skip
    chart.legend.txPr = _text_properties()
    for axis in (getattr(chart, "x_axis", None), getattr(chart, "y_axis", None)):
        if axis is not None:
            axis.txPr = _text_properties()
            axis.delete = False


def _chart(sheet, table: Table, anchor_col: int, anchor_row: int, widths: list[float]) -> int:
    """Draw the table's chart(s) at the anchor; returns the last column they reach."""
    anchor = f"{get_column_letter(anchor_col)}{anchor_row}"
    kind = table.chart["type"]
    categories = len(table.chart.get("categories", []))
    table_cm = sum(widths) * CM_PER_WIDTH_UNIT
    if kind in ("monthly", "trend"):
        bars = BarChart()
        bars.type, bars.grouping, bars.overlap = "col", "stacked", 100
        last_col = len(table.header) - (1 if kind == "monthly" else 0)
        data = Reference(
            sheet, min_col=1, max_col=last_col, min_row=HEADER_ROW + 1, max_row=HEADER_ROW + categories
        )
        bars.add_data(data, from_rows=True, titles_from_data=True)
        bars.set_categories(Reference(sheet, min_col=2, max_col=last_col, min_row=HEADER_ROW))
        bars.y_axis.title = "件数"
        bars.y_axis.scaling.min = 0
        line = LineChart()
        ratio_row = HEADER_ROW + categories + 2
        line.add_data(
            Reference(sheet, min_col=1, max_col=last_col, min_row=ratio_row),
            from_rows=True,
            titles_from_data=True,
        )
        for series in line.series:
            series.smooth = False  # straight lines: a curve suggests values between the points
        line.y_axis.axId = 200
        line.y_axis.title = "訪問支援の割合"
        line.y_axis.number_format = "0%"
        line.y_axis.scaling.min = 0  # a ratio axis starts at 0%
        line.y_axis.crosses = "max"
        line.y_axis.majorGridlines = None
        line.y_axis.txPr = _text_properties()
        line.y_axis.delete = False
        _style(bars, table.title)
        bars += line
        bars.width, bars.height = max(CHART_WIDTH_CM[kind], min(table_cm, 25.0)), CHART_HEIGHT_CM
        sheet.add_chart(bars, anchor)
        return _columns_spanning(widths, anchor_col, bars.width)
    if kind == "regions":
        rows = len(table.rows) - 1
        start_col, last = anchor_col, anchor_col
        for data_col, method in ((2, "電話"), (4, "来所")):
            pie = PieChart()
            pie.add_data(
                Reference(sheet, min_col=data_col, min_row=HEADER_ROW, max_row=HEADER_ROW + rows),
                titles_from_data=True,
            )
            pie.set_categories(Reference(sheet, min_col=1, min_row=HEADER_ROW + 1, max_row=HEADER_ROW + rows))
            _style(pie, f"{method}（件数）の居住地域別割合")
            pie.width, pie.height = 11.0, CHART_HEIGHT_CM
            sheet.add_chart(pie, f"{get_column_letter(start_col)}{anchor_row}")
            last = _columns_spanning(widths, start_col, pie.width)
            start_col = last + 1
        return last
    if kind == "ages":
        bars = BarChart()
        bars.type, bars.grouping = "col", "clustered"
        programs = table.chart["programs"]
        per_program = len(table.rows) // max(len(programs), 1)
        for index, program in enumerate(programs):
            first = HEADER_ROW + 1 + index * per_program
            series = Series(
                Reference(sheet, min_col=3, min_row=first, max_row=first + per_program - 1), title=program
            )
            bars.series.append(series)
        bars.set_categories(
            Reference(sheet, min_col=2, min_row=HEADER_ROW + 1, max_row=HEADER_ROW + per_program)
        )
        bars.y_axis.title = "人数"
        bars.y_axis.scaling.min = 0
        bars.y_axis.majorUnit = 1 if max((row[2] for row in table.rows), default=0) < 10 else None
        _style(bars, "参加者の年代（人数）")
        bars.width, bars.height = CHART_WIDTH_CM[kind], CHART_HEIGHT_CM
        sheet.add_chart(bars, anchor)
        return _columns_spanning(widths, anchor_col, bars.width)
    raise ValueError(kind)
