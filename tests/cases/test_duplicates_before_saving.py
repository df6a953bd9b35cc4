"""A duplicate is caught before it is saved; search folds 異体字 and full-width case numbers."""

import datetime as dt

from django.urls import reverse

from cases.models import Client
from tests.records import make_client


def data(center, **overrides):
    fields = {"case_number": "C-0200", "name": "宮崎 翔太", "kana": "ミヤザキ ショウタ", "sex": "男性", "office": center.pk,
              "withdrawal_period": "不明", "registered_on": "2024/4/1", "birth_date": "2001/5/1"}  # fmt: skip
    return fields | overrides


def test_registering_someone_already_registered_warns_first_with_links(coordinator_client, center):
    existing = make_client(center, "C-0100", "宮﨑 翔太", "ミヤザキ ショウタ", birth_date=dt.date(2001, 5, 1))
    response = coordinator_client.post(reverse("cases:client_create"), data(center))
    page = response.content.decode()
    assert "すでに登録されている方かもしれません" in page
    assert reverse("cases:client_detail", args=[existing.pk]) in page
    assert Client.objects.count() == 1
    response = coordinator_client.post(reverse("cases:client_create"), data(center, not_duplicate="on"))
    assert response.status_code == 302 and Client.objects.count() == 2


def test_the_same_kana_and_birth_date_under_another_spelling_is_a_candidate(coordinator_client, center):
    make_client(center, "C-0100", "宮崎 翔太", "ミヤザキ ショウタ", birth_date=dt.date(2001, 5, 1))
    response = coordinator_client.post(reverse("cases:client_create"), data(center, name="宮崎 将太"))
    assert "すでに登録されている方かもしれません" in response.content.decode()


def test_nobody_alike_is_saved_at_once(coordinator_client, center):
    make_client(center, "C-0100", "山田 太郎", "ヤマダ タロウ", birth_date=dt.date(1990, 1, 1))
    assert coordinator_client.post(reverse("cases:client_create"), data(center)).status_code == 302


def test_search_folds_variant_kanji_and_full_width_case_numbers(coordinator_client, center):
    make_client(center, "D-0901", "髙橋 渡邊", "タカハシ ワタナベ")
    for text in ("高橋", "渡辺", "渡邉", "Ｄ－０９０１", "d-0901"):
        html = coordinator_client.get(reverse("cases:client_list"), {"q": text}).content.decode()
        assert "D-0901" in html, text
