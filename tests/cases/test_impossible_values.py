"""Forms refuse the impossible, all at once: the same rules on every screen, the import and 管理."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from cases.models import Client, Consultation
from tests.cases.test_record_consultation import form_data
from tests.exchange.importing import CLIENT_HEADER, CONSULTATION_HEADER, import_file

CENTER = "福岡県ひきこもり地域支援センター"
NEXT_YEAR = (timezone.localdate() + dt.timedelta(days=400)).strftime("%Y/%m/%d")


def client_data(center, **overrides):
    data = {"case_number": "C-0100", "name": "佐藤 花子", "kana": "サトウ ハナコ", "sex": "女性", "office": center.pk,
            "withdrawal_period": "不明", "registered_on": "2024/4/1"}  # fmt: skip
    return data | overrides


def test_a_client_born_in_the_future_or_registered_next_year_is_refused_in_one_round(
    coordinator_client, center
):
    response = coordinator_client.post(
        reverse("cases:client_create"), client_data(center, birth_date=NEXT_YEAR, registered_on=NEXT_YEAR)
    )
    form = response.context["form"]
    assert form.errors["birth_date"] == ["未来の日付は入力できません。"]
    assert form.errors["registered_on"] == ["未来の日付は入力できません。"]
    assert not Client.objects.exists()


def test_a_birth_date_before_1900_is_refused(coordinator_client, center):
    response = coordinator_client.post(
        reverse("cases:client_create"), client_data(center, birth_date="1899/12/31")
    )
    assert response.context["form"].errors["birth_date"] == ["生年月日は1900年1月1日以降にしてください。"]


def test_every_error_of_a_consultation_shows_at_once(coordinator_client, coordinator, center):
    data = form_data(
        office=center.pk,
        staff=[coordinator.pk],
        date=NEXT_YEAR,
        duration_minutes="99999",
        content="あ" * 4001,
    )
    response = coordinator_client.post(reverse("cases:consultation_create"), data)
    errors = response.context["form"].errors
    assert errors["date"] == ["未来の日付は記録できません。"]
    assert errors["duration_minutes"] == ["所要時間は1日（1440分）以内で入力してください。"]
    assert errors["content"] == ["4000文字以内にしてください（いま4001文字）。"]
    assert not Consultation.objects.exists()
    page = response.content.decode()
    assert 'maxlength="4000"' in page  # the browser stops at the limit and shows a counter


def test_the_import_refuses_the_same_values(tmp_path, master_data):
    rows = [CLIENT_HEADER, ["K-1", "山田 太郎", "", "", "1899/12/31", "", CENTER, "", "", ""]]
    code, _, err = import_file(tmp_path, "clients", rows)
    assert code == 1 and "行 2: 生年月日: 1899/12/31: 生年月日は1900年1月1日以降にしてください。" in err
    rows = [CONSULTATION_HEADER, ["R-1", "2024/4/1", CENTER, "電話", "本人", "", "", "1441", ""]]
    code, _, err = import_file(tmp_path, "consultations", rows)
    assert code == 1 and "行 2: 所要時間（分）: 1441: 所要時間は1日（1440分）以内で入力してください。" in err
