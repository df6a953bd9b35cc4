"""The yearly workbook as the prefecture will print it: rendered to PDF by LibreOffice (headless),
every sheet is one A4 landscape page holding its title, nothing smaller than 9 pt.
A PNG of page 1 is kept next to the PDF in the test's temporary folder, to look at."""

import os
import shutil
import subprocess

import pytest

from reports.queries import Scope
from reports.tables import build_report
from reports.xlsx import render_workbook
from tests.exchange.test_round_trip import everything  # noqa: F401  (the demo data and more)

pymupdf = pytest.importorskip("pymupdf")


def soffice() -> str:
    binary = shutil.which("soffice")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is missing: `make test` installs Debian's libreoffice-calc")
        pytest.skip("LibreOffice is not installed (`make test` installs it)")
    return binary


def to_pdf(workbook: bytes, folder) -> "pymupdf.Document":
    source = folder / "report.xlsx"
    source.write_bytes(workbook)
    profile = folder / "profile"
    subprocess.run(
        [soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return pymupdf.open(folder / "report.pdf")


def spans(page):
    for block in page.get_text("dict")["blocks"]:
        for line in block.get("lines", []):
            for span in line["spans"]:
                if span["text"].strip():
                    yield span


def test_every_sheet_prints_on_one_readable_a4_landscape_page(everything, tmp_path):  # noqa: F811
    report = build_report(Scope(fiscal_year=2024))
    pdf = to_pdf(render_workbook(report), tmp_path)
    assert pdf.page_count == len(report.tables)
    for page, table in zip(pdf, report.tables, strict=True):
        width, height = page.rect.width, page.rect.height
        assert (round(width), round(height)) == (842, 595), f"{table.sheet}: not A4 landscape"
        text = page.get_text()
        assert table.title in text.replace("\n", ""), f"page of {table.sheet} lacks its title"
        smallest = min(span["size"] for span in spans(page))
        assert smallest >= 9.0, f"{table.sheet}: text at {smallest:.1f} pt"
    pdf[0].get_pixmap(dpi=80).save(tmp_path / "page1.png")


def test_ten_years_of_days_in_every_municipality_print_at_9_pt_or_more(master_data, tmp_path):
    """A long sheet (市町村相談会 with a row for every municipality) runs over several pages, each
    headed by its title, rather than shrinking under 9 pt; the footer's date reads 2026/12/05."""
    import datetime as dt

    from hikikomori.models import Municipality, Office
    from outreach.models import HostType, MunicipalDay

    center = Office.objects.order_by("sort_order").first()
    hosts = list(HostType)
    MunicipalDay.objects.bulk_create(
        MunicipalDay(
            date=dt.date(fy, 4 + i % 9, 1 + i % 27), municipality=m, office=center,
            host_type=hosts[(fy + i) % 3], reserved=1, consulted=1,
        )
        for fy in range(2016, 2026)
        for i, m in enumerate(Municipality.objects.order_by("code"))
    )  # fmt: skip
    report = build_report(Scope(fiscal_year=2025))
    pdf = to_pdf(render_workbook(report, made_on=dt.date(2026, 12, 5)), tmp_path)
    titles = [table.title for table in report.tables]
    municipal = next(t for t in report.tables if t.sheet == "市町村相談会")
    assert len(municipal.rows) > 60
    assert pdf.page_count > len(report.tables)  # the long sheet took more than one page
    pages_of_municipal = 0
    for number, page in enumerate(pdf, start=1):
        assert (round(page.rect.width), round(page.rect.height)) == (842, 595)
        text = page.get_text().replace("\n", "")
        assert any(title in text for title in titles), f"page {number} has no title"
        pages_of_municipal += municipal.title in text
        assert "作成日 2026/12/05" in text, f"page {number}: {text[-60:]}"
        smallest = min(span["size"] for span in spans(page))
        assert smallest >= 9.0, f"page {number}: text at {smallest:.1f} pt"
    assert pages_of_municipal > 1
    for number in range(pdf.page_count):
        pdf[number].get_pixmap(dpi=60).save(tmp_path / f"page{number + 1}.png")
