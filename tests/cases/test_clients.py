"""利用者: list filters, page, status changes, transfer, merge, conflicts."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Client, ClientLog, Consultation, FamilyMember
from hikikomori.models import AuditEvent
from tests.records import make_client, make_consultation


def test_the_list_shows_only_clients_of_my_offices(coordinator_client, center, chikuho):
    make_client(center, case_number="C-0001")
    make_client(chikuho, case_number="T-0001", name="田川 次郎", kana="タガワ ジロウ")
    html = coordinator_client.get(reverse("cases:client_list")).content.decode()
    assert "C-0001" in html
    assert "T-0001" not in html


def test_the_list_filters_by_age_group_and_dormancy(coordinator_client, center):
    today = timezone.localdate()
    young = make_client(
        center,
        case_number="C-0001",
        birth_date=today.replace(year=today.year - 25),
        registered_on=today - dt.timedelta(days=400),
    )
    old = make_client(
        center,
        case_number="C-0002",
        birth_date=today.replace(year=today.year - 45),
        registered_on=today - dt.timedelta(days=400),
    )
    make_consultation(center, today - dt.timedelta(days=10), client=old)
    response = coordinator_client.get(reverse("cases:client_list"), {"age_group": "20代"})
    assert [c.pk for c in response.context["page"].object_list] == [young.pk]
    response = coordinator_client.get(reverse("cases:client_list"), {"dormant": "true"})
    assert [c.pk for c in response.context["page"].object_list] == [young.pk]
    assert "長期未接触" in response.content.decode()


def test_the_list_runs_the_same_number_of_queries_whatever_the_page_size(
    coordinator_client, center, django_assert_max_num_queries
):
    for n in range(3):
        make_client(center, case_number=f"C-{n:04d}")
    url = reverse("cases:client_list")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        coordinator_client.get(url)
    for n in range(3, 40):
        c = make_client(center, case_number=f"C-{n:04d}")
        make_consultation(center, "2024-05-01", client=c)
    with CaptureQueriesContext(connection) as many:
        coordinator_client.get(url)
    assert len(many) == len(few)


def test_the_client_page_shows_family_timeline_and_is_audited(coordinator_client, coordinator, center):
    client = make_client(center)
    FamilyMember.objects.create(client=client, name="山田 和子", relationship="母")
    make_consultation(center, "2024-05-01", client=client, content="初回の電話相談")
    html = coordinator_client.get(reverse("cases:client_detail", args=[client.pk])).content.decode()
    assert "山田 和子（母）" in html
    assert "初回の電話相談" in html
    assert AuditEvent.objects.filter(
        action="view", target="client", target_id=str(client.pk), user=coordinator
    ).exists()


def test_closing_and_reopening_are_logged(coordinator_client, coordinator, center):
    client = make_client(center)
    url = reverse("cases:client_close", args=[client.pk])
    refused = coordinator_client.post(
        url, {"status": "終結", "closed_on": "2024/6/1", "exit_route": "つなぎ先"}, follow=True
    )
    assert "つなぎ先を選んでください。" in refused.content.decode()
    assert Client.objects.get(pk=client.pk).status == "支援中"
    coordinator_client.post(
        url, {"status": "終結", "closed_on": "2024/6/1", "exit_route": "就労", "note": "就職"}
    )
    client.refresh_from_db()
    assert client.status == "終結" and client.exit_route == "就労"
    assert client.closed_on == dt.date(2024, 6, 1)
    coordinator_client.post(reverse("cases:client_reopen", args=[client.pk]), {"reason": "再び相談あり"})
    client.refresh_from_db()
    assert client.status == "支援中" and client.closed_on is None and client.exit_route == ""
    assert list(client.logs.values_list("kind", flat=True)) == ["reopened", "closed"]
    assert client.logs.first().by == coordinator


def test_a_case_closes_with_the_specs_fields_alone_and_counts_where_it_went_as_unknown(
    coordinator_client, center
):
    client = make_client(center)
    coordinator_client.post(
        reverse("cases:client_close", args=[client.pk]), {"status": "終結", "closed_on": "2024/6/1"}
    )
    client.refresh_from_db()
    assert (client.status, client.exit_route) == ("終結", "")


def test_an_import_cannot_give_an_active_client_a_destination(center):
    from django.core.exceptions import ValidationError

    client = make_client(center)
    client.exit_route = "就労"
    with pytest.raises(ValidationError):
        client.full_clean()


def test_reopening_needs_a_reason(coordinator_client, center):
    client = make_client(center, status="終結", closed_on=dt.date(2024, 6, 1))
    response = coordinator_client.post(
        reverse("cases:client_reopen", args=[client.pk]), {"reason": ""}, follow=True
    )
    client.refresh_from_db()
    assert client.status == "終結"
    assert "このフィールドは必須です" in response.content.decode()


def test_a_supervisor_transfers_a_client_and_past_consultations_stay(
    supervisor_client, supervisor, center, chikuho
):
    client = make_client(center)
    old = make_consultation(center, "2024-05-01", client=client)
    supervisor_client.post(
        reverse("cases:client_transfer", args=[client.pk]), {"office": chikuho.pk, "reason": "転居"}
    )
    client.refresh_from_db()
    old.refresh_from_db()
    assert client.office == chikuho
    assert old.office == center
    log = client.logs.get(kind="transferred")
    assert log.detail == {"from": center.name, "to": chikuho.name}


def test_after_a_transfer_the_new_office_sees_the_client_but_not_old_consultations(
    satellite_client, supervisor, center, chikuho
):
    client = make_client(center)
    make_consultation(
        center, "2024-05-01", client=client, content="センターでの相談", follow_up_on=dt.date(2024, 5, 23)
    )
    services.client_transfer(by=supervisor, client=client, office=chikuho)
    html = satellite_client.get(reverse("cases:client_detail", args=[client.pk])).content.decode()
    assert "山田 太郎" in html
    assert "センターでの相談" not in html
    assert "2024/05/23" not in html  # nor the center's follow-ups


def test_a_concurrent_edit_is_refused_and_keeps_the_input(coordinator_client, coordinator, center):
    client = make_client(center)
    url = reverse("cases:client_edit", args=[client.pk])
    form = coordinator_client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(version=client.version, name="山田 太郎（更新）", registered_on="2024/4/1", municipality="")
    services.client_update(
        by=coordinator,
        client=Client.objects.get(pk=client.pk),
        version=client.version,
        notes="別の職員の更新",
    )
    response = coordinator_client.post(url, data)
    assert response.status_code == 409
    assert "他の職員が更新しました" in response.content.decode()
    assert response.context["form"]["name"].value() == "山田 太郎（更新）"
    client.refresh_from_db()
    assert client.name == "山田 太郎"
    assert client.notes == "別の職員の更新"


def test_an_edit_without_a_conflict_is_saved(coordinator_client, center):
    client = make_client(center)
    url = reverse("cases:client_edit", args=[client.pk])
    data = {
        "version": client.version,
        "case_number": "C-0001",
        "name": "山田 太郎",
        "kana": "ヤマダ タロウ",
        "sex": "男性",
        "withdrawal_period": "不明",
        "registered_on": "2024/4/1",
    }
    assert coordinator_client.post(url, data).status_code == 302
    client.refresh_from_db()
    assert client.sex == "男性"
    assert client.version == 2
    assert client.history.count() == 2


def test_a_duplicate_case_number_is_refused(coordinator_client, center):
    make_client(center)
    data = {
        "case_number": "C-0001",
        "name": "別人",
        "sex": "不明",
        "withdrawal_period": "不明",
        "office": center.pk,
        "registered_on": "2024/4/1",
    }
    response = coordinator_client.post(reverse("cases:client_create"), data)
    assert "この ケース番号 を持った 利用者 が既に存在します" in response.content.decode()
    assert Client.objects.count() == 1


def test_duplicate_candidates_share_normalised_kana_and_birth_date(center, chikuho):
    a = make_client(center, case_number="C-0001", kana="ヤマダ タロウ", birth_date=dt.date(2000, 1, 1))
    b = make_client(
        center, case_number="C-0002", kana="やまだ　たろう", name="山田 太朗", birth_date=dt.date(2000, 1, 1)
    )
    make_client(center, case_number="C-0003", kana="ヤマダ タロウ", birth_date=dt.date(2001, 1, 1))
    groups = services.duplicate_candidates(Client.objects.all())
    assert [[c.pk for c in g] for g in groups] == [[a.pk, b.pk]]


def test_duplicate_candidates_include_the_same_name_without_a_birth_date(coordinator_client, center):
    undated = make_client(center, case_number="C-0001", name="宮﨑 花子", kana="", birth_date=None)
    dated = make_client(
        center, case_number="C-0002", name="宮崎 花子", kana="ミヤザキ ハナコ", birth_date=dt.date(1990, 5, 1)
    )
    make_client(
        center, case_number="C-0003", name="佐藤 一郎", kana="サトウ イチロウ", birth_date=dt.date(1980, 1, 1)
    )
    make_client(
        center, case_number="C-0004", name="佐藤 一郎", kana="サトウ イチロウ", birth_date=dt.date(1985, 1, 1)
    )
    groups = services.duplicate_candidates(Client.objects.all())
    assert [[c.pk for c in g] for g in groups] == [
        [undated.pk, dated.pk]
    ]  # two known, different dates: two people
    page = coordinator_client.get(reverse("cases:client_duplicates")).content.decode()
    assert "C-0002 と C-0001 の統合を確認" in page or "C-0001 と C-0002 の統合を確認" in page
    assert "未入力" in page and "C-0003" not in page


def test_merging_moves_consultations_and_family_and_is_traceable(coordinator_client, coordinator, center):
    survivor = make_client(center, case_number="C-0001", birth_date=dt.date(2000, 1, 1))
    duplicate = make_client(center, case_number="C-0002", birth_date=dt.date(2000, 1, 1))
    moved = make_consultation(center, "2024-06-01", client=duplicate)
    FamilyMember.objects.create(client=duplicate, name="山田 和子", relationship="母")
    response = coordinator_client.post(
        reverse("cases:client_merge"),
        {"survivor": survivor.pk, "duplicate": duplicate.pk, "reason": "同一人物"},
    )
    assert response.url == reverse("cases:client_detail", args=[survivor.pk])
    moved.refresh_from_db()
    duplicate.refresh_from_db()
    assert moved.client == survivor
    assert survivor.family.count() == 1
    assert duplicate.merged_into == survivor and duplicate.archived_at is not None
    assert not Client.objects.current().filter(pk=duplicate.pk).exists()
    log = survivor.logs.get(kind="merged")
    assert log.detail["consultations"] == [moved.pk]
    assert ClientLog.objects.filter(client=duplicate, kind="merged").exists()


def test_an_anonymous_consultation_is_linked_to_a_client_afterwards(coordinator_client, center):
    client = make_client(center, municipality="春日市")
    anonymous = make_consultation(center, "2024-05-01")
    coordinator_client.post(reverse("cases:consultation_attach", args=[anonymous.pk]), {"client": "C-0001"})
    anonymous.refresh_from_db()
    assert anonymous.client == client
    assert anonymous.municipality.name == "春日市"
    assert client.logs.filter(kind="linked").exists()


def test_the_database_refuses_a_negative_duration(center):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Consultation.objects.filter(pk=make_consultation(center, "2024-05-01").pk).update(duration_minutes=-1)


def test_forms_show_no_untranslated_english(coordinator_client, center):
    client = make_client(center)
    for url in [
        reverse("cases:client_detail", args=[client.pk]),
        reverse("cases:consultation_create"),
        reverse("cases:client_create"),
    ]:
        html = coordinator_client.get(url).content.decode()
        assert "Select an option" not in html, url
        assert "This field" not in html, url


def test_reopening_a_client_in_support_is_refused_by_the_service(coordinator, center):
    import pytest
    from django.core.exceptions import ValidationError

    from cases import services
    from tests.records import make_client

    client = make_client(center)
    with pytest.raises(ValidationError, match="支援中の利用者は再開できません"):
        services.client_reopen(by=coordinator, client=client, reason="再開")


def test_the_client_list_pages_by_id_and_still_sorts_by_the_last_consultation(
    coordinator_client, coordinator, center
):
    """Deep pages load only their own rows' 最終相談日; sorting by it still orders every client."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.records import make_client as client_of
    from tests.records import make_consultation as call

    for n in range(60):
        c = client_of(center, f"L-{n:04d}", f"利用者{n}", "リヨウシャ")
        call(center, f"2024-{n % 12 + 1:02d}-{n % 27 + 1:02d}", client=c)
    url = reverse("cases:client_list")
    with CaptureQueriesContext(connection) as first:
        coordinator_client.get(url)
    with CaptureQueriesContext(connection) as second:
        page_two = coordinator_client.get(url, {"page": 2}).content.decode()
    assert len(first) == len(second)
    assert "L-0059" in page_two and "L-0000" not in page_two  # 50 a page, by ケース番号
    newest = coordinator_client.get(url, {"ordering": "-last_contact"}).content.decode()
    table = newest[newest.index("<tbody>") :]
    assert table.index("2024/12/") < table.index("2024/06/") < table.index("2024/03/")
    # A later consultation moves a client to the top; archiving it moves the client back.
    latest = call(center, "2025-02-01", client=Client.objects.get(case_number="L-0001"))
    newest = coordinator_client.get(url, {"ordering": "-last_contact"}).content.decode()
    assert newest.index("L-0001") < newest.index("L-0011") < newest.index("L-0010")
    services.consultation_archive(by=coordinator, consultation=latest, reason="誤登録")
    newest = coordinator_client.get(url, {"ordering": "-last_contact"}).content.decode()
    assert "L-0001" not in newest[: newest.index("L-0011")]


