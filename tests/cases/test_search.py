"""Client search ignores hiragana/katakana, full/half width and spaces."""

import pytest
from django.urls import reverse

from cases.models import Client
from cases.text import normalize_name
from tests.records import make_client


@pytest.mark.parametrize(
    "text", ["ヤマダ タロウ", "やまだたろう", "ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ　タロウ", "やまだ", "山田", "山田太郎"]
)
def test_every_way_of_writing_the_name_finds_the_client(center, text):
    client = make_client(center, name="山田 太郎", kana="ヤマダ タロウ")
    assert list(Client.objects.search(text)) == [client]


@pytest.mark.parametrize("text", ["k-0042", "K-0042", "Ｋ－００４２", "0042", "ｋ-00", "ケ-42"])
def test_a_case_number_is_found_in_any_case_and_width(center, text):
    lower = make_client(center, case_number="k-0042", name="佐藤 花子", kana="サトウ ハナコ")
    kana = make_client(center, case_number="ケ-42", name="鈴木 一郎", kana="スズキ イチロウ")
    found = list(Client.objects.search(text))
    assert found == ([kana] if text == "ケ-42" else [lower])


@pytest.mark.parametrize("text", ["d0302", "D0302", "ｄ０３０２", "d 0302", "D-0302"])
def test_a_case_number_is_found_without_its_dash(coordinator_client, center, text):
    client = make_client(center, case_number="D-0302", name="佐藤 花子", kana="サトウ ハナコ")
    make_client(center, case_number="D-0303", name="鈴木 一郎", kana="スズキ イチロウ")
    assert list(Client.objects.search(text)) == [client]
    listing = coordinator_client.get(reverse("cases:client_list"), {"q": text}).content.decode()
    assert "佐藤 花子" in listing and "鈴木 一郎" not in listing


def test_normalisation_folds_kana_width_and_spaces():
    assert normalize_name("ﾔﾏﾀﾞ　ﾀﾛｳ") == normalize_name("やまだ たろう") == "やまだたろう"


def test_the_suggestions_list_only_clients_of_my_offices(coordinator_client, center, chikuho):
    make_client(center, case_number="C-0001")
    make_client(chikuho, case_number="T-0001")
    html = coordinator_client.get(reverse("cases:client_suggest"), {"client": "やまだ"}).content.decode()
    assert "C-0001 山田 太郎" in html
    assert "T-0001" not in html


def test_suggestions_run_a_constant_number_of_queries(coordinator_client, center):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_client(center, case_number="C-0001")
    url = reverse("cases:client_suggest")
    with CaptureQueriesContext(connection) as one:
        coordinator_client.get(url, {"client": "やまだ"})
    for n in range(2, 12):
        make_client(center, case_number=f"C-{n:04d}")
    with CaptureQueriesContext(connection) as many:
        html = coordinator_client.get(url, {"client": "やまだ"}).content.decode()
    assert html.count("<option") == 11
    assert len(many) == len(one)
