"""受付 and the first call on one screen: a mother calls about her son; he is registered, she is
his family, the call is recorded and the 受付 filled from the same entry — all or nothing."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.intake import Intake
from cases.models import Client, Consultation, FamilyMember
from reports.queries import Scope
from reports.tables import build_report
from tests.records import make_client, make_consultation

URL = reverse("cases:consultation_create")


def _call(center, coordinator, **overrides):
    data = {
        "date": timezone.localdate().strftime("%Y/%m/%d"),
        "office": center.pk,
        "method": "電話",
        "consulter": "家族",
        "client": "",
        "staff": [coordinator.pk],
        "duration_minutes": "20",
        "content": "息子が3年ほど部屋から出てこない。",
        "new_client_name": "春日 翔",
        "new_client_kana": "カスガ ショウ",
        "new_family_name": "春日 和子",
        "new_family_relationship": "母",
    }
    return data | overrides


def test_the_mothers_first_call_registers_her_son_herself_and_the_intake(
    coordinator_client, coordinator, center
):
    make_client(center, "C-0041", "山田 太郎")  # the office's numbering continues from here
    response = coordinator_client.post(URL, _call(center, coordinator, intake_urgency="心身の不調"))
    assert response.status_code == 302
    son = Client.objects.get(name="春日 翔")
    assert (son.kana, son.case_number, son.primary_worker, son.office) == (
        "カスガ ショウ",
        "C-0042",
        coordinator,
        center,
    )
    mother = FamilyMember.objects.get(client=son)
    assert (mother.name, mother.relationship) == ("春日 和子", "母")
    call = Consultation.objects.get(client=son)
    assert call.family_member == mother and call.consulter == "家族"
    intake = Intake.objects.get()
    assert (intake.consultation, intake.client, intake.route, intake.urgency) == (
        call,
        son,
        "家族",
        "心身の不調",
    )
    assert intake.complaint == "息子が3年ほど部屋から出てこない。" and intake.next_step == "継続支援"


def test_a_likely_duplicate_is_shown_before_anything_is_saved(coordinator_client, coordinator, center):
    existing = make_client(center, "C-0001", "春日 翔", "カスガ ショウ")
    page = coordinator_client.post(URL, _call(center, coordinator)).content.decode()
    assert "すでに登録されているかもしれません" in page and existing.case_number in page
    assert not Consultation.objects.exists() and Client.objects.count() == 1
    assert 'value="春日 和子"' in page  # nothing typed is lost
    coordinator_client.post(URL, _call(center, coordinator, not_duplicate="on"))
    assert Client.objects.filter(name="春日 翔").count() == 2


def test_a_refusal_anywhere_saves_nothing(coordinator_client, coordinator, center):
    response = coordinator_client.post(URL, _call(center, coordinator, duration_minutes="-5"))
    assert response.status_code == 200
    assert not Client.objects.exists() and not FamilyMember.objects.exists() and not Intake.objects.exists()
    response = coordinator_client.post(URL, _call(center, coordinator, consulter="本人"))
    assert "相談者が「家族」のときだけ登録できます" in response.content.decode()
    assert not Client.objects.exists()


def test_an_anonymous_first_call_stays_anonymous(coordinator_client, coordinator, center):
    data = _call(center, coordinator, new_client_name="", new_client_kana="", new_family_name="")
    data |= {"new_family_relationship": "", "is_intake": "on", "intake_next_step": "情報提供のみで終了"}
    assert coordinator_client.post(URL, data).status_code == 302
    intake = Intake.objects.get()
    assert intake.client is None and intake.consultation.client is None and intake.route == "家族"
    assert not Client.objects.exists()


def test_an_ordinary_call_records_no_intake(coordinator_client, coordinator, center):
    client = make_client(center)
    data = _call(center, coordinator, new_client_name="", new_client_kana="", new_family_name="")
    data |= {"new_family_relationship": "", "client": client.case_number}
    assert coordinator_client.post(URL, data).status_code == 302
    assert Consultation.objects.count() == 1 and not Intake.objects.exists()


def test_the_report_counts_the_intakes_of_the_year_by_route_and_next_step(
    coordinator, supervisor, center, chikuho
):
    from cases import first_contact

    def intake(office, date, consulter, step):
        consultation = make_consultation(office, date, "電話", consulter=consulter)
        first_contact.intake_record(by=coordinator, consultation=consultation, next_step=step)

    intake(center, "2024-04-01", "家族", "継続支援")
    intake(center, "2025-03-31", "家族", "継続支援")
    intake(center, "2024-06-01", "本人", "他機関へつなぐ")
    intake(chikuho, "2024-07-01", "関係機関", "情報提供のみで終了")
    intake(center, "2025-04-01", "家族", "継続支援")  # the next year
    intake(center, "2024-03-31", "家族", "継続支援")  # the year before
    table = next(t for t in build_report(Scope(fiscal_year=2024)).tables if t.sheet == "新規相談受付件数")
    assert table.header == ["経路", "継続支援", "情報提供のみで終了", "他機関へつなぐ", "合計"]
    rows = {row[0]: row[1:] for row in table.rows}
    # counted by hand from the six records above
    assert rows["家族"] == [2, 0, 0, 2] and rows["本人"] == [0, 0, 1, 1] and rows["関係機関"] == [0, 1, 0, 1]
    assert rows["合計"] == [2, 1, 1, 4]
    center_only = next(
        t
        for t in build_report(Scope(fiscal_year=2024, office=center)).tables
        if t.sheet == "新規相談受付件数"
    )
    assert center_only.rows[-1] == ["合計", 2, 0, 1, 3]


@pytest.mark.parametrize("field", ["complaint", "background"])
def test_anonymisation_removes_the_intakes_text(center, supervisor, coordinator, field):
    from cases import first_contact
    from retention import services

    client = make_client(center)
    consultation = make_consultation(center, "2019-05-01", client=client)
    first_contact.intake_record(by=coordinator, consultation=consultation, **{field: "母が夜眠れない"})
    services.client_anonymise(client=client, by=supervisor, reason="保存期間の満了")
    intake = Intake.objects.get()
    assert getattr(intake, field) == "" and not intake.history.filter(**{field: "母が夜眠れない"}).exists()
