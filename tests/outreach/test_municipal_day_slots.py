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
