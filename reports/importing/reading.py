"""Reading an uploaded table: CSV (UTF-8 with or without BOM, or Shift_JIS/cp932) or XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
import zipfile
from dataclasses import dataclass

# An .xlsx is a zip: refuse files that would unpack to something absurd (a zip bomb).
MAX_UNPACKED_BYTES = 300 * 1024 * 1024
MAX_ROWS = 2_000_000


class ReadError(ValueError):
    """The file as a whole cannot be read (message in Japanese)."""


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list]]  # (row number as Excel shows it, values in header order)


def normalize_header(text) -> str:
    return unicodedata.normalize("NFKC", str(text or "")).strip().replace(" ", "").replace("\u3000", "")


def read_table(content: bytes, filename: str) -> Table:
    name = filename.lower()
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
    rows = []
    try:
        for number, values in enumerate(reader, start=2):
            if any(v.strip() for v in values):
                rows.append((number, values))
            if len(rows) > MAX_ROWS:
                raise ReadError(f"行数が多すぎます（{MAX_ROWS:,}行まで）")
    except csv.Error as exc:
        raise ReadError(f"CSVとして読めません（{reader.line_num}行目付近）: {exc}") from exc
    return Table(headers=headers, rows=rows)


def _read_xlsx(content: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise ReadError("ファイルの展開後のサイズが大きすぎます")
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except ReadError:
        raise
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ReadError("Excelファイルとして読めません（.xlsx 形式で保存してください）") from exc
    sheet = workbook.worksheets[0]
    rows_iter = sheet.iter_rows(values_only=True)
    try:
        headers = [cell for cell in next(rows_iter)]
    except StopIteration as exc:
        raise ReadError("ファイルが空です") from exc
    while headers and headers[-1] in (None, ""):
        headers.pop()
    rows = []
    for number, values in enumerate(rows_iter, start=2):
        values = [_cell(v) for v in values]
        if any(v != "" for v in values):
            rows.append((number, values))
        if len(rows) > MAX_ROWS:
            raise ReadError(f"行数が多すぎます（{MAX_ROWS:,}行まで）")
    workbook.close()
    return Table(headers=[str(h or "") for h in headers], rows=rows)


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time(0) else value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dt.time | dt.date):
        return value
    return str(value)
