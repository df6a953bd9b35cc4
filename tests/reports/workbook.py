"""Reading a report workbook the way external tools do: by labels, never by cell address."""

import io

from openpyxl import load_workbook


def open_workbook(content: bytes):
    return load_workbook(io.BytesIO(content))


def read_sheet(workbook, name: str, labels: int = 1) -> dict:
    """{(row labels...): {column header: value}} plus the title, found by the header's labels."""
    sheet = workbook[name]
    rows = list(sheet.iter_rows())
    header_index = next(
        i for i, row in enumerate(rows) if row[0].value in ("区分", "地域", "年度", "プログラム", "管轄")
    )
    header = [c.value for c in rows[header_index] if c.value is not None]
    table = {"_title": sheet["A1"].value, "_header": header, "_cells": {}}
    for row in rows[header_index + 1 :]:
        if row[0].value is None or str(row[0].value).startswith("注"):
            break
        key = tuple(c.value for c in row[:labels])
        table[key if labels > 1 else key[0]] = {h: row[i].value for i, h in enumerate(header) if i >= labels}
        table["_cells"][key if labels > 1 else key[0]] = {
            h: row[i] for i, h in enumerate(header) if i >= labels
        }
    return table
