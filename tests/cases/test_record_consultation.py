"""相談を記録: defaults, anonymous contacts, refusals that save nothing."""

import datetime as dt
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Consultation
from tests.records import make_client

URL = reverse("cases:consultation_create")


def form_data(**overrides):
    data = {
        "date": timezone.localdate().strftime("%Y/%m/%d"),
        "method": "電話",
        "consulter": "家族",
        "client": "",
        "duration_minutes": "20",
        "content": "母より電話。",
    }
    return data | overrides


def test_the_form_defaults_to_today_my_office_and_me(coordinator_client, coordinator, center):
    form = coordinator_client.get(URL).context["form"]
    assert form.initial["date"] == timezone.localdate()
    assert form.initial["office"] == center
    assert form.initial["staff"] == [coordinator]


def test_the_form_shows_the_spec_labels_in_order(coordinator_client):
    html = coordinator_client.get(URL).content.decode()
    html = html[html.index('<form method="post" novalidate') :]
    labels = ["相談日", "拠点", "相談方法", "相談者", "利用者", "担当者", "所要時間（分）", "内容", "保存"]
    positions = [html.index(label) for label in labels]
    assert positions == sorted(positions)


def test_a_blank_client_records_an_anonymous_consultation(coordinator_client, coordinator, center):
    data = form_data(office=center.pk, staff=[coordinator.pk])
    response = coordinator_client.post(URL, data)
    assert response.status_code == 302
    consultation = Consultation.objects.get()
    assert consultation.client is None
    assert consultation.office == center
    assert list(consultation.staff.all()) == [coordinator]
    assert consultation.created_by == coordinator


def test_a_client_is_found_by_case_number_as_suggested(coordinator_client, coordinator, center):
    client = make_client(center, municipality="春日市")
    data = form_data(office=center.pk, staff=[coordinator.pk], client="C-0001 山田 太郎")
    coordinator_client.post(URL, data)
    consultation = Consultation.objects.get()
    assert consultation.client == client
    assert consultation.municipality.name == "春日市"  # residence at the time, for the statistics


def test_saving_returns_to_where_you_were_with_a_confirmation(coordinator_client, coordinator, center):
    data = form_data(office=center.pk, staff=[coordinator.pk], next="/cases/consultations/?method=電話")
    response = coordinator_client.post(URL, data, follow=True)
    assert unquote(response.redirect_chain[-1][0]) == "/cases/consultations/?method=電話"
    assert "相談を記録しました" in response.content.decode()


def test_an_outside_next_url_is_ignored(coordinator_client, coordinator, center):
    data = form_data(office=center.pk, staff=[coordinator.pk], next="https://evil.example/")
    response = coordinator_client.post(URL, data)
    assert response.url == reverse("home")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"date": (timezone.localdate() + dt.timedelta(days=1)).strftime("%Y/%m/%d")},
            "未来の日付は記録できません",
        ),
        ({"duration_minutes": "-5"}, "0"),
        ({"date": "2024/2/30"}, "存在しない日付"),
        ({"client": "Z-9999"}, "該当する利用者が見つかりません"),
        ({"method": "手紙"}, "正しく選択してください"),
    ],
)
def test_bad_input_is_refused_with_a_japanese_message_and_nothing_saved(
    coordinator_client, coordinator, center, overrides, message
):
    data = form_data(office=center.pk, staff=[coordinator.pk]) | overrides
    response = coordinator_client.post(URL, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Consultation.objects.count() == 0
    assert response.context["form"]["content"].value() == "母より電話。"  # nothing the user typed is lost


def test_an_office_the_coordinator_does_not_belong_to_is_refused(coordinator_client, coordinator, chikuho):
    response = coordinator_client.post(URL, form_data(office=chikuho.pk, staff=[coordinator.pk]))
    assert response.status_code == 200
    assert "正しく選択してください" in response.content.decode()
    assert Consultation.objects.count() == 0


def test_staff_must_belong_to_the_office_of_the_consultation(
    supervisor_client, satellite_coordinator, center
):
    response = supervisor_client.post(URL, form_data(office=center.pk, staff=[satellite_coordinator.pk]))
    assert "この拠点に所属していません" in response.content.decode()
    assert Consultation.objects.count() == 0


def test_a_client_of_another_office_cannot_be_chosen(
    satellite_client, satellite_coordinator, center, chikuho
):
    make_client(center)
    response = satellite_client.post(
        URL, form_data(office=chikuho.pk, staff=[satellite_coordinator.pk], client="C-0001")
    )
    assert "該当する利用者が見つかりません" in response.content.decode()
    assert Consultation.objects.count() == 0


def test_dates_may_be_written_the_japanese_way(coordinator_client, coordinator, center):
    coordinator_client.post(URL, form_data(office=center.pk, staff=[coordinator.pk], date="R6.4.1"))
    assert Consultation.objects.get().date == dt.date(2024, 4, 1)


def test_a_family_member_must_belong_to_the_chosen_client(coordinator_client, coordinator, center):
    from cases.models import FamilyMember

    make_client(center)
    other = make_client(center, case_number="C-0002", name="佐藤 花子", kana="サトウ ハナコ")
    stranger = FamilyMember.objects.create(client=other, name="佐藤 洋子", relationship="母")
    data = form_data(office=center.pk, staff=[coordinator.pk], client="C-0001", family_member=stranger.pk)
    response = coordinator_client.post(URL, data)
    assert "この利用者の家族を選んでください" in response.content.decode()
    assert Consultation.objects.count() == 0
