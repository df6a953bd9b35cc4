"""相談記録 list: filters, totals, export of the filtered rows (logged), constant queries."""

import datetime as dt
import io

import openpyxl
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from cases.models import Consultation
from hikikomori.models import AuditEvent
from tests.records import make_client, make_consultation

LIST = reverse("cases:consultation_list")


def test_filters_by_period_method_and_consulter_with_totals(coordinator_client, coordinator, center):
    client = make_client(center)
    make_consultation(center, "2024-03-31", method="電話", client=client)
    make_consultation(
        center, "2024-04-01", method="訪問", client=client, consulter="本人", duration_minutes=60
    )
    make_consultation(
        center, "2024-04-02", method="同行", consulter="本人", client=client, duration_minutes=90
    )
    make_consultation(center, "2024-04-03", method="電話")
    response = coordinator_client.get(LIST, {"fiscal_year": "2024", "date_to": "2024/4/30"})
    assert response.context["totals"] == {"count": 3, "anonymous": 1, "visit_support": 2, "minutes": 150}
    response = coordinator_client.get(LIST, {"consulter": "本人", "fiscal_year": "all"})
    assert response.context["totals"]["count"] == 2
    response = coordinator_client.get(LIST, {"method": "電話", "anonymous": "true", "fiscal_year": "all"})
    assert [c.date.isoformat() for c in response.context["page"].object_list] == ["2024-04-03"]


def test_the_totals_equal_the_filtered_rows_whichever_filters_are_chosen(
    supervisor_client, satellite_client, coordinator, center, chikuho
):
    """Whole years, office, method, consulter and anonymity are totalled from the monthly counts,
    other filters from the rows: either way the figures are those of the rows listed."""
    client = make_client(center)
    make_consultation(center, "2023-04-10", method="電話", client=client, duration_minutes=15)
    make_consultation(
        center, "2024-03-31", method="訪問", client=client, consulter="本人", duration_minutes=40
    )
    make_consultation(
        center, "2024-04-01", method="同行", consulter="本人", client=client, staff=[coordinator]
    )
    make_consultation(chikuho, "2024-06-01", method="電話", duration_minutes=20)
    make_consultation(chikuho, "2024-07-01", method="訪問", consulter="家族")
    archived = make_consultation(center, "2024-05-01", method="訪問", duration_minutes=99)
    services.consultation_archive(by=coordinator, consultation=archived, reason="誤登録")
    choices = [
        {"fiscal_year": "all"},
        {"fiscal_year": "2023"},
        {"fiscal_year": "2024", "office": center.pk},
        {"fiscal_year": "all", "method": "訪問"},
        {"fiscal_year": "all", "consulter": "本人"},
        {"fiscal_year": "all", "anonymous": "true"},
        {"fiscal_year": "all", "anonymous": "false", "office": chikuho.pk},
        {"fiscal_year": "2024", "date_from": "2024/6/1"},
        {"fiscal_year": "all", "staff": coordinator.pk},
        {"fiscal_year": "all", "client": client.case_number},
    ]
    for http in (supervisor_client, satellite_client):
        for params in choices:
            response = http.get(LIST, params | {"page_size": 1000})
            rows = list(response.context["filter"].qs)
            durations = [c.duration_minutes for c in rows if c.duration_minutes is not None]
            assert response.context["totals"] == {
                "count": len(rows),
                "anonymous": sum(c.client_id is None for c in rows),
                "visit_support": sum(c.method in ("訪問", "同行") for c in rows),
                "minutes": sum(durations) if durations else None,
            }, params
    assert supervisor_client.get(LIST, {"fiscal_year": "all"}).context["totals"]["count"] == 5
    assert satellite_client.get(LIST, {"fiscal_year": "all"}).context["totals"]["count"] == 2


def test_filters_by_staff_and_client(coordinator_client, coordinator, center):
    client = make_client(center)
    make_consultation(center, "2024-05-01", client=client, staff=[coordinator])
    make_consultation(center, "2024-05-02")
    assert (
        coordinator_client.get(LIST, {"staff": coordinator.pk, "fiscal_year": "2024"}).context["totals"][
            "count"
        ]
        == 1
    )
    assert (
        coordinator_client.get(LIST, {"client": "やまだ", "fiscal_year": "2024"}).context["totals"]["count"]
        == 1
    )


