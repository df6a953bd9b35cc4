"""相談した家族 lists the chosen client's family only, named after the client."""

from django.urls import reverse

from cases.models import FamilyMember
from tests.records import make_client


def test_opened_from_a_client_the_form_offers_only_that_clients_family(coordinator_client, center):
    yamada = make_client(center, "C-0001", "山田 太郎")
    mother = FamilyMember.objects.create(client=yamada, name="山田 和子", relationship="母")
    other = make_client(center, "C-0002", "松本 次郎")
    FamilyMember.objects.create(client=other, name="松本 和子", relationship="母")
    form = coordinator_client.get(reverse("cases:consultation_create"), {"client": yamada.pk}).context["form"]
    field = form.fields["family_member"]
    assert list(field.queryset) == [mother]
    assert field.label == "相談した家族（山田 太郎さんの家族）"
    assert field.label_from_instance(mother) == "山田 和子（母）"
    blank = coordinator_client.get(reverse("cases:consultation_create")).context["form"]
    assert not blank.fields["family_member"].queryset.exists()


def test_the_options_follow_the_client_box_and_stay_within_the_users_offices(
    coordinator_client, satellite_client, center
):
    yamada = make_client(center, "C-0001", "山田 太郎")
    FamilyMember.objects.create(client=yamada, name="山田 和子", relationship="母")
    url = reverse("cases:family_options")
    assert "山田 和子（母）" in coordinator_client.get(url, {"client": "C-0001 山田 太郎"}).content.decode()
    assert "山田 和子" not in satellite_client.get(url, {"client": "C-0001"}).content.decode()
    assert coordinator_client.get(url, {"client": ""}).content.decode().count("<option") == 1
