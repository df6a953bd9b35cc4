"""Reading an uploaded table: CSV (UTF-8 with or without BOM, or Shift_JIS/cp932) or XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
import zipfile
from dataclasses import dataclass

# An .xlsx is a zip: refuse files that would unpack to something absurd (a zip bomb). openpyxl
# holds every shared string in memory, so their part has a limit of its own.
MAX_UNPACKED_BYTES = 120 * 1024 * 1024
MAX_SHARED_STRINGS_BYTES = 48 * 1024 * 1024
# Rows are counted whether empty or not, so a sheet padded with empty rows stops early.
MAX_ROWS = 300_000
MAX_COLUMNS = 50


class ReadError(ValueError):
    """The file as a whole cannot be read (message in Japanese)."""


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list]]  # (row number as Excel shows it, values in header order)


def normalize_header(text) -> str:
    return unicodedata.normalize("NFKC", str(text or "")).strip().replace(" ", "").replace("\u3000", "")


# Office's compound file: an old .xls, or an .xlsx saved with a password (Excel encrypts it into one).
COMPOUND_FILE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_table(content: bytes, filename: str) -> Table:
    name = filename.lower()
    if content.startswith(COMPOUND_FILE):
        raise ReadError(
            "パスワード付き、または古い形式（.xls）のExcelファイルです。パスワードを外し、"
            "「Excel ブック（.xlsx）」で保存し直してください"
        )
    if name.endswith(".xls"):
        raise ReadError(
            "古い形式（.xls）のファイルです。Excelで「Excel ブック（.xlsx）」として保存し直してください"
        )
    if name.endswith(".xlsx"):
        return _read_xlsx(content)
    if name.endswith(".csv") or name.endswith(".txt"):
        return _read_csv(content)
    raise ReadError("CSV（.csv）またはExcel（.xlsx）のファイルを指定してください")


def decode_csv(content: bytes) -> str:
    """UTF-8 (with or without BOM) or Shift_JIS/cp932 as Japanese Excel saves it."""
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp932")
    except UnicodeDecodeError as exc:
        raise ReadError("文字コードを判別できません（UTF-8 または Shift_JIS で保存してください）") from exc


def _read_csv(content: bytes) -> Table:
    reader = csv.reader(io.StringIO(decode_csv(content), newline=""))
    try:
        headers = next(reader)
    except StopIteration as exc:
        raise ReadError("ファイルが空です") from exc
    except csv.Error as exc:
        raise ReadError(f"CSVとして読めません: {exc}") from exc
    _check_columns(headers)
    rows = []
    try:
        for number, values in enumerate(reader, start=2):
            if number > MAX_ROWS + 1:
                raise ReadError(
                    f"行数が多すぎます（空の行も含めて{MAX_ROWS:,}行まで）。ファイルを分けて取り込んでください"
                )
            values = values[: MAX_COLUMNS + 1]
            if any(v.strip() for v in values):
                rows.append((number, values))
    except csv.Error as exc:
        raise ReadError(f"CSVとして読めません（{reader.line_num}行目付近）: {exc}") from exc
    return Table(headers=headers, rows=rows)


def _read_xlsx(content: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
            if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES or any(
                info.filename.lower().endswith("sharedstrings.xml")
                and info.file_size > MAX_SHARED_STRINGS_BYTES
                for info in infos
            ):
                raise ReadError("ファイルの展開後のサイズが大きすぎます。ファイルを分けて取り込んでください")
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        _know_japanese_date_formats(workbook)
    except ReadError:
        raise
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ReadError("Excelファイルとして読めません（.xlsx 形式で保存してください）") from exc
    sheet = workbook.worksheets[0]
    # The declared size (e.g. A1:XFD1048576) is the file's word, not its content: read only
    # the rows the file holds, and only as many columns as the header has.
    sheet.reset_dimensions()
    try:
        headers = list(next(sheet.iter_rows(max_row=1, max_col=MAX_COLUMNS + 1, values_only=True)))
    except StopIteration as exc:
        raise ReadError("ファイルが空です") from exc
    except Exception as exc:
        raise ReadError("Excelファイルとして読めません（.xlsx 形式で保存してください）") from exc
    while headers and headers[-1] in (None, ""):
        headers.pop()
    _check_columns(headers)
    rows = []
    try:
        for number, values in enumerate(
            sheet.iter_rows(min_row=2, max_col=max(len(headers), 1), values_only=True), start=2
        ):
            if number > MAX_ROWS + 1:
                raise ReadError(
                    f"行数が多すぎます（空の行も含めて{MAX_ROWS:,}行まで）。ファイルを分けて取り込んでください"
                )
            values = [_cell(v) for v in values]
            if any(v != "" for v in values):
                rows.append((number, values))
    except ReadError:
        raise
    except Exception as exc:
        raise ReadError("Excelファイルとして読めません（.xlsx 形式で保存してください）") from exc
    finally:
        workbook.close()
    return Table(headers=[str(h or "") for h in headers], rows=rows)


# Japanese Excel's built-in number formats that openpyxl does not know: 和暦 (ggge年m月d日,
# ge.m.d), yyyy年m月d日, m月d日, and times such as h時mm分 (ids 27–36 and 50–58). Cells with them
# hold a serial number that the user sees as a date or time.
JAPANESE_DATE_FORMAT_IDS = frozenset(range(27, 37)) | frozenset(range(50, 59))


def _know_japanese_date_formats(workbook) -> None:
    """Mark the cell styles using those formats as dates, as openpyxl does for the ones it knows
    (it reads `_date_formats` when it parses the sheet)."""
    for index, style in enumerate(getattr(workbook, "_cell_styles", [])):
        if style.numFmtId in JAPANESE_DATE_FORMAT_IDS:
            workbook._date_formats.add(index)


def _check_columns(headers) -> None:
    if len(headers) > MAX_COLUMNS:
        raise ReadError(
            f"列が多すぎます（{MAX_COLUMNS}列まで）。1行目には取り込む列の見出しだけを置いてください"
        )


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time(0) else value
    if isinstance(value, float):
        # A formula's cached value carries binary noise: 24.999999999999996 minutes is 25.
        value = round(value, 9)
        if value.is_integer():
            return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dt.time | dt.date):
        return value
    return str(value)
