"""管理 as an admin meets it: a new office is given its ケース番号 prefix, a new staff member is set up
(name, roles, offices) on the first screen, and roles read in Japanese."""

from django.contrib.auth.models import Group
from django.urls import reverse

from hikikomori.models import AccessRequest, Membership, Office, Role, User
from tests.conftest import logged_in

NEW_OFFICE = {
    "name": "京築サテライトオフィス",
    "short_name": "京築",
    "kind": "satellite",
    "location": "行橋市",
    "address": "",
    "operator": "",
    "opened_on": "2026/12/1",
    "closed_on": "",
    "sort_order": "4",
}


def test_a_new_office_is_refused_without_its_case_number_prefix(admin_client_):
    response = admin_client_.post("/admin/hikikomori/office/add/", NEW_OFFICE)
    assert response.status_code == 200
    assert "ケース番号の接頭辞を入力してください" in response.content.decode()
    assert not Office.objects.filter(name=NEW_OFFICE["name"]).exists()


def test_a_prefix_ending_in_a_digit_is_refused(admin_client_):
    response = admin_client_.post("/admin/hikikomori/office/add/", NEW_OFFICE | {"case_number_prefix": "K2"})
    assert "接頭辞は数字以外で終えてください" in response.content.decode()
    assert not Office.objects.filter(name=NEW_OFFICE["name"]).exists()


def test_the_staff_of_a_new_office_number_its_first_client_from_its_prefix(admin_client_, master_data):
    response = admin_client_.post("/admin/hikikomori/office/add/", NEW_OFFICE | {"case_number_prefix": "K-"})
    assert response.status_code == 302
    office = Office.objects.get(name=NEW_OFFICE["name"])
    staff = User.objects.create_user("keichiku", last_name="行橋", first_name="花子")
    staff.groups.add(Group.objects.get(name=Role.COORDINATOR))
    Membership.objects.create(user=staff, office=office, is_primary=True)
    form = logged_in(staff).get(reverse("cases:client_create")).context["form"]
    assert form.fields["case_number"].initial == "K-0001"


def test_a_new_staff_member_gets_name_roles_and_offices_on_the_first_screen(admin_client_, center):
    add = admin_client_.get("/admin/hikikomori/user/add/").content.decode()
    for label in ("姓", "名", "ひきこもり支援コーディネーター", "センター担当者・管理職", "主たる所属"):
        assert label in add
    assert "ユーザーを作成後に" not in add  # nothing is left for a second screen
    response = admin_client_.post(
        "/admin/hikikomori/user/add/",
        {
            "username": "newcomer",
            "last_name": "新人",
            "first_name": "一郎",
            "email": "",
            "groups": [Group.objects.get(name=Role.COORDINATOR).pk],
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-office": center.pk,
            "memberships-0-is_primary": "on",
        },  # fmt: skip
    )
    assert response.status_code == 302
    user = User.objects.get(username="newcomer")
    assert (user.last_name, user.first_name) == ("新人", "一郎")
    asked = AccessRequest.objects.filter(user=user, decided_at__isnull=True)
    assert {(a.role, a.office_id) for a in asked} == {(Role.COORDINATOR, None), ("", center.pk)}


def test_roles_read_in_japanese_in_the_staff_list_and_on_ones_own_page(
    admin_client_, admin_user, coordinator
):
    listing = admin_client_.get("/admin/hikikomori/user/").content.decode()
    assert "ひきこもり支援コーディネーター" in listing and "システム管理者" in listing
    own = admin_client_.get(f"/admin/hikikomori/user/{admin_user.pk}/change/").content.decode()
    assert "システム管理者" in own
    assert '<div class="readonly">admin</div>' not in own


def test_a_municipality_keeps_its_default_consultation_day_times(admin_client_, master_data):
    from hikikomori.models import Municipality

    kasuga = Municipality.objects.get(name="春日市")
    url = f"/admin/hikikomori/municipality/{kasuga.pk}/change/"
    form = admin_client_.get(url).context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data = {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items()}
    refused = admin_client_.post(url, data | {"consultation_day_times": "9:30, 23:50"})
    assert refused.status_code == 200 and "23:50 は相談会の時間外です" in refused.content.decode()
    assert admin_client_.post(url, data | {"consultation_day_times": "9:30、13:00"}).status_code == 302
    kasuga.refresh_from_db()
    assert kasuga.consultation_day_times == ["09:30", "13:00"]
