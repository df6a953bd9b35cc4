"""変更の記録 in Japanese: each change reads 「項目: 旧 → 新」 with who and when, for clients, their
family, consultations and sessions."""

from django.urls import reverse

from cases import services
from cases.models import FamilyMember, Sex
from hikikomori.models import Municipality
from outreach import services as outreach_services
from tests.records import make_client, make_consultation, make_session


def test_a_clients_page_lists_each_change_as_field_old_and_new(coordinator_client, coordinator, center):
    client = make_client(center, municipality="春日市")
    services.client_update(
        by=coordinator,
        client=client,
        version=client.version,
        name="山田 太朗",
        sex=Sex.MALE,
        municipality=Municipality.objects.get(name="大野城市"),
    )
    member = FamilyMember.objects.create(client=client, name="山田 和子", relationship="母")
    member.contact = "090-0000-0000"
    member.save()
    html = coordinator_client.get(reverse("cases:client_detail", args=[client.pk])).content.decode()
    changes = html[html.index('id="changes"') :]
    assert "氏名: 山田 太郎 → 山田 太朗" in changes
    assert "性別: （なし） → 男性" in changes or "性別: 不明 → 男性" in changes
    assert "居住市町村: 春日市 → 大野城市" in changes
    assert coordinator.display_name in changes
    assert "家族（山田 和子）の変更" in changes and "連絡先: （なし） → 090-0000-0000" in changes
    assert "Changed" not in changes and "Created" not in changes


def test_a_consultations_page_shows_staff_and_minutes_changes(
    coordinator_client, coordinator, supervisor, center
):
    consultation = make_consultation(center, "2024-05-01", staff=[coordinator], duration_minutes=30)
    services.consultation_update(
        by=coordinator,
        consultation=consultation,
        version=consultation.version,
        duration_minutes=45,
        staff=[coordinator, supervisor],
    )
    html = coordinator_client.get(
        reverse("cases:consultation_detail", args=[consultation.pk])
    ).content.decode()
    changes = html[html.index('id="changes"') :]
    assert "所要時間（分）: 30 → 45" in changes
    assert f"{coordinator.display_name} → {coordinator.display_name}、{supervisor.display_name}" in changes


def test_a_sessions_page_shows_its_changes(coordinator_client, coordinator, center):
    session = make_session(center, "2024-05-14", theme="")
    session.theme = "料理"
    outreach_services.session_save(by=coordinator, session=session)
    html = coordinator_client.get(reverse("outreach:session_detail", args=[session.pk])).content.decode()
    assert "テーマ: （なし） → 料理" in html[html.index('id="changes"') :]


def test_a_long_history_costs_no_more_queries_than_a_short_one(
    coordinator_client, coordinator, supervisor, center
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    consultation = make_consultation(center, "2024-05-01", staff=[coordinator], duration_minutes=30)
    url = reverse("cases:consultation_detail", args=[consultation.pk])

    def edit(minutes, staff):
        consultation.refresh_from_db()
        services.consultation_update(
            by=coordinator, consultation=consultation, version=consultation.version,
            duration_minutes=minutes, staff=staff,
        )  # fmt: skip

    edit(40, [coordinator, supervisor])
    with CaptureQueriesContext(connection) as short:
        coordinator_client.get(url)
    for minutes in range(41, 51):
        edit(minutes, [coordinator] if minutes % 2 else [coordinator, supervisor])
    with CaptureQueriesContext(connection) as long:
        html = coordinator_client.get(url).content.decode()
    assert len(long) == len(short)
    assert "所要時間（分）: 49 → 50" in html
    assert f"{coordinator.display_name} → {coordinator.display_name}、{supervisor.display_name}" in html


def test_a_change_to_a_record_without_earlier_history_is_still_listed(
    coordinator_client, coordinator, center
):
    """A record written before its history was kept (an old bulk load) still shows who changed it."""
    client = make_client(center)
    client.history.all().delete()  # as if it predated the change history
    services.client_update(by=coordinator, client=client, version=client.version, notes="見直し後のメモ")
    html = coordinator_client.get(reverse("cases:client_detail", args=[client.pk])).content.decode()
    changes = html[html.index('id="changes"') :]
    assert "変更" in changes and coordinator.display_name in changes