def test_a_client_saved_from_a_copy_read_earlier_keeps_its_last_consultation_date(center):
    """最終相談日 (which sorts the list) is the consultations': a save of the client never writes it."""
    client = make_client(center)
    read_earlier = Client.objects.get(pk=client.pk)
    make_consultation(center, "2024-05-01", client=client)
    read_earlier.notes = "メモ"
    read_earlier.save()
    assert Client.objects.get(pk=client.pk).last_consulted_on == dt.date(2024, 5, 1)
    assert Client.objects.get(pk=client.pk).notes == "メモ"


def test_clients_sharing_a_sort_key_appear_once_across_pages_in_a_stable_order(coordinator_client, center):
    """Sorted by フリガナ, 55 clients of one フリガナ: the id decides among them, in the sort's direction."""
    for n in range(55):
        make_client(center, case_number=f"S-{n:04d}", name=f"同名{n}", kana="ドウメイ")
    url = reverse("cases:client_list")
    for ordering, first in (("kana", "S-0000"), ("-kana", "S-0054")):
        pages = [
            coordinator_client.get(url, {"ordering": ordering, "page": p}).context["page"] for p in (1, 2)
        ]
        shown = [c.case_number for page in pages for c in page.object_list]
        assert len(shown) == len(set(shown)) == 55
        assert shown[0] == first and shown == sorted(shown, reverse=ordering.startswith("-"))
