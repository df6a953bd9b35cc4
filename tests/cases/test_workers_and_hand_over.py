"""Whose case is it: 主担当 and 副担当, 「私の担当」, the 担当 filter, and 引継ぎ."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Client, ClientLog
from hikikomori.models import AuditEvent, Role
from tests.conftest import make_user
from tests.records import make_client, make_consultation


def _form(center, **overrides):
    fields = {"case_number": "C-0300", "name": "宮崎 翔太", "kana": "ミヤザキ ショウタ", "sex": "男性",
              "office": center.pk, "withdrawal_period": "不明", "registered_on": "2024/4/1",
              "not_duplicate": "on"}  # fmt: skip
    return fields | overrides


def test_a_new_client_is_carried_by_whoever_registers_it(coordinator_client, coordinator, center):
    page = coordinator_client.get(reverse("cases:client_create"))
    assert page.context["form"]["primary_worker"].initial == coordinator.pk
    coordinator_client.post(reverse("cases:client_create"), _form(center, primary_worker=coordinator.pk))
    client = Client.objects.get(case_number="C-0300")
    assert client.primary_worker == coordinator
    detail = coordinator_client.get(reverse("cases:client_detail", args=[client.pk])).content.decode()
    assert "主担当" in detail and coordinator.display_name in detail


def test_a_coordinator_never_sees_nor_assigns_another_offices_staff(
    coordinator_client, coordinator, satellite_coordinator, center
):
    form = coordinator_client.get(reverse("cases:client_create")).context["form"]
    assert satellite_coordinator not in form.fields["primary_worker"].queryset
    refused = coordinator_client.post(
        reverse("cases:client_create"), _form(center, primary_worker=satellite_coordinator.pk)
    )
    assert refused.status_code in (200, 400) and not Client.objects.filter(case_number="C-0300").exists()
    # nor through the service, whatever screen or import calls it
    client = make_client(center)
    try:
        services.client_update(
            by=coordinator, client=client, version=client.version, primary_worker=satellite_coordinator
        )
    except Exception as exc:  # noqa: BLE001
        assert "主担当は、担当拠点の職員" in str(exc)
    else:
        raise AssertionError("a satellite coordinator became 主担当 of a center client")


def test_changes_of_worker_are_kept_in_the_history(coordinator_client, coordinator, supervisor, center):
    client = make_client(center, primary_worker=coordinator)
    services.client_update(by=supervisor, client=client, version=client.version, secondary_worker=supervisor)
    page = coordinator_client.get(reverse("cases:client_detail", args=[client.pk])).content.decode()
    assert "副担当" in page and supervisor.display_name in page
    assert client.history.filter(secondary_worker=supervisor, history_user=supervisor).exists()


def test_my_caseload_opens_the_home_page_with_the_next_due_thing(coordinator_client, coordinator, center):
    today = timezone.localdate()
    mine = make_client(
        center, "C-0001", primary_worker=coordinator, registered_on=today - dt.timedelta(days=400)
    )
    make_consultation(
        center, today - dt.timedelta(days=3), client=mine, follow_up_on=today - dt.timedelta(days=1)
    )
    quiet = make_client(
        center,
        "C-0002",
        "静か 太郎",
        secondary_worker=coordinator,
        registered_on=today - dt.timedelta(days=400),
    )
    make_consultation(center, today - dt.timedelta(days=200), client=quiet)
    make_client(center, "C-0003", "他人 花子")  # nobody's: not in 私の担当
    page = coordinator_client.get(reverse("home")).content.decode()
    assert page.index("私の担当") < page.index("次回予定")  # it opens ホーム
    caseload = page[page.index('id="my-caseload"') :]
    caseload = caseload[: caseload.index("</section>")]
    assert "C-0001" in caseload and "C-0002" in caseload and "C-0003" not in caseload
    assert caseload.index("C-0002") < caseload.index("C-0001")  # long without contact is due first
    assert "長期未接触になる日" in caseload and "期限切れ" in caseload
    assert f"?worker={coordinator.pk}" in caseload


def test_the_client_list_filters_by_worker_and_by_nobody(coordinator_client, coordinator, center):
    make_client(center, "C-0001", primary_worker=coordinator)
    make_client(center, "C-0002", "誰も 担当", kana="ダレモ タントウ")
    gone = make_user("gone", roles=[Role.COORDINATOR], offices=[center])
    make_client(center, "C-0003", "退職 担当", primary_worker=gone)
    gone.is_active = False
    gone.save()
    mine = coordinator_client.get(reverse("cases:client_list"), {"worker": coordinator.pk}).content.decode()
    assert "C-0001" in mine and "C-0002" not in mine
    nobody = coordinator_client.get(reverse("cases:client_list"), {"unassigned": "true"}).content.decode()
    assert "C-0002" in nobody and "C-0003" in nobody and "C-0001" not in nobody
    assert "担当者なし" in nobody


def test_a_supervisor_hands_a_caseload_over_in_one_step(supervisor_client, supervisor, coordinator, center):
    leaving = make_user(
        "leaving", roles=[Role.COORDINATOR], offices=[center], last_name="異動", first_name="一"
    )
    carried = [make_client(center, f"C-00{n}", primary_worker=leaving) for n in (10, 11, 12)]
    page = supervisor_client.get(reverse("cases:hand_over"), {"worker": leaving.pk})
    assert [c.pk for c in page.context["clients"]] == [c.pk for c in carried]
    url = reverse("cases:hand_over") + f"?worker={leaving.pk}"
    refused = supervisor_client.post(url, {"clients": [carried[0].pk], "to": coordinator.pk, "memo": ""})
    assert refused.status_code == 400 and "引継ぎメモを入力してください" in refused.content.decode()
    assert not Client.objects.filter(primary_worker=coordinator).exists()
    done = supervisor_client.post(
        url,
        {"clients": [c.pk for c in carried[:2]], "to": coordinator.pk, "memo": "4月の異動のため"},
        follow=True,
    )
    assert "2人の主担当を" in done.content.decode()
    assert set(Client.objects.filter(primary_worker=coordinator)) == set(carried[:2])
    assert Client.objects.get(pk=carried[2].pk).primary_worker == leaving
    log = ClientLog.objects.get(client=carried[0], kind=ClientLog.Kind.HANDED_OVER)
    assert log.reason == "4月の異動のため" and log.by == supervisor
    assert AuditEvent.objects.filter(target_id=str(carried[0].pk), detail__fields=["primary_worker"]).exists()
    timeline = supervisor_client.get(reverse("cases:client_detail", args=[carried[0].pk])).content.decode()
    assert "担当の引継ぎ" in timeline


def test_a_hand_over_to_someone_who_may_not_carry_them_changes_nothing(
    supervisor_client, supervisor, satellite_coordinator, coordinator, center
):
    carried = [make_client(center, f"C-00{n}", primary_worker=coordinator) for n in (20, 21)]
    try:
        services.clients_hand_over(by=supervisor, clients=carried, to=satellite_coordinator, memo="誤り")
    except Exception as exc:  # noqa: BLE001
        assert "担当できません" in str(exc)
    assert set(Client.objects.filter(primary_worker=coordinator)) == set(carried)


def test_a_coordinator_cannot_hand_over(coordinator_client):
    assert coordinator_client.get(reverse("cases:hand_over")).status_code == 403


def test_a_transfer_leaves_the_case_without_a_worker_who_cannot_see_it(
    supervisor, coordinator, center, chikuho
):
    client = make_client(center, primary_worker=coordinator, secondary_worker=supervisor)
    services.client_transfer(by=supervisor, client=client, office=chikuho, reason="転居")
    client.refresh_from_db()
    assert client.primary_worker is None and client.secondary_worker == supervisor


def test_deactivating_a_worker_warns_how_many_cases_they_carry(admin_client_, center):
    from tests.hikikomori.test_admin_rights import change_form_data

    leaving = make_user("leaving", roles=[Role.COORDINATOR], offices=[center])
    for n in (1, 2):
        make_client(center, f"C-000{n}", primary_worker=leaving)
    url, data = change_form_data(admin_client_, leaving)
    data.pop("is_active")
    response = admin_client_.post(url, data, follow=True)
    assert "2人の利用者の主担当です" in response.content.decode()


def test_an_import_carries_the_workers_and_refuses_one_of_another_office(
    tmp_path, coordinator, satellite_coordinator, center
):
    from tests.exchange.importing import import_file

    header = ["ケース番号", "氏名", "担当拠点", "主担当", "副担当"]
    code, _, err = import_file(
        tmp_path, "clients", [header, ["C-0500", "山田 一郎", center.name, "sat", ""]], name="bad.csv"
    )
    assert code == 1 and "主担当" in err and "担当拠点の職員" in err
    assert not Client.objects.filter(case_number="C-0500").exists()
    code, _, err = import_file(
        tmp_path, "clients", [header, ["C-0500", "山田 一郎", center.name, "coord", ""]], name="good.csv"
    )
    assert code == 0, err
    assert Client.objects.get(case_number="C-0500").primary_worker == coordinator


def test_the_export_names_the_workers_for_the_round_trip(coordinator, supervisor, center):
    from exchange.importing.exporting import export_rows

    make_client(center, primary_worker=coordinator, secondary_worker=supervisor)
    header, row = list(export_rows("clients"))[:2]
    assert row[header.index("主担当")] == "coord" and row[header.index("副担当")] == "super"


def test_the_case_record_and_the_disclosure_file_name_the_workers(
    supervisor_client, coordinator, supervisor, center
):
    import io

    from openpyxl import load_workbook

    client = make_client(center, primary_worker=coordinator, secondary_worker=supervisor)
    record = supervisor_client.get(reverse("casework:case_record", args=[client.pk])).content.decode()
    assert "主担当" in record and coordinator.display_name in record and supervisor.display_name in record
    book = load_workbook(
        io.BytesIO(supervisor_client.post(reverse("retention:disclosure", args=[client.pk])).content)
    )
    profile = {row[0]: row[1] for row in book["利用者"].iter_rows(values_only=True) if row[0]}
    assert profile["主担当"] == coordinator.display_name and profile["副担当"] == supervisor.display_name
