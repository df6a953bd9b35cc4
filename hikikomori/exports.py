"""One renderer for tabular exports (CSV for Japanese Excel, or XLSX) and the one writer of
spreadsheet cells.

An export is an iterable of rows, header first. Every text cell of every workbook and CSV goes
through `safe_cell` (CSV) or `text_safe` (XLSX): text that a spreadsheet would read as a formula
(a name typed as `=HYPERLINK(…)` in 管理, say) is written as text, never as a formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import itertools
import math
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value):
    """Neutralise formula injection: a leading = + - @ makes the cell text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def text_safe(cell, value):
    """Set an openpyxl cell (normal or write-only): text stays text, even when it starts with =."""
    cell.value = value
    if isinstance(value, str) and cell.data_type != "s":
        cell.data_type = "s"
    return cell


def write_cell(sheet, row: int, column: int, value):
    """The workbook writer's cell setter: `sheet.cell(..., value=…)` through `text_safe`."""
    return text_safe(sheet.cell(row=row, column=column), value)


def csv_text(value) -> str:
    """A cell as CSV text: dates in ISO form, None as empty."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def render_csv(rows: Iterable[Sequence]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_text(safe_cell(v)) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_csv(rows: Iterable[Sequence], out) -> int:
    """Write rows as CSV for Japanese Excel (UTF-8 with BOM, CRLF) to a binary file, one row at a
    time; returns the number of rows written (header included)."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text, lineterminator="\r\n")
    count = 0
    for row in rows:
        writer.writerow([csv_text(safe_cell(v)) for v in row])
        count += 1
    text.flush()
    text.detach()
    return count


# Characters Excel refuses in a sheet's name, and their full-width look-alikes.
SHEET_NAME_SWAPS = str.maketrans(
    {"*": "＊", "?": "？", "/": "／", "\\": "＼", ":": "：", "[": "［", "]": "］"}
)
SHEET_NAME_LENGTH = 31


def sheet_title(name: str, taken: set[str]) -> str:
    """A name Excel accepts for a sheet (no forbidden character, 31 characters at most, no leading
    or trailing apostrophe), unique among `taken` regardless of case; added to `taken`."""
    base = str(name).translate(SHEET_NAME_SWAPS).strip("'").strip() or "Sheet"
    title, n = base[:SHEET_NAME_LENGTH], 1
    while title.casefold() in taken:
        n += 1
        suffix = f"（{n}）"
        title = base[: SHEET_NAME_LENGTH - len(suffix)] + suffix
    taken.add(title.casefold())
    return title


def write_xlsx(rows: Iterable[Sequence], out, title: str = "Sheet1") -> int:
    """Rows into a workbook saved to `out` (a path or a binary file), streamed row by row to a
    temporary file so memory stays flat however many rows come; the header row is bold. Returns
    the number of rows written."""
    return write_workbook([(title, rows)], out)


def write_workbook(sheets: Iterable[tuple[str, Iterable[Sequence]]], out) -> int:
    """Several sheets, each (title, rows with the header first), into one workbook saved to `out`
    (a path or a binary file). Text always stays text (inline strings: a value starting with = is
    never a formula); dates are Excel dates; the header row is bold.

    The sheets' XML is written here, row by row straight into the zip: the general workbook
    libraries spend several microseconds per cell (XlsxWriter 7 µs, 2 s for the demo's 23,000
    consultations), this about one. The yearly report's formatted workbook still uses openpyxl."""
    titles: list[str] = []
    taken: set[str] = set()
    count = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        for number, (title, rows) in enumerate(sheets, start=1):
            titles.append(sheet_title(title, taken))
            with package.open(f"xl/worksheets/sheet{number}.xml", "w", force_zip64=True) as sheet:
                count += _write_sheet(sheet, rows)
        for name, text in _package_parts(titles).items():
            package.writestr(name, text)
    return count


# Cell styles of the package's styles.xml, by position in cellXfs.
_BOLD, _DATE, _DATETIME, _TIME = 1, 2, 3, 4
_EPOCH = dt.datetime(1899, 12, 30)  # noqa: DTZ001 - Excel serial dates count naive local days
_SPACES = " \t\n\r\u3000"  # kept at either end of a text only when marked so
_PRESERVE = ' xml:space="preserve"'
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_WIDTHS = {dt.datetime: 17, dt.date: 11, dt.time: 6}  # what Excel needs to show them, not ###
SAMPLED_ROWS = 200  # rows whose contents set the column widths


