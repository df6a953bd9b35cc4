"""The seed document's table (Fukuoka, 相談延件数の推移 R2–R6), imported and found in the workbook."""

import csv
import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.exchange.importing import CONSULTATION_HEADER, csv_bytes
from tests.reports.workbook import open_workbook, read_sheet

# The published figures, kept in the repository with their source: tests/reports/oracle/.
ORACLE = Path(__file__).resolve().parent / "oracle" / "fukuoka_trend_r2_r6.csv"
YEARS = [2020, 2021, 2022, 2023, 2024]


def _published() -> dict[str, list[float]]:
    lines = [
        line for line in ORACLE.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")
    ]
    rows = {row[0]: [float(v) for v in row[1:]] for row in csv.reader(lines[1:])}
    return rows


PUBLISHED = _published()
SEED = {
    year: {method: int(PUBLISHED[method][i]) for method in ("電話", "来所", "訪問", "オンライン")}
    for i, year in enumerate(YEARS)
}
TOTALS = {year: int(PUBLISHED["合計"][i]) for i, year in enumerate(YEARS)}
RATIOS = {year: PUBLISHED["（再掲）訪問支援の割合（%）"][i] for i, year in enumerate(YEARS)}
LABELS = {
    2020: "令和2年度",
    2021: "令和3年度",
    2022: "令和4年度",
    2023: "令和5年度",
    2024: "令和6年度（4～12月）",
}
OFFICES = ["福岡県ひきこもり地域支援センター", "筑豊サテライトオフィス", "筑後サテライトオフィス"]


def seed_rows():
    rows = [CONSULTATION_HEADER]
    for fiscal_year, counts in SEED.items():
        days = (
            dt.date(fiscal_year, 12, 31) if fiscal_year == 2024 else dt.date(fiscal_year + 1, 3, 31)
        ) - dt.date(fiscal_year, 4, 1)
        n = 0
        for method, count in counts.items():
            for i in range(count):
                day = dt.date(fiscal_year, 4, 1) + dt.timedelta(days=(n * 7919) % (days.days + 1))
                written = "訪問・同行" if method == "訪問" and i % 2 else method  # the import accepts both
                rows.append(
                    ["", f"{day.year}/{day.month}/{day.day}", OFFICES[n % 3], written, "家族", "", "", "", ""]
                )
                n += 1
    return rows


@pytest.mark.django_db
def test_the_seed_table_comes_out_of_the_workbook_figure_by_figure(tmp_path, master_data):
    source = tmp_path / "consultations.csv"
    source.write_bytes(csv_bytes(seed_rows(), "cp932"))
    call_command("import_records", "consultations", str(source))
    output = tmp_path / "report.xlsx"
    call_command(
        "export_annual_report", "--fiscal-year", "2024", "--as-of", "2024-12-31", "--output", str(output)
    )
    trend = read_sheet(open_workbook(output.read_bytes()), "相談延件数（推移）")
    assert trend["_header"] == ["区分", *LABELS.values()]
    for fiscal_year, label in LABELS.items():
        assert trend["電話"][label] == SEED[fiscal_year]["電話"]
        assert trend["来所"][label] == SEED[fiscal_year]["来所"]
        assert trend["訪問・同行"][label] == SEED[fiscal_year]["訪問"]
        assert trend["オンライン"][label] == SEED[fiscal_year]["オンライン"]
        assert trend["合計"][label] == TOTALS[fiscal_year]
        assert round(trend["訪問支援の割合"][label] * 100, 1) == RATIOS[fiscal_year]
        assert trend["_cells"]["訪問支援の割合"][label].number_format == "0.0%"
