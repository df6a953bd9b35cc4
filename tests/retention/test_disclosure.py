"""開示請求: a supervisor produces, for one person, everything held about them as one workbook."""

import datetime as dt
import io

from django.urls import reverse
from openpyxl import load_workbook

from cases import services as cases_services
from cases.models import FamilyMember
from hikikomori.models import AuditEvent
from outreach.models import Attendance, Reservation
from tests.conftest import logged_in
from tests.records import make_client, make_consultation, make_day, make_session


def _sheets(response) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(response.content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def _texts(rows) -> str:
    return "\n".join(str(v) for row in rows for v in row if v is not None)


def test_the_disclosure_file_holds_every_kind_of_record_and_who_viewed_it(center, coordinator, supervisor):
    client = make_client(center, municipality="春日市", notes="本人は夜型")
    mother = FamilyMember.objects.create(
        client=client, name="山田 和子", relationship="母", contact="090-1111-2222"
    )
    make_consultation(
        center,
        "2024-05-01",
        "来所",
        client,
        consulter="家族",
        family_member=mother,
        content="母から生活の様子",
        staff=[coordinator],
    )
    cases_services.client_update(by=coordinator, client=client, version=client.version, name="山田 太朗")
    long_note = "夜型の生活が続いている。" * 8  # longer than a line of 変更の記録 on the screen
    client.refresh_from_db()
    cases_services.client_update(by=coordinator, client=client, version=client.version, notes=long_note)
    Attendance.objects.create(session=make_session(center, "2024-05-14"), client=client)
    Reservation.objects.create(day=make_day(center, "2024-07-10"), time=dt.time(10), client=client)
    logged_in(coordinator).get(reverse("cases:client_detail", args=[client.pk]))
    http = logged_in(supervisor)

    page = http.get(reverse("cases:client_detail", args=[client.pk])).content.decode()
    assert "開示用ファイル（Excel）" in page
    response = http.post(reverse("retention:disclosure", args=[client.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheets = _sheets(response)
    assert list(sheets) == [
        "開示の概要",
        "利用者",
        "家族",
        "相談記録",
        "プログラム参加",
        "市町村相談会の予約",
        "アセスメント",
        "支援計画",
        "ケース会議",
        "情報共有の同意",
        "変更の記録",
        "閲覧・操作の記録",
    ]
    assert ("氏名", "山田 太朗") in sheets["利用者"] and ("備考", long_note) in sheets["利用者"]
    assert "090-1111-2222" in _texts(sheets["家族"])
    assert "母から生活の様子" in _texts(sheets["相談記録"]) and "山田 和子" in _texts(sheets["相談記録"])
    assert "2024/05/14" in _texts(sheets["プログラム参加"])
    assert "2024/07/10" in _texts(sheets["市町村相談会の予約"])
    assert "氏名: 山田 太郎 → 山田 太朗" in _texts(sheets["変更の記録"])
    assert f"備考: 本人は夜型 → {long_note}" in _texts(sheets["変更の記録"])  # in full, not shortened
    viewed = [row for row in sheets["閲覧・操作の記録"][1:] if row[2] == "閲覧"]
    assert any(str(coordinator) == row[1] for row in viewed)
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.EXPORT, target="disclosure", target_id=str(client.pk), user=supervisor
    ).exists()


def test_a_coordinator_is_not_offered_the_disclosure_file(center, coordinator):
    client = make_client(center)
    http = logged_in(coordinator)
    assert "開示用ファイル" not in http.get(reverse("cases:client_detail", args=[client.pk])).content.decode()
    assert http.post(reverse("retention:disclosure", args=[client.pk])).status_code == 403


def test_a_merged_record_is_disclosed_with_the_record_it_was_merged_into(center, supervisor):
    survivor = make_client(center)
    duplicate = make_client(center, "C-0002", "山田 太郎", "ヤマダ タロウ", notes="旧い登録")
    cases_services.client_merge(by=supervisor, survivor=survivor, duplicate=duplicate, reason="同一人物")
    http = logged_in(supervisor)
    assert http.post(reverse("retention:disclosure", args=[duplicate.pk])).status_code == 404
    profile = _texts(_sheets(http.post(reverse("retention:disclosure", args=[survivor.pk])))["利用者"])
    assert "C-0002" in profile and "旧い登録" in profile


def test_the_change_history_names_the_reason_a_record_was_written(center, supervisor):
    from cases.models import Client
    from hikikomori import bulk

    [client] = bulk.create_many(
        Client,
        [Client(case_number="C-0900", name="移行 太郎", office=center)],
        by=supervisor,
        reason="旧台帳からの移行",
    )
    changes = _sheets(logged_in(supervisor).post(reverse("retention:disclosure", args=[client.pk])))[
        "変更の記録"
    ]
    assert any(row[2] == "登録" and row[5] == "旧台帳からの移行" for row in changes[1:])


def test_a_client_discussed_at_a_case_meeting_gets_the_file_with_the_meeting_named(
    center, coordinator, supervisor
):
    """The disclosure file answered 500 for every client discussed at a ケース会議."""
    from casework import services as casework

    client = make_client(center)
    meeting = casework.meeting_record(
        by=coordinator,
        office=center,
        date=dt.date(2024, 6, 3),
        kind="市町村主催",
        staff=[coordinator],
        clients=[client],
        summary="通所先の候補を検討",
    )
    http = logged_in(supervisor)
    http.get(reverse("casework:meeting_detail", args=[meeting.pk]))
    response = http.post(reverse("retention:disclosure", args=[client.pk]))
    assert response.status_code == 200
    access = _sheets(response)["閲覧・操作の記録"]
    assert any(row[3] == "ケース会議" for row in access[1:])


def test_the_file_is_served_only_on_a_post_with_a_csrf_token(center, supervisor):
    from django.test import Client as Browser

    client = make_client(center)
    http = logged_in(supervisor)
    assert http.get(reverse("retention:disclosure", args=[client.pk])).status_code == 405
    strict = Browser(enforce_csrf_checks=True)
    strict.cookies = http.cookies
    assert strict.post(reverse("retention:disclosure", args=[client.pk])).status_code == 403
    page = http.get(reverse("cases:client_detail", args=[client.pk])).content.decode()
    assert f'<form method="post" action="{reverse("retention:disclosure", args=[client.pk])}"' in page
