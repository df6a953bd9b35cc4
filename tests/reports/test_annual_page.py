"""年次報告 page: tables, download (logged), finalize and the figures that changed since."""

import pytest
from django.urls import reverse
from django.utils import timezone

from hikikomori.models import AuditEvent
from reports.models import FinalizedReport
from tests.records import make_consultation
from tests.reports.workbook import open_workbook, read_sheet

URL = reverse("reports:annual")


@pytest.fixture
def calls(center):
    make_consultation(center, "2024-05-01", "電話")
    make_consultation(center, "2024-06-01", "訪問", consulter="本人")


def test_the_page_shows_every_table_and_its_notes(supervisor_client, calls):
    html = supervisor_client.get(URL, {"fy": "2024"}).content.decode()
    for sheet in [
        "相談延件数（月別）",
        "相談延件数（推移）",
        "相談実件数",
        "居住地域別割合",
        "新規面談者",
        "継続支援期間",
        "フリースペース",
        "家族のつどい",
        "参加者の年代",
        "市町村相談会",
        "市町村相談会（実績）",
    ]:
        assert f'data-sheet="{sheet}"' in html
    assert "50.0%" in html  # 訪問支援の割合 of the year
    assert "注（D3）" in html
    assert 'id="report-charts" type="application/json"' in html


def test_an_as_of_before_the_year_is_refused_with_a_message(supervisor_client, calls):
    response = supervisor_client.get(URL, {"fy": "2024", "as_of": "2024/3/31"})
    assert "集計基準日は年度の開始日" in response.content.decode()
    assert "report" not in response.context


def test_the_download_is_the_same_workbook_and_is_logged(supervisor_client, supervisor, calls):
    response = supervisor_client.get(
        reverse("reports:annual_download"), {"fy": "2024", "as_of": "2024-12-31"}
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    months = read_sheet(open_workbook(response.content), "相談延件数（月別）")
    assert months["_title"] == "令和6年度（4～12月） 相談延件数（月別）"
    assert months["合計"]["合計"] == 2
    assert AuditEvent.objects.filter(action="export", target="annual_report", user=supervisor).exists()


def test_a_finalized_report_keeps_its_workbook_and_shows_later_changes(
    supervisor_client, supervisor, center, calls
):
    supervisor_client.post(reverse("reports:annual_finalize"), {"fy": "2024", "query": "fy=2024"})
    finalized = FinalizedReport.objects.get()
    assert (finalized.by, finalized.label) == (supervisor, "令和6年度")
    page = supervisor_client.get(URL, {"fy": "2024"})
    assert page.context["differences"] == []
    make_consultation(center, "2024-07-01", "電話")  # a late entry for the finalized year
    page = supervisor_client.get(URL, {"fy": "2024"})
    changed = {(d.sheet, d.row, d.column): (d.finalized, d.current) for d in page.context["differences"]}
    assert changed[("相談延件数（月別）", "電話", "合計")] == (1, 2)
    assert changed[("相談延件数（月別）", "合計", "7月")] == (0, 1)
    assert "か所の数値が変わっています" in page.content.decode()
    stored = supervisor_client.get(reverse("reports:finalized_download", args=[finalized.pk]))
    assert read_sheet(open_workbook(stored.content), "相談延件数（月別）")["電話"]["合計"] == 1


def test_coordinators_and_admins_cannot_see_the_report(coordinator_client, admin_client_):
    assert coordinator_client.get(URL).status_code == 403
    assert admin_client_.get(reverse("reports:annual_download"), {"fy": "2024"}).status_code == 403


def test_finalizing_asks_first_and_finalizing_again_needs_a_reason_and_keeps_every_version(
    supervisor_client, supervisor, center, calls
):
    from urllib.parse import unquote

    url = reverse("reports:annual_finalize")
    confirm = supervisor_client.get(url, {"fy": "2024"})
    assert confirm.status_code == 200 and "確定する" in confirm.content.decode()
    assert not FinalizedReport.objects.exists()  # opening the page stores nothing
    supervisor_client.post(url, {"fy": "2024"})
    make_consultation(center, "2024-07-01", "電話")
    again = supervisor_client.get(url, {"fy": "2024"}).content.decode()
    assert "すでに 1 回確定されています" in again and "確定し直す" in again
    refused = supervisor_client.post(url, {"fy": "2024", "reason": ""})
    assert refused.status_code == 400 and "確定し直す理由を入力してください" in refused.content.decode()
    assert FinalizedReport.objects.count() == 1
    supervisor_client.post(url, {"fy": "2024", "reason": "7月の電話相談の入力漏れを追加"})
    first, second = FinalizedReport.objects.order_by("version")
    assert (first.version, second.version, second.reason) == (1, 2, "7月の電話相談の入力漏れを追加")
    assert read_sheet(open_workbook(bytes(first.workbook)), "相談延件数（月別）")["電話"]["合計"] == 1
    assert read_sheet(open_workbook(bytes(second.workbook)), "相談延件数（月別）")["電話"]["合計"] == 2
    events = AuditEvent.objects.filter(action="finalize").order_by("id")
    assert [e.detail["version"] for e in events] == [1, 2] and events[1].detail["replaces"] == first.pk
    assert second.reason not in str(events[1].detail)  # the reason stays with the finalized version
    page = supervisor_client.get(URL, {"fy": "2024"}).content.decode()
    assert "第2版" in page and "第1版" in page and "7月の電話相談の入力漏れを追加" in page
    date = timezone.localtime(second.at).strftime("%Y-%m-%d")
    names = [
        unquote(
            supervisor_client.get(reverse("reports:finalized_download", args=[v.pk]))["Content-Disposition"]
        )
        for v in (first, second)
    ]
    assert names[0].endswith(f"年次報告_令和6年度_確定_{date}.xlsx")
    assert names[1].endswith(f"年次報告_令和6年度_確定_{date}_第2版.xlsx")


def test_the_drift_table_uses_the_tables_formats_and_names_the_version(supervisor_client, center, calls):
    supervisor_client.post(reverse("reports:annual_finalize"), {"fy": "2024"})
    for day in range(1, 12):
        make_consultation(center, f"2024-07-{day:02d}", "電話")
    make_consultation(center, "2024-07-15", "訪問")
    page = supervisor_client.get(URL, {"fy": "2024"})
    html = page.content.decode()
    assert "第1版（最新の確定版）と比べて" in html
    rows = {
        (d.sheet, d.row, d.column): (d.finalized_text, d.current_text) for d in page.context["differences"]
    }
    old, new = rows[("相談延件数（月別）", "訪問支援の割合", "合計")]
    assert old.endswith("%") and new.endswith("%") and "." in new and len(new) <= 6
    assert rows[("相談延件数（月別）", "合計", "合計")][1].replace(",", "").isdigit()