def test_a_coordinator_sees_only_the_consultations_of_their_office(satellite_client, center, chikuho):
    make_consultation(center, "2024-05-01")
    make_consultation(chikuho, "2024-05-02")
    response = satellite_client.get(LIST, {"fiscal_year": "all"})
    assert [c.office for c in response.context["page"].object_list] == [chikuho]


def test_the_list_runs_a_constant_number_of_queries(coordinator_client, coordinator, center):
    client = make_client(center)
    make_consultation(center, "2024-05-01", client=client, staff=[coordinator])
    with CaptureQueriesContext(connection) as few:
        coordinator_client.get(LIST, {"fiscal_year": "2024"})
    for day in range(1, 29):
        make_consultation(center, f"2024-06-{day:02d}", client=client, staff=[coordinator])
    with CaptureQueriesContext(connection) as many:
        response = coordinator_client.get(LIST, {"fiscal_year": "2024"})
    assert len(response.context["page"].object_list) == 29
    assert len(many) == len(few)


def test_csv_export_is_excel_ready_filtered_and_logged(coordinator_client, coordinator, center):
    client = make_client(center)
    make_consultation(
        center, "2024-05-01", client=client, content='=HYPERLINK("http://x")', staff=[coordinator]
    )
    make_consultation(center, "2024-05-02", method="来所")
    response = coordinator_client.get(
        reverse("cases:consultation_export", args=["csv"]), {"method": "電話", "fiscal_year": "2024"}
    )
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0].startswith(
        "記録番号,相談日,開始時刻,所要時間（分）,拠点,相談方法,相談者,ケース番号,氏名,担当者"
    )
    assert len([line for line in lines if line]) == 2
    assert "'=HYPERLINK" in text
    event = AuditEvent.objects.get(action="export")
    assert event.user == coordinator
    assert event.detail["rows"] == 1
    assert "HYPERLINK" not in str(event.detail)


