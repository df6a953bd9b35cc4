"""The right office: one primary office per person, and only open offices offered for new records."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from hikikomori.models import Membership
from tests.conftest import logged_in, make_user
from tests.hikikomori.test_admin_rights import change_form_data
from tests.records import make_consultation

TODAY = timezone.localdate()


def test_a_person_has_one_primary_office_in_the_database(coordinator, chikuho):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=coordinator, office=chikuho, is_primary=True)
    assert Membership.objects.create(user=coordinator, office=chikuho).is_primary is False


def test_管理_refuses_two_primary_offices_and_a_new_row_is_not_primary(admin_client_, coordinator, chikuho):
    url, data = change_form_data(admin_client_, coordinator)
    assert "memberships-1-is_primary" not in data  # the extra row comes unticked
    data |= {
        "memberships-TOTAL_FORMS": "2",
        "memberships-1-office": chikuho.pk,
        "memberships-1-is_primary": "on",
    }
    response = admin_client_.post(url, data)
    assert response.status_code == 200
    assert "主たる所属を1つだけ選んでください（いま2件）" in response.content.decode()
    assert not Membership.objects.filter(user=coordinator, office=chikuho).exists()


def test_an_office_not_yet_open_is_not_offered_and_the_default_is_an_open_one(center, chikuho):
    chikuho.opened_on = TODAY + dt.timedelta(days=30)
    chikuho.save()
    both = make_user(
        "both", roles=["coordinator"], offices=[chikuho, center]
    )  # primary: chikuho, not open yet
    form = logged_in(both).get(reverse("cases:consultation_create")).context["form"]
    assert list(form.fields["office"].queryset) == [center]
    assert form.initial["office"] == center


def test_an_old_record_keeps_its_closed_office(coordinator_client, center, chikuho, coordinator):
    Membership.objects.create(user=coordinator, office=chikuho)
    consultation = make_consultation(chikuho, "2024-05-01", staff=[coordinator])
    chikuho.closed_on = TODAY - dt.timedelta(days=1)
    chikuho.opened_on = dt.date(2020, 4, 1)
    chikuho.save()
    new = coordinator_client.get(reverse("cases:consultation_create")).context["form"]
    assert chikuho not in new.fields["office"].queryset
    edit = coordinator_client.get(reverse("cases:consultation_edit", args=[consultation.pk])).context["form"]
    assert chikuho in edit.fields["office"].queryset
