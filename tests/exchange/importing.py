"""Helpers: write import files the way users' tools do."""

import io

from django.core.management import call_command
from openpyxl import Workbook


def csv_bytes(rows, encoding="utf-8-sig") -> bytes:
    text = "\r\n".join(",".join(str(v) for v in row) for row in rows) + "\r\n"
    return text.encode(encoding)


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def import_file(tmp_path, kind, rows, *, name=None, encoding="utf-8-sig", dry_run=False, xlsx=False):
    """Run the command; returns (exit code, stdout, stderr)."""
    path = tmp_path / (name or f"{kind}.{'xlsx' if xlsx else 'csv'}")
    path.write_bytes(xlsx_bytes(rows) if xlsx else csv_bytes(rows, encoding))
    out, err = io.StringIO(), io.StringIO()
    args = [kind, str(path)] + (["--dry-run"] if dry_run else [])
    try:
        call_command("import_records", *args, stdout=out, stderr=err)
        code = 0
    except Exception as exc:  # CommandError: the command exits non-zero
        err.write(str(exc))
        code = 1
    return code, out.getvalue(), err.getvalue()


CLIENT_HEADER = [
    "ケース番号",
    "氏名",
    "フリガナ",
    "性別",
    "生年月日",
    "居住市町村",
    "担当拠点",
    "相談経路",
    "ひきこもり期間",
    "登録日",
]
CONSULTATION_HEADER = [
    "記録番号",
    "相談日",
    "拠点",
    "相談方法",
    "相談者",
    "ケース番号",
    "担当者",
    "所要時間（分）",
    "内容",
]
