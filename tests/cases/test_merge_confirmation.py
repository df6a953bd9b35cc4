"""Merges you can trust: confirmed side by side, the survivor chosen, a reason required; the merged
record's page and old ケース番号 lead to the survivor."""

import datetime as dt

from django.urls import reverse

from cases.models import Client, ClientLog, Consultation
from hikikomori.models import AuditEvent
from tests.records import make_client, make_consultation


def pair(center):
    old = make_client(center, "C-0001", "宮﨑 翔太", "ミヤザキ ショウタ", birth_date=dt.date(2001, 5, 1))
    new = make_client(center, "C-0002", "宮崎 翔太", "ミヤザキ ショウタ", birth_date=dt.date(2001, 5, 1))
    make_consultation(center, "2024-05-01", client=new)
    return old, new


def test_a_merge_is_confirmed_side_by_side_and_needs_a_reason(coordinator_client, coordinator, center):
    old, new = pair(center)
    url = reverse("cases:client_merge")
    page = coordinator_client.get(url, {"survivor": old.pk, "duplicate": new.pk})
    html = page.content.decode()
    assert page.status_code == 200 and "C-0001" in html and "C-0002" in html and "統合する" in html
    assert not Client.objects.exclude(merged_into=None).exists()  # looking changes nothing
    refused = coordinator_client.post(url, {"survivor": new.pk, "duplicate": old.pk, "reason": ""})
    assert refused.status_code == 400 and not Client.objects.exclude(merged_into=None).exists()
    done = coordinator_client.post(
        url, {"survivor": new.pk, "duplicate": old.pk, "reason": "同一人物（異体字）"}
    )
    assert done.url == reverse("cases:client_detail", args=[new.pk])  # the one chosen to stay
    old.refresh_from_db()
    assert old.merged_into == new
    assert Consultation.objects.get().client == new
    assert ClientLog.objects.filter(kind="merged", reason="同一人物（異体字）").count() == 2
    assert AuditEvent.objects.filter(action="merge", user=coordinator).exists()


def test_the_merged_records_page_and_old_number_lead_to_the_survivor(coordinator_client, coordinator, center):
    from cases import services

    old, new = pair(center)
    services.client_merge(by=coordinator, survivor=new, duplicate=old, reason="同一人物")
    response = coordinator_client.get(reverse("cases:client_detail", args=[old.pk]))
    assert response.url == reverse("cases:client_detail", args=[new.pk])
    for typed in ["C-0001", "Ｃ－０００１", "c-0001"]:
        listing = coordinator_client.get(reverse("cases:client_list"), {"q": typed}).content.decode()
        cards = listing[
            listing.index('id="client-cards"') : listing.index("</ul>", listing.index('id="client-cards"'))
        ]
        assert "C-0002" in cards, typed


def test_the_record_listed_second_can_be_the_one_kept(coordinator_client, center):
    """The confirmation page lists both records; choosing the other one as the survivor (the radio
    a user changes) still merges the two, never one record into itself."""
    old, new = pair(center)
    url = reverse("cases:client_merge")
    page = coordinator_client.get(url, {"survivor": old.pk, "duplicate": new.pk}).content.decode()
    assert f'name="pair" value="{old.pk}"' in page and f'name="pair" value="{new.pk}"' in page
    data = {"pair": [old.pk, new.pk], "survivor": new.pk, "reason": ""}
    refused = coordinator_client.post(url, data).content.decode()
    assert "C-0001" in refused and "C-0002" in refused  # both still side by side after the error
    done = coordinator_client.post(url, {**data, "reason": "同一人物"})
    assert done.url == reverse("cases:client_detail", args=[new.pk])
    old.refresh_from_db()
    assert old.merged_into == new
