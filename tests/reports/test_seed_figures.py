"""The seed document's table (Fukuoka, 相談延件数の推移 R2–R6), imported and found in the workbook."""

import datetime as dt

import pytest
from django.core.management import call_command

from tests.exchange.importing import CONSULTATION_HEADER, csv_bytes
from tests.reports.workbook import open_workbook, read_sheet

# From ../shared/seeds/000_…txt: R2年度 … R6年度（4～12月）
SEED = {
    2020: {"電話": 2175, "来所": 472, "訪問": 72, "オンライン": 2},
    2021: {"電話": 3607, "来所": 746, "訪問": 319, "オンライン": 8},
    2022: {"電話": 4788, "来所": 1018, "訪問": 469, "オンライン": 16},
    2023: {"電話": 4223, "来所": 966, "訪問": 575, "オンライン": 18},
    2024: {"電話": 3230, "来所": 714, "訪問": 555, "オンライン": 10},
}
TOTALS = {2020: 2721, 2021: 4680, 2022: 6291, 2023: 5782, 2024: 4509}
RATIOS = {2020: 2.6, 2021: 6.8, 2022: 7.5, 2023: 9.9, 2024: 12.3}
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
