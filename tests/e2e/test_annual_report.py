"""A supervisor opens 年次報告 for a fiscal year and downloads the workbook."""

import re
from pathlib import Path

from playwright.sync_api import expect

from tests.conftest import PASSWORD, current_token, totp_device
from tests.e2e.conftest import log_in
from tests.records import make_consultation
from tests.reports.workbook import open_workbook, read_sheet


def test_a_supervisor_opens_the_report_and_downloads_the_workbook(page, supervisor, center):
    make_consultation(center, "2024-05-01", "電話")
    make_consultation(center, "2024-05-02", "同行", consulter="本人")
    device = totp_device(supervisor)
    log_in(page, "super", PASSWORD)
    # Supervisors must pass two-factor login.
    expect(page.get_by_role("heading", name="2段階認証")).to_be_visible()
    page.get_by_label("確認コード（6桁）").fill(current_token(device))
    page.get_by_role("button", name="確認").click()
    page.get_by_role("link", name="年次報告").click()
    page.get_by_role("combobox", name=re.compile(r"^年度")).select_option(label="令和6年度")
    page.get_by_role("button", name="表示").click()
    table = page.locator('table[data-sheet="相談延件数（月別）"]')
    expect(table.get_by_role("row").filter(has_text="訪問支援の割合")).to_contain_text("50.0%")
    expect(page.locator("canvas").first).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excelダウンロード").click()
    download = download_info.value
    assert download.suggested_filename == "年次報告_令和6年度.xlsx"
    workbook = open_workbook(Path(download.path()).read_bytes())
    months = read_sheet(workbook, "相談延件数（月別）")
    assert months["電話"]["5月"] == 1
    assert months["訪問・同行"]["合計"] == 1


def test_the_report_form_fields_are_found_by_their_labels(page, supervisor):
    device = totp_device(supervisor)
    log_in(page, "super", PASSWORD)
    page.get_by_label("確認コード（6桁）").fill(current_token(device))
    page.get_by_role("button", name="確認").click()
    page.goto("/reports/annual/?fy=2024")
    for label in ["年度", "拠点"]:
        expect(page.get_by_label(label)).to_have_count(1)
    expect(page.get_by_role("link", name="Excelダウンロード")).to_have_count(1)


def test_the_report_prints_one_table_per_page_without_navigation(page, supervisor, center, tmp_path):
    import pymupdf

    for day, method in (("2024-05-01", "電話"), ("2024-06-03", "来所"), ("2024-07-10", "訪問")):
        make_consultation(center, day, method, consulter="本人")
    device = totp_device(supervisor)
    log_in(page, "super", PASSWORD)
    page.get_by_label("確認コード（6桁）").fill(current_token(device))
    page.get_by_role("button", name="確認").click()
    page.goto("/reports/annual/?fy=2024")
    expect(page.locator("canvas").first).to_be_visible()
    tables = page.locator("section.report-table").count()
    pdf = pymupdf.open(stream=page.pdf(format="A4", landscape=True, print_background=True), filetype="pdf")
    assert pdf.page_count == tables
    first = pdf[0].get_text()
    assert "令和6年度 相談延件数（月別）" in first.replace("\n", "")
    for label in ("Excelダウンロード", "ログアウト", "一括登録"):
        assert label not in "".join(p.get_text() for p in pdf), label
    for number in (0, 3):  # kept beside the test's files, to look at
        pdf[number].get_pixmap(dpi=60).save(tmp_path / f"print-page{number + 1}.png")
