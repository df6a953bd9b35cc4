"""Separation of duties: an admin manages accounts but cannot, alone, give anyone access to case
data, and never knows the password of someone who has it."""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from hikikomori.models import AccessRequest, AuditEvent, Membership, Role, User
from tests.conftest import logged_in, make_user


def _new_staff_in_admin(admin_http, center, username="newcomer"):
    """An admin creates an account, gives it the coordinator role and the center."""
    response = admin_http.post(
        "/admin/hikikomori/user/add/",
        {
            "username": username,
            "last_name": "新人",
            "first_name": "一郎",
            "email": "",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
        },  # fmt: skip
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    user = User.objects.get(username=username)
    data = {
        "username": username, "last_name": "新人", "first_name": "一郎", "is_active": "on",
        "groups": [Group.objects.get(name=Role.COORDINATOR).pk],
        "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-office": center.pk, "memberships-0-is_primary": "on",
    }  # fmt: skip
    response = admin_http.post(f"/admin/hikikomori/user/{user.pk}/change/", data)
    assert response.status_code == 302
    return user


def test_an_admin_alone_cannot_give_access_to_case_data(admin_client_, admin_user, center):
    user = _new_staff_in_admin(admin_client_, center)
    assert not user.has_usable_password()  # the admin chose no password
    assert not user.groups.exists() and not Membership.objects.filter(user=user).exists()
    assert AccessRequest.objects.filter(user=user, decided_at__isnull=True).count() == 2
    user.set_password("the-admin-guessed-this-1")  # even a password the admin set somehow
    user.save()
    assert logged_in(user).get(reverse("cases:client_list")).status_code == 403


def test_the_admin_forms_set_no_password(admin_client_, coordinator):
    add = admin_client_.get("/admin/hikikomori/user/add/").content.decode()
    assert 'name="password1"' not in add and 'name="password2"' not in add
    change = admin_client_.get(f"/admin/hikikomori/user/{coordinator.pk}/change/").content.decode()
    assert "password/" not in change
    assert admin_client_.get(f"/admin/hikikomori/user/{coordinator.pk}/password/").status_code == 403


def test_a_supervisor_approves_on_home_and_hands_over_the_one_time_link(
    admin_client_, admin_user, supervisor, center, client
):
    user = _new_staff_in_admin(admin_client_, center)
    supervisor_http = logged_in(supervisor)
    home = supervisor_http.get(reverse("home")).content.decode()
    assert "権限付与の承認待ち" in home and "新人 一郎" in home and str(admin_user) in home
    links = []
    for item in AccessRequest.objects.filter(user=user).order_by("pk"):
        response = supervisor_http.post(
            reverse("access_decide", args=[item.pk]), {"decision": "approve"}, follow=True
        )
        links += re.findall(r"(/account/setup/[^/\s<]+/[^/\s<]+/)", response.content.decode())
    user.refresh_from_db()
    assert user.has_role(Role.COORDINATOR) and Membership.objects.get(user=user).office == center
    assert len(links) == 1 and not user.has_usable_password()
    assert set(
        AuditEvent.objects.filter(target_id=str(user.pk), detail__change="access_approved").values_list(
            "user", flat=True
        )
    ) == {supervisor.pk}
    # the person sets their own password with the link, once
    page = client.get(links[0], follow=True)
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else links[0]
    client.post(form_url, {"new_password1": "my-own-secret-2026!", "new_password2": "my-own-secret-2026!"})
    user.refresh_from_db()
    assert user.check_password("my-own-secret-2026!")
    again = client.get(links[0], follow=True).content.decode()
    assert "使用済みか、期限が切れています" in again


def test_gaining_case_access_clears_a_password_the_admin_may_know(admin_client_, supervisor, center):
    user = _new_staff_in_admin(admin_client_, center)
    user.set_password("known-to-the-admin-1")
    user.save()
    http = logged_in(supervisor)
    for item in AccessRequest.objects.filter(user=user):
        http.post(reverse("access_decide", args=[item.pk]), {"decision": "approve"})
    user.refresh_from_db()
    assert not user.check_password("known-to-the-admin-1")


def test_nobody_approves_their_own_request_nor_one_about_themselves(master_data, center):
    both = make_user("both", roles=[Role.ADMIN, Role.SUPERVISOR], offices=[center])
    target = make_user("target")
    from hikikomori import access

    mine = access.access_request(by=both, user=target, role=Role.COORDINATOR)
    about_me = access.access_request(by=target, user=both, office=center)
    http = logged_in(both)
    for item in (mine, about_me):
        assert http.post(reverse("access_decide", args=[item.pk]), {"decision": "approve"}).status_code == 404
    assert not AccessRequest.objects.filter(approved=True).exists()


def test_a_supervisor_decides_only_for_their_own_offices(master_data, chikuho, supervisor):
    from hikikomori import access

    admin = make_user("sysadmin2", roles=[Role.ADMIN])
    target = make_user("target")
    item = access.access_request(by=admin, user=target, office=chikuho)
    response = logged_in(supervisor).post(reverse("access_decide", args=[item.pk]), {"decision": "approve"})
    assert response.status_code == 404
    assert not Membership.objects.filter(user=target).exists()


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_only_supervisors_decide(master_data, center, role):
    from hikikomori import access

    asker = make_user("asker", roles=[Role.ADMIN])
    target = make_user("target")
    item = access.access_request(by=asker, user=target, office=center)
    other = make_user("other", roles=[role], offices=[center])
    response = logged_in(other).post(reverse("access_decide", args=[item.pk]), {"decision": "approve"})
    assert response.status_code == 403
