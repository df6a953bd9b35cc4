"""終結の状況 (an extra sheet): clients closed in the year and still closed, by where they went,
with the つなぎ先 broken down; per office by the client's office; cut by the as-of date."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from cases import services
from cases.models import ReferralDestination
from reports.queries import Scope
from reports.tables import build_report
from reports.xlsx import render_workbook
from tests.records import make_client


@pytest.fixture
def closed(center, chikuho, supervisor):
    def close(office, number, on, route="", destination=None):
        client = make_client(office, number, f"終結 {number}", registered_on=dt.date(2023, 4, 1))
        services.client_close(
            by=supervisor,
            client=client,
            status="終結",
            closed_on=on,
            reason=None,
            exit_route=route or "その他",
            exit_destination=destination,
        )
        if not route:  # an imported closure without its destination
            type(client).objects.filter(pk=client.pk).update(exit_route="")
        return client

    hello_work = ReferralDestination.objects.get(label="ハローワーク")
    close(center, "C-1", dt.date(2024, 5, 1), "就労")
    close(chikuho, "K-1", dt.date(2025, 3, 31), "つなぎ先", hello_work)
    close(center, "C-2", dt.date(2025, 4, 1), "就学")  # the next year
    close(center, "C-3", dt.date(2024, 6, 1))  # 不明
    reopened = close(center, "C-4", dt.date(2024, 7, 1), "居場所")
    services.client_reopen(by=supervisor, client=reopened, reason="再び相談")
    suspended = make_client(center, "C-5", "中断 五郎", registered_on=dt.date(2023, 4, 1))
    services.client_close(
        by=supervisor, client=suspended, status="中断", closed_on=dt.date(2024, 8, 1), reason=None
    )


def _rows(scope):
    table = build_report(scope).table("終結の状況")
    return {(row[0], row[1]): (row[2], row[3]) for row in table.rows}


def test_closures_of_the_year_are_counted_by_where_the_person_went(closed):
    rows = _rows(Scope(fiscal_year=2024))
    assert rows[("合計", "合計")][0] == 3
    assert rows[("終結後の行き先", "就労")][0] == 1
    assert rows[("終結後の行き先", "つなぎ先")][0] == 1
    assert rows[("終結後の行き先", "不明")][0] == 1
    assert rows[("終結後の行き先", "居場所")][0] == 0  # reopened: no longer closed
    assert rows[("つなぎ先の内訳", "ハローワーク")][0] == 1
    assert float(rows[("終結後の行き先", "就労")][1]) == pytest.approx(1 / 3)


def test_one_office_counts_its_own_clients_and_the_as_of_date_cuts_the_year(closed, chikuho):
    assert _rows(Scope(fiscal_year=2024, office=chikuho))[("合計", "合計")][0] == 1
    assert _rows(Scope(fiscal_year=2024, as_of=dt.date(2025, 3, 30)))[("合計", "合計")][0] == 2
    assert _rows(Scope(fiscal_year=2025))[("終結後の行き先", "就学")][0] == 1


def test_the_workbook_gains_the_sheet_after_the_specs_ones(closed):
    book = load_workbook(io.BytesIO(render_workbook(build_report(Scope(fiscal_year=2024)))))
    assert book.sheetnames[-1] == "終結の状況"
    assert book.sheetnames.index("相談延件数（月別）") == 0
    sheet = book["終結の状況"]
    header = next(row for row in sheet.iter_rows(values_only=True) if row and row[0] == "区分")
    assert list(header[:4]) == ["区分", "項目", "人数", "割合"]