def test_xlsx_export_writes_formulas_as_text(coordinator_client, center):
    make_consultation(center, "2024-05-01", content="=1+1")
    response = coordinator_client.get(
        reverse("cases:consultation_export", args=["xlsx"]), {"fiscal_year": "all"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "記録番号"
    assert sheet.cell(row=2, column=13).value == "=1+1"
    assert sheet.cell(row=2, column=13).data_type == "s"


def test_a_concurrent_edit_of_a_consultation_gets_a_conflict(coordinator_client, coordinator, center):
    consultation = make_consultation(center, "2024-05-01", staff=[coordinator], content="最初の内容")
    url = reverse("cases:consultation_edit", args=[consultation.pk])
    data = {
        "version": consultation.version,
        "date": "2024/5/1",
        "office": center.pk,
        "method": "電話",
        "consulter": "家族",
        "staff": [coordinator.pk],
        "content": "私の追記",
    }
    services.consultation_update(
        by=coordinator,
        consultation=Consultation.objects.get(pk=consultation.pk),
        version=1,
        staff=[coordinator],
        content="同僚の追記",
    )
    response = coordinator_client.post(url, data)
    assert response.status_code == 409
    assert "他の職員が更新しました" in response.content.decode()
    assert response.context["form"]["content"].value() == "私の追記"
    consultation.refresh_from_db()
    assert consultation.content == "同僚の追記"
    data["version"] = consultation.version
    assert coordinator_client.post(url, data).status_code == 302
    consultation.refresh_from_db()
    assert consultation.content == "私の追記"
    contents = list(
        dict.fromkeys(consultation.history.order_by("history_date").values_list("content", flat=True))
    )
    assert contents == ["最初の内容", "同僚の追記", "私の追記"]


def test_without_a_chosen_year_the_list_shows_the_current_fiscal_year(coordinator_client, center):
    from django.utils import timezone

    from hikikomori.fiscal import fiscal_year_range

    today = timezone.localdate()
    start, _ = fiscal_year_range(today.year if today.month >= 4 else today.year - 1)
    make_consultation(center, start)
    make_consultation(center, start.replace(year=start.year - 1))
    response = coordinator_client.get(LIST)
    assert [c.date for c in response.context["page"].object_list] == [start]
    assert coordinator_client.get(LIST, {"fiscal_year": "all"}).context["totals"]["count"] == 2


def test_an_archived_consultation_leaves_the_list_but_is_kept(coordinator_client, coordinator, center):
    consultation = make_consultation(center, "2024-05-01")
    url = reverse("cases:consultation_archive", args=[consultation.pk])
    asked = coordinator_client.get(url)
    assert asked.status_code == 200 and "アーカイブする" in asked.content.decode()
    refused = coordinator_client.post(url, {"reason": ""})
    assert refused.status_code == 400
    consultation.refresh_from_db()
    assert consultation.archived_at is None  # no reason, no archive
    coordinator_client.post(url, {"reason": "別の利用者の記録と重複して入力"})
    assert coordinator_client.get(LIST, {"fiscal_year": "all"}).context["totals"]["count"] == 0
    consultation.refresh_from_db()
    assert consultation.archived_at is not None
    assert AuditEvent.objects.filter(
        action="archive", target_id=str(consultation.pk), user=coordinator
    ).exists()


def test_a_follow_up_due_shows_on_home_until_it_is_done(coordinator_client, coordinator, center):
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    consultation = make_consultation(
        center, today - dt.timedelta(days=7), staff=[coordinator], follow_up_on=today
    )
    home = coordinator_client.get(reverse("home"))
    due = next(p for p in home.context["panels"] if "due" in p)["due"]
    assert [c.pk for c in due] == [consultation.pk]
    coordinator_client.post(
        reverse("cases:consultation_follow_up_done", args=[consultation.pk]), {"next": "/"}
    )
    home = coordinator_client.get(reverse("home"))
    assert list(next(p for p in home.context["panels"] if "due" in p)["due"]) == []


def test_a_supervisor_lists_archived_consultations_and_restores_one(
    supervisor_client, supervisor, coordinator_client, center
):
    consultation = make_consultation(center, "2024-05-01")
    coordinator_client.post(
        reverse("cases:consultation_archive", args=[consultation.pk]), {"reason": "誤入力"}
    )
    listing = supervisor_client.get(reverse("cases:consultation_archived")).content.decode()
    assert "誤入力" in listing
    assert coordinator_client.get(reverse("cases:consultation_archived")).status_code == 403
    supervisor_client.post(
        reverse("cases:consultation_restore", args=[consultation.pk]), {"reason": "誤ってアーカイブした"}
    )
    consultation.refresh_from_db()
    assert consultation.archived_at is None and consultation.archive_reason == ""
    assert consultation.restore_reason == "誤ってアーカイブした"  # kept with the record
    assert coordinator_client.get(LIST, {"fiscal_year": "all"}).context["totals"]["count"] == 1
    restored = AuditEvent.objects.get(action="restore", target_id=str(consultation.pk))
    assert restored.user == supervisor and "誤ってアーカイブした" not in str(restored.detail)


def test_the_export_names_every_member_of_staff_even_when_filtered_by_one(
    coordinator_client, coordinator, center
):
    from tests.conftest import make_user

    colleague = make_user(
        "colleague", roles=["coordinator"], offices=[center], last_name="青木", first_name="一郎"
    )
    shared = make_consultation(center, "2024-05-01", staff=[coordinator, colleague], content=" 二人で訪問 ")
    shared.start_time = dt.time(14, 5)
    shared.save()
    make_consultation(center, "2024-05-02", staff=[colleague], content="一人で")
    url = reverse("cases:consultation_export", args=["xlsx"])
    for query in ({"fiscal_year": "all"}, {"fiscal_year": "all", "staff": coordinator.pk}):
        sheet = openpyxl.load_workbook(io.BytesIO(coordinator_client.get(url, query).content)).active
        rows = list(sheet.iter_rows(min_row=2, values_only=True))
        shared_row = next(row for row in rows if row[12] == " 二人で訪問 ")  # spaces kept
        assert shared_row[9] == "春日 花子、青木 一郎"  # both, by name as the staff list sorts them
        assert shared_row[1] == dt.datetime(2024, 5, 1) and shared_row[2] == "14:05"
        assert len(rows) == (2 if "staff" not in query else 1)