def _column_widths(rows: list[Sequence]) -> list[float]:
    """Widths that fit the header and the first rows (a date never shows as ###)."""
    widths: list[float] = []
    for row in rows:
        for index, value in enumerate(row):
            if index == len(widths):
                widths.append(6)
            if value is None:
                continue
            width = _WIDTHS.get(type(value)) or min(display_width(str(value)) + 2, COLUMN_MAX)
            widths[index] = max(widths[index], width)
    return widths


def _write_sheet(sheet, rows: Iterable[Sequence]) -> int:
    rows = iter(rows)
    first = list(itertools.islice(rows, SAMPLED_ROWS))
    columns: list[str] = []
    widths = "".join(
        f'<col min="{n}" max="{n}" width="{width}" customWidth="1"/>'
        for n, width in enumerate(_column_widths(first), start=1)
    )
    chunk: list[str] = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + (f"<cols>{widths}</cols>" if widths else "")
        + "<sheetData>"
    ]
    rows = itertools.chain(first, rows)
    count = 0
    not_xml = _NOT_XML.search
    for count, row in enumerate(rows, start=1):
        while len(columns) < len(row):
            columns.append(_column_letters(len(columns)))
        style = f' s="{_BOLD}"' if count == 1 else ""
        cells = [f'<row r="{count}">']
        for column, value in zip(columns, row, strict=False):
            if value is None:
                continue
            if type(value) is not str:  # most cells are text: the others are written by _cell
                if (written := _cell(f"{column}{count}", value, count == 1)) is not None:
                    cells.append(written)
                    continue
                value = str(value)
            if value:
                if not_xml(value):
                    value = _NOT_XML.sub("", value)
                    if not value:
                        continue
                text = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                space = _PRESERVE if text[0] in _SPACES or text[-1] in _SPACES else ""
                cells.append(f'<c r="{column}{count}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>')
        cells.append("</row>")
        chunk.append("".join(cells))
        if len(chunk) >= 500:
            sheet.write("".join(chunk).encode())
            chunk = []
    chunk.append("</sheetData></worksheet>")
    sheet.write("".join(chunk).encode())
    return count


def _cell(ref: str, value, bold: bool) -> str | None:
    """A cell of a value that is not text (a number, a truth value, a date or time); None: the
    value is written as its text (anything else, and numbers Excel cannot hold, such as NaN)."""
    style = f' s="{_BOLD}"' if bold else ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float | Decimal):
        return f'<c r="{ref}"{style}><v>{value}</v></c>' if math.isfinite(value) else None
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(value)
        days = (value - _EPOCH).total_seconds() / 86400
        return f'<c r="{ref}" s="{_BOLD if bold else _DATETIME}"><v>{days!r}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="{_BOLD if bold else _DATE}"><v>{(value - _EPOCH.date()).days}</v></c>'
    if isinstance(value, dt.time):
        seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
        return f'<c r="{ref}" s="{_BOLD if bold else _TIME}"><v>{seconds / 86400!r}</v></c>'
    return None


def _package_parts(titles: list[str]) -> dict[str, str]:
    """Everything of the package but the sheets: content types, relations, workbook, styles."""
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    relations = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006/relationships"
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    numbers = range(1, len(titles) + 1)
    escaped = [html.escape(title, quote=True) for title in titles]
    return {
        "[Content_Types].xml": head
        + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{sheet_type}"/>' for n in numbers
        )
        + "</Types>",
        "_rels/.rels": head + f'<Relationships xmlns="{package}"><Relationship Id="rId1" '
        f'Type="{relations}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": head
        + f'<workbook xmlns="{main}" xmlns:r="{relations}"><sheets>'
        + "".join(
            f'<sheet name="{title}" sheetId="{n}" r:id="rId{n}"/>'
            for n, title in zip(numbers, escaped, strict=True)
        )
        + "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": head
        + f'<Relationships xmlns="{package}">'
        + "".join(
            f'<Relationship Id="rId{n}" Type="{relations}/worksheet" Target="worksheets/sheet{n}.xml"/>'
            for n in numbers
        )
        + f'<Relationship Id="rId{len(titles) + 1}" Type="{relations}/styles" Target="styles.xml"/>'
        "</Relationships>",
        "xl/styles.xml": head + f'<styleSheet xmlns="{main}">'
        '<numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
        '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/><numFmt numFmtId="166" formatCode="hh:mm"/></numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>",
    }


def render_xlsx(rows: Iterable[Sequence], title: str = "Sheet1") -> bytes:
    buffer = io.BytesIO()
    write_xlsx(rows, buffer, title)
    return buffer.getvalue()


