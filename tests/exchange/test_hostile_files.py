"""Uploads cannot stall the server: declared sizes, padded rows, zip bombs, absurd headers,
floods of errors and oversize requests are refused clearly and quickly."""

import io
import signal
import zipfile
from contextlib import contextmanager

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from exchange.importing.reading import MAX_COLUMNS, MAX_ROWS, ReadError, read_table
from exchange.importing.runner import run_import
from exchange.models import PendingImport
from tests.exchange.importing import CLIENT_HEADER, csv_bytes, xlsx_bytes

CENTER = "福岡県ひきこもり地域支援センター"


@contextmanager
def bounded(seconds=20):
    """Fail (instead of hanging CI for half an hour) when reading a file does not finish."""

    def expire(signum, frame):
        raise TimeoutError(f"reading took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def rewrite_part(xlsx: bytes, part: str, change) -> bytes:
    """The workbook with one part changed (or added, from an empty one)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info.filename, change(data) if info.filename == part else data)
        if part not in source.namelist():
            target.writestr(part, change(b""))
    return out.getvalue()


def test_a_sheet_declaring_every_cell_of_excel_reads_only_what_it_holds():
    small = xlsx_bytes([CLIENT_HEADER, ["K-1", "山田 太郎"] + [""] * 8])
    import re

    huge = rewrite_part(
        small,
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:XFD1048576"/>', xml),
    )
    assert b"XFD1048576" in zipfile.ZipFile(io.BytesIO(huge)).read("xl/worksheets/sheet1.xml")
    with bounded():
        table = read_table(huge, "clients.xlsx")
    assert table.headers == CLIENT_HEADER
    assert [number for number, _ in table.rows] == [2] and len(table.rows[0][1]) == len(CLIENT_HEADER)


def test_empty_rows_count_toward_the_row_limit():
    with bounded(), pytest.raises(ReadError, match="空の行も含めて"):
        read_table(("見出し\r\n" + "\r\n" * (MAX_ROWS + 1)).encode(), "x.csv")
    far = xlsx_bytes([CLIENT_HEADER])
    far = rewrite_part(
        far,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(
            b"</sheetData>",
            f'<row r="{MAX_ROWS + 5}"><c r="A{MAX_ROWS + 5}" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'.encode(),
        ),
    )
    with bounded(), pytest.raises(ReadError, match="行数が多すぎます"):
        read_table(far, "x.xlsx")


def test_a_shared_strings_bomb_is_refused_before_it_is_unpacked():
    small = xlsx_bytes([CLIENT_HEADER, ["K-1", "山田 太郎"]])
    bomb = rewrite_part(
        small,
        "xl/sharedStrings.xml",
        lambda xml: b"<sst><si><t>" + b"a" * (60 * 1024 * 1024) + b"</t></si></sst>",
    )
    assert len(bomb) < 1024 * 1024
    with bounded(), pytest.raises(ReadError, match="展開後のサイズが大きすぎます"):
        read_table(bomb, "x.xlsx")


def test_a_header_with_a_million_cells_is_refused_in_one_line(master_data):
    content = (",".join(["列"] * 1_000_000) + "\r\n").encode()
    with bounded():
        result = run_import(kind="clients", content=content, file_name="x.csv", dry_run=True)
    assert result.error_lines() == [
        f"列が多すぎます（{MAX_COLUMNS}列まで）。1行目には取り込む列の見出しだけを置いてください"
    ]


def test_a_flood_of_errors_shows_the_first_two_hundred_and_how_many_more(supervisor_client, master_data):
    rows = [CLIENT_HEADER] + [[f"K-{i}", "", "", "男性", "", "", CENTER, "", "", ""] for i in range(250)]
    file = SimpleUploadedFile("clients.csv", csv_bytes(rows), content_type="text/csv")
    response = supervisor_client.post(reverse("exchange:import"), {"kind": "clients", "file": file})
    html = response.content.decode()
    assert html.count("<li>行 ") == 200
    assert "ほか 50 件" in html


def test_an_oversize_request_is_refused_before_its_body_is_read(supervisor_client, client, master_data):
    """The declared length decides: a 413 with a Japanese message, the body left unread."""

    class Unreadable(io.BytesIO):
        def read(self, *args, **kwargs):
            raise AssertionError("the body was read")

    for http, path, size in [
        (client, reverse("login"), 2 * 1024**3),
        (supervisor_client, reverse("exchange:import"), 60 * 1024**2),
    ]:
        response = http.generic(
            "POST",
            path,
            data=b"",
            content_type="multipart/form-data; boundary=x",
            CONTENT_LENGTH=str(size),
            **{"wsgi.input": Unreadable()},
        )
        assert response.status_code == 413
        assert "送信されたデータが大きすぎるため、受け付けませんでした" in response.content.decode()
    assert not PendingImport.objects.exists()
