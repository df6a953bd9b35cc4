"""The admin role manages accounts but cannot lift itself; every change of rights is audited
with the acting admin; no role is implied by the superuser flag."""

from django.contrib.auth.models import Group

from hikikomori.models import AuditEvent, Membership, Role
from tests.conftest import make_user


def change_form_data(http, user) -> tuple[str, dict]:
    """The 管理 change form of a user as a browser would submit it unchanged."""
    url = f"/admin/hikikomori/user/{user.pk}/change/"
    response = http.get(url)
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if name in form.initial and name not in ("password",) and not field.disabled:
            value = form.initial[name]
            if isinstance(value, list):
                data[name] = [getattr(v, "pk", v) for v in value]
            elif isinstance(value, bool):
                if value:
                    data[name] = "on"
            elif value is not None:
                data[name] = value
    for formset in response.context["inline_admin_formsets"]:
        formset = formset.formset
        prefix = formset.prefix
        data |= {
            f"{prefix}-TOTAL_FORMS": str(len(formset.forms)),
            f"{prefix}-INITIAL_FORMS": str(formset.initial_form_count()),
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
        for index, inline in enumerate(formset.forms):
            for name in inline.fields:
                value = inline[name].value()
                if value not in (None, False, ""):
                    data[f"{prefix}-{index}-{name}"] = getattr(value, "pk", "on" if value is True else value)
    return url, data


def test_the_staff_form_has_no_superuser_flag_nor_per_user_permissions(admin_client_, admin_user):
    url, data = change_form_data(admin_client_, admin_user)
    fields = admin_client_.get(url).context["adminform"].form.fields
    assert "is_superuser" not in fields and "user_permissions" not in fields
    response = admin_client_.post(url, data | {"is_superuser": "on", "user_permissions": [1, 2, 3]})
    assert response.status_code == 302
    admin_user.refresh_from_db()
    assert not admin_user.is_superuser and not admin_user.user_permissions.exists()


def test_an_admin_cannot_change_their_own_roles(admin_client_, admin_user):
    url, data = change_form_data(admin_client_, admin_user)
    supervisor = Group.objects.get(name=Role.SUPERVISOR)
    response = admin_client_.post(
        url, data | {"groups": [supervisor.pk, Group.objects.get(name=Role.ADMIN).pk]}
    )
    assert response.status_code == 302
    assert list(admin_user.groups.values_list("name", flat=True)) == [Role.ADMIN]


def test_the_superuser_flag_implies_no_role(master_data):
    user = make_user("root")
    user.is_superuser = True
    user.save()
    assert not any(user.has_role(role) for role in Role.values)
    assert not user.requires_two_factor


def test_deactivation_and_role_changes_in_admin_are_audited_with_the_admin(
    admin_client_, admin_user, coordinator, chikuho
):
    url, data = change_form_data(admin_client_, coordinator)
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    data.pop("is_active")
    data["groups"] = [Group.objects.get(name=Role.SUPERVISOR).pk]
    data["memberships-TOTAL_FORMS"] = "2"
    data |= {"memberships-1-office": chikuho.pk}
    response = admin_client_.post(url, data)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else response
    )
    coordinator.refresh_from_db()
    assert not coordinator.is_active
    deactivated = AuditEvent.objects.get(action="account_change", target_id=str(coordinator.pk))
    assert deactivated.user == admin_user and deactivated.detail["is_active"] == [True, False]
    roles = AuditEvent.objects.filter(target="permissions", target_id=str(coordinator.pk), id__gt=before)
    assert roles.exists() and all(event.user == admin_user for event in roles)
    # the new office and the supervisor role are asked for, not given (a supervisor approves)
    assert not Membership.objects.filter(user=coordinator, office=chikuho).exists()
    assert not coordinator.groups.filter(name=Role.SUPERVISOR).exists()
    asked = AuditEvent.objects.filter(target_id=str(coordinator.pk), detail__change="access_requested")
    assert asked.count() == 2 and all(event.user == admin_user for event in asked)


def test_staff_and_superuser_flags_and_permissions_are_audited_wherever_they_change(coordinator):
    from django.contrib.auth.models import Permission

    coordinator.is_staff = True
    coordinator.is_superuser = True
    coordinator.save()
    coordinator.user_permissions.add(Permission.objects.first())
    change = AuditEvent.objects.get(action="account_change", target_id=str(coordinator.pk))
    assert change.detail["is_staff"] == [False, True] and change.detail["is_superuser"] == [False, True]
    assert AuditEvent.objects.filter(target="user_permissions", target_id=str(coordinator.pk)).exists()