def download_response(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    """A file download; the (Japanese) file name survives every browser."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def export_response(
    rows: Iterable[Sequence], *, filename: str, fmt: str, title: str = "Sheet1"
) -> HttpResponse:
    if fmt == "xlsx":
        return download_response(
            render_xlsx(rows, title), filename=f"{filename}.xlsx", content_type=XLSX_TYPE
        )
    return download_response(
        render_csv(rows), filename=f"{filename}.csv", content_type="text/csv; charset=utf-8"
    )


def display_width(text: str) -> int:
    """Columns a line takes in a spreadsheet: full-width (and ambiguous) characters count double."""
    return sum(2 if unicodedata.east_asian_width(ch) in "FWA" else 1 for ch in text)


PRINT_WIDTH = 98  # column width units that print across A4 landscape at 9 pt or more
UNBREAKABLE = re.compile(r"[0-9/:.\-]{1,16}")
COLUMN_MAX = 48


def print_on_a4_landscape(
    sheet, *, pages_high: int, header: Sequence[str], footer: Sequence[str], size: float, font: str = ""
) -> None:
    """A sheet's print setup: A4 landscape, every column on the page width, `pages_high` pages
    down (0: as many as needed), header and footer as (left, center, right) texts."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = pages_high
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    for parts, texts in (
        ((sheet.oddHeader.left, sheet.oddHeader.center, sheet.oddHeader.right), header),
        ((sheet.oddFooter.left, sheet.oddFooter.center, sheet.oddFooter.right), footer),
    ):
        for part, text in zip(parts, texts, strict=True):
            if text:
                part.text = text
                part.size = size
                if font:
                    part.font = font


def write_printable_workbook(
    sheets: Iterable[tuple[str, Iterable[Sequence]]], out, *, header: str, printed_on: dt.date
) -> None:
    """Sheets for paper (a 開示請求 file): each prints on A4 landscape, all columns on one page
    width (never split), the header row repeated on every page, long text wrapped inside its
    column, dates whole, 取扱注意 and page numbers on every page, text at 9 pt or more."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    for title, rows in sheets:
        rows = [list(row) for row in rows]
        sheet = workbook.create_sheet(sheet_title(title, taken))
        columns = max((len(row) for row in rows), default=1)
        widths, minimum, used = [6] * columns, [6] * columns, [False] * columns
        for r, row in enumerate(rows):
            for index, value in enumerate(row):
                text = str(value if value is not None else "")
                longest = max((display_width(line) for line in text.splitlines()), default=0)
                if r == 0:  # a heading wraps rather than widen its column
                    widths[index] = max(widths[index], min(longest + 1, 10))
                    continue
                used[index] = used[index] or bool(text)
                widths[index] = max(widths[index], min(longest + 1, COLUMN_MAX))
                minimum[index] = max(minimum[index], min(longest + 1, 10))
                if UNBREAKABLE.fullmatch(text):  # dates, times and numbers stay whole
                    minimum[index] = max(minimum[index], len(text) + 1)
        # a column empty on every row is hidden: it prints nothing and leaves room for the text
        widths = [w if used[i] or len(rows) < 2 else 0 for i, w in enumerate(widths)]
        while sum(widths) > PRINT_WIDTH:  # the widest columns wrap first
            shrinkable = [i for i, w in enumerate(widths) if w > minimum[i]]
            if not shrinkable:
                break
            widths[max(shrinkable, key=lambda i: widths[i])] -= 1
        for index, width in enumerate(widths, start=1):
            dimension = sheet.column_dimensions[get_column_letter(index)]
            dimension.width = width + 1
            dimension.hidden = width == 0
        for r, row in enumerate(rows, start=1):
            lines = 1
            for c, value in enumerate(row, start=1):
                cell = write_cell(sheet, r, c, value)
                cell.alignment = wrap
                if r == 1:
                    cell.font = bold
                wrapped = sum(
                    max(1, -(-display_width(line) // max(widths[c - 1] - 1, 1))) if widths[c - 1] else 1
                    for line in str(value if value is not None else "").splitlines() or [""]
                )
                lines = max(lines, wrapped)
            sheet.row_dimensions[r].height = 15 * lines + 2  # every wrapped line shows
        sheet.print_title_rows = "1:1"
        print_on_a4_landscape(
            sheet,
            pages_high=0,  # as many pages down as the rows need
            header=(header, "取扱注意", sheet.title),
            footer=("", "&P / &N", f"作成日 {printed_on:%Y/%m/%d}"),
            size=10,
        )
    workbook.save(out)
