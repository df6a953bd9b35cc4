"""Web相談's public pages: anyone may send a request for help, without an account; the form is
plain Japanese, works without JavaScript, refuses what it cannot keep with a Japanese message,
never tells a visitor who is known, and holds its rate limits in the database."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from hikikomori.models import Municipality
from tests.records import make_client
from webconsult import services
from webconsult.models import PublicHit, RequestStatus, WebRequest

pytestmark = pytest.mark.django_db
FORM = reverse("webconsult:public_form")


def _fields(**changes) -> dict:
    return {
        "writer": "家族", "age_band": "30代", "municipality": "", "trouble": "息子が3年ほど家から出ません。",
        "contact": "電話", "name": "母", "phone": "090-1234-5678", "email": "", "agree": "on", "website": "",
    } | changes  # fmt: skip


def _receipt(response) -> str:
    assert response.status_code == 302, response.content.decode()[:500]
    page = response.client.get(response["Location"]).content.decode()
    return re.search(r'translate="no">(W-[0-9A-Z]{8})<', page).group(1)


def test_a_family_member_sends_a_request_and_gets_only_a_receipt_number(client, chikuho):
    page = client.get(FORM).content.decode()
    for label in (
        "だれが書いていますか",
        "いま、困っていること",
        "センターからの連絡",
        "個人情報の取り扱い",
        "送る",
    ):
        assert label in page
    town = Municipality.objects.filter(jurisdiction=chikuho).first()
    response = client.post(FORM, _fields(municipality=town.pk))
    number = _receipt(response)
    sent = WebRequest.objects.get()
    assert sent.receipt_number == number and sent.status == RequestStatus.NEW
    assert sent.office == chikuho  # filed under the office serving the town
    assert sent.due_on == services.due_date(sent.received_at)
    page = client.get(response["Location"]).content.decode()
    assert "息子" not in page and "090-1234-5678" not in page  # nothing read back


def test_a_request_may_be_anonymous_and_needs_no_contact_details(client, center):
    _receipt(client.post(FORM, _fields(contact="連絡不要", name="", phone="")))
    sent = WebRequest.objects.get()
    assert (sent.name, sent.phone, sent.email) == ("", "", "")
    assert sent.office == center  # no municipality: the center


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"agree": ""}, "「個人情報の取り扱い」への同意が必要です"),
        ({"phone": ""}, "電話番号を書いてください"),
        ({"contact": "メール", "email": ""}, "メールアドレスを書いてください"),
        ({"phone": "<script>"}, "電話番号は数字とハイフンで"),
        ({"trouble": ""}, "困っていることを書いてください"),
        ({"trouble": "あ" * 2001}, "2000"),
        ({"trouble": "途中に\x00が"}, "Null"),
        ({"writer": "管理者"}, "正しく選択してください"),
        ({"municipality": "99999"}, "正しく選択してください"),
    ],
)
def test_what_cannot_be_kept_is_refused_in_japanese_and_nothing_is_stored(client, center, changes, message):
    response = client.post(FORM, _fields(**changes))
    assert response.status_code == 200
    page = response.content.decode()
    assert "入力を確かめてください" in page
    if message != "Null":
        assert message in page
    assert not WebRequest.objects.exists()


def test_hostile_text_is_kept_as_text_and_never_rendered_as_html(client, center, coordinator_client):
    text = "<script>alert(1)</script> <a href='http://x'>リンク</a> \u202eتجربة 😀\r\n改行"
    _receipt(client.post(FORM, _fields(trouble=text)))
    sent = WebRequest.objects.get()
    assert sent.trouble == text.replace("\r\n", "\n") or sent.trouble == text
    page = coordinator_client.get(reverse("webconsult:detail", args=[sent.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "<a href='http://x'>" not in page and "😀" in page


def test_the_honeypot_gets_the_same_answer_and_nothing_is_kept(client, center):
    response = client.post(FORM, _fields(website="http://spam.example"))
    assert _receipt(response).startswith("W-")
    assert not WebRequest.objects.exists()


def _same_shape(page: str) -> str:
    """A page without what differs on every answer: the receipt number and the CSRF token."""
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", re.sub(r"W-[0-9A-Z]{8}", "W-", page))


def test_a_visitor_learns_nothing_about_who_is_known(client, center):
    make_client(center, name="山田 太郎", kana="ヤマダ タロウ")
    known = client.post(FORM, _fields(name="山田 太郎", phone="090-1234-5678", email="taro@example.jp"))
    unknown = client.post(FORM, _fields(name="佐藤 花子", phone="080-9999-0000", email="hanako@example.jp"))
    assert known.status_code == unknown.status_code == 302
    pages = [_same_shape(client.get(r["Location"]).content.decode()) for r in (known, unknown)]
    assert pages[0] == pages[1]
    assert WebRequest.objects.count() == 2  # both kept alike, neither matched to anyone


def test_the_rate_limit_per_address_holds_with_hits_counted_by_another_host(client, center):
    key = services.address_key("127.0.0.1")
    for _ in range(services.PER_ADDRESS_PER_HOUR):  # as another app host records them
        PublicHit.objects.create(address=key)
    response = client.post(FORM, _fields())
    assert response.status_code == 429
    assert "少し時間をおいてから" in response.content.decode()
    assert not WebRequest.objects.exists()
    PublicHit.objects.update(at=timezone.now() - dt.timedelta(hours=2))  # an hour later: open again
    _receipt(client.post(FORM, _fields()))


def test_the_overall_rate_limit_holds_whoever_sends(client, center, monkeypatch):
    monkeypatch.setattr(services, "ALL_PER_HOUR", 3)
    for n in range(3):
        PublicHit.objects.create(address=services.address_key(f"10.0.0.{n}"))
    assert client.post(FORM, _fields()).status_code == 429


def test_the_public_pages_are_the_only_ones_open_without_login(client):
    for name in ("webconsult:public_form", "webconsult:public_privacy"):
        assert client.get(reverse(name)).status_code == 200
    assert client.get(reverse("webconsult:inbox")).status_code == 302
    assert client.get(reverse("webconsult:public_sent") + "?r=forged").status_code == 404


@pytest.mark.parametrize(
    "received, due",
    [
        ("2026-12-04 10:00", "2026-12-07"),  # Friday: Monday
        ("2026-12-07 23:30", "2026-12-08"),  # Monday night (Tokyo): Tuesday
        ("2026-12-28 09:00", "2027-01-04"),  # 年末年始 (the 休業期間 of the master data)
        ("2027-01-08 09:00", "2027-01-12"),  # Friday before 成人の日
    ],
)
def test_the_answer_is_due_the_next_working_day(received, due, master_data):
    at = timezone.make_aware(dt.datetime.fromisoformat(received))
    assert services.due_date(at) == dt.date.fromisoformat(due)


def test_a_closure_added_in_admin_moves_the_day_it_is_due(master_data):
    from outreach.models import ClosurePeriod

    ClosurePeriod.objects.create(name="研修日", start=dt.date(2026, 12, 7), end=dt.date(2026, 12, 7))
    friday = timezone.make_aware(dt.datetime(2026, 12, 4, 10))
    assert services.due_date(friday) == dt.date(2026, 12, 8)


def _upcoming_day(center, days=7, **fields):
    from tests.records import make_day

    return make_day(
        center,
        timezone.localdate() + dt.timedelta(days=days),
        slot_times=["10:00", "11:00", "13:30"],
        **fields,
    )


def test_the_public_sees_only_free_slots_of_upcoming_days_and_no_names(client, center):
    from outreach.models import Reservation

    day = _upcoming_day(center)
    Reservation.objects.create(day=day, time=dt.time(11), name="予約 済子")
    day.reserved = 1
    day.save()
    full = _upcoming_day(center, days=8, municipality="田川市")
    for time in ("10:00", "11:00", "13:30"):
        Reservation.objects.create(day=full, time=dt.time.fromisoformat(time), name="満席 太郎")
    full.reserved = 3
    full.save()
    page = client.get(FORM).content.decode()
    assert f'value="{day.pk}|10:00"' in page and f'value="{day.pk}|13:30"' in page
    assert f'value="{day.pk}|11:00"' not in page  # taken
    assert "田川市の相談会" not in page  # full: not offered
    assert "予約 済子" not in page and "満席 太郎" not in page
    _receipt(client.post(FORM, _fields(slot=f"{day.pk}|13:30")))
    sent = WebRequest.objects.get()
    assert (sent.wished_day, sent.wished_time) == (day, dt.time(13, 30))


def test_a_slot_taken_meanwhile_is_refused_in_japanese(client, center):
    day = _upcoming_day(center)
    response = client.post(FORM, _fields(slot=f"{day.pk}|12:00"))
    assert "その時間はもう空いていません" in response.content.decode()
    assert not WebRequest.objects.exists()


def test_binary_and_oversized_bodies_get_an_answer_never_a_server_error(client, center):
    binary = client.post(FORM, data=bytes(range(256)) * 40, content_type="application/x-www-form-urlencoded")
    assert binary.status_code in (200, 400)
    huge = client.post(FORM, _fields(trouble="あ" * 200_000))
    assert huge.status_code in (200, 413) and huge.status_code != 500
    assert not WebRequest.objects.exists()


def test_the_public_pages_carry_the_strict_content_security_policy(client):
    policy = client.get(FORM)["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


def test_a_double_click_on_send_stores_one_request_and_both_see_the_same_number(client, center):
    page = client.get(FORM).content.decode()
    token = re.search(r'name="submission" value="([^"]+)"', page).group(1)
    first = client.post(FORM, _fields(submission=token))
    second = client.post(FORM, _fields(submission=token))  # the browser's retry, the second click
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert WebRequest.objects.count() == 1


def test_a_person_correcting_the_form_is_not_slowed_down_by_the_rate_limit(client, center):
    key = services.address_key("127.0.0.1")
    for _ in range(services.PER_ADDRESS_PER_HOUR - 1):
        PublicHit.objects.create(address=key)
    for _ in range(3):  # three refused attempts count nothing
        assert client.post(FORM, _fields(phone="")).status_code == 200
    _receipt(client.post(FORM, _fields()))
