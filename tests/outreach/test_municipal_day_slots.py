"""市町村相談会: each time is booked once; a refused outcome keeps what was typed, next to its error;
the case-conference form appears only when it applies."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from cases.models import Consultation
from outreach import services
from outreach.models import MunicipalDay, Reservation
from tests.records import make_day


def test_a_time_is_booked_once(coordinator_client, coordinator, center):
    day = make_day(center, "2024-07-10", slots=3)
    url = reverse("outreach:reservation_add", args=[day.pk])
    assert coordinator_client.post(url, {"time": "10:00", "name": "Aさん"}).status_code == 302
    response = coordinator_client.post(url, {"time": "10:00", "name": "Bさん"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "10:00 の枠はすでに予約されています" in html and 'value="Bさん"' in html
    assert Reservation.objects.count() == 1
    assert MunicipalDay.objects.get(pk=day.pk).reserved == 1


def test_an_outcome_on_a_future_day_is_not_offered_and_refused_with_the_input_kept(
    coordinator_client, coordinator, center
):
    day = make_day(center, timezone.localdate() + dt.timedelta(days=7))
    reservation = services.reservation_book(by=coordinator, day=day, time=dt.time(10), name="Cさん")
    page = coordinator_client.get(reverse("outreach:day_detail", args=[day.pk])).content.decode()
    assert "当日以降に記録できます" in page
    response = coordinator_client.post(
        reverse("outreach:reservation_outcome", args=[reservation.pk]),
        {"duration_minutes": "45", "content": "本人と面談"},
    )
    html = response.content.decode()
    assert response.status_code == 400 and "未来の日付は記録できません" in html
    assert 'value="本人と面談"' in html and 'value="45"' in html
    assert not Consultation.objects.exists()


def test_the_case_conference_form_appears_only_when_it_applies(coordinator_client, coordinator, center):
    future = make_day(center, timezone.localdate() + dt.timedelta(days=7))
    past = make_day(center, "2024-07-10", "宗像市")
    assert (
        "ケース会議の内容"
        not in coordinator_client.get(reverse("outreach:day_detail", args=[future.pk])).content.decode()
    )
    assert (
        "ケース会議の内容"
        in coordinator_client.get(reverse("outreach:day_detail", args=[past.pk])).content.decode()
    )
    refused = coordinator_client.post(
        reverse("outreach:day_case_conference", args=[future.pk]), {"notes": "検討"}
    )
    assert refused.status_code == 400 and "当日以降に記録できます" in refused.content.decode()


def test_a_day_offers_its_municipalitys_default_slots_and_each_slot_shows_its_state(
    coordinator_client, coordinator, center
):
    from hikikomori.models import Municipality

    kasuga = Municipality.objects.get(name="春日市")
    kasuga.consultation_day_times = ["09:30", "13:00"]
    kasuga.save()
    data = {"date": "2024/7/10", "municipality": kasuga.pk, "host_type": "センター主催", "office": center.pk}
    coordinator_client.post(reverse("outreach:day_create"), data | {"slot_times": "", "notes": ""})
    day = MunicipalDay.objects.get()
    assert (day.slot_times, day.slots) == (["09:30", "13:00"], 2)
    booked = services.reservation_book(by=coordinator, day=day, time=dt.time(9, 30), name="Aさん")
    services.reservation_record_consultation(by=coordinator, reservation=booked, content="面談")
    services.reservation_book(by=coordinator, day=day, time=dt.time(13), name="Bさん")
    page = coordinator_client.get(reverse("outreach:day_detail", args=[day.pk])).content.decode()
    rows = page.split('id="slots"')[1].split("</table>")[0].split("<tr>")[2:]
    assert "09:30" in rows[0] and "相談済み" in rows[0] and "Aさん" in rows[0]
    assert "13:00" in rows[1] and "予約済み" in rows[1] and "Bさん" in rows[1]
    assert "予約枠はすべて埋まっています" in page


def test_a_time_outside_the_slots_is_refused(coordinator_client, coordinator, center):
    day = make_day(center, "2024-07-10", slot_times=["10:00", "11:00", "13:30"])
    url = reverse("outreach:reservation_add", args=[day.pk])
    for time in ("23:50", "10:30", "25:00", "<script>"):
        response = coordinator_client.post(url, {"time": time, "name": "Aさん"})
        assert response.status_code == 400
        assert "空いている時間枠から選んでください" in response.content.decode()
    assert not Reservation.objects.exists()
    try:
        services.reservation_book(by=coordinator, day=day, time=dt.time(23, 50), name="Aさん")
    except Exception as exc:  # the service refuses too, whatever door is used
        assert "時間枠ではありません" in str(exc)
    assert not Reservation.objects.exists()


def test_slot_times_are_checked_and_a_booked_slot_cannot_be_removed(coordinator_client, coordinator, center):
    day = make_day(center, "2024-07-10", slot_times=["10:00", "11:00", "13:30"])
    services.reservation_book(by=coordinator, day=day, time=dt.time(11), name="Aさん")
    data = {
        "date": "2024/7/10", "municipality": day.municipality_id, "host_type": "センター主催",
        "office": center.pk, "notes": "",
    }  # fmt: skip
    url = reverse("outreach:day_edit", args=[day.pk])
    for text, error in (
        ("10:00, 23:50", "23:50 は相談会の時間外です"),
        ("10:00, 朝", "「朝」は時刻として読めません"),
        ("10:00, 13:30", "11:00 は予約済みのため外せません"),
    ):
        response = coordinator_client.post(url, data | {"slot_times": text})
        assert response.status_code == 400 and error in response.content.decode(), text
    day.refresh_from_db()
    assert day.slot_times == ["10:00", "11:00", "13:30"]
    coordinator_client.post(url, data | {"slot_times": "１１：００、１５時００分"})
    day.refresh_from_db()
    assert (day.slot_times, day.slots, day.reserved) == (["11:00", "15:00"], 2, 1)
