"""A password alone opens nothing: the second factor, its enrolment, replacement and reset."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RegexPattern
from django_otp.plugins.otp_totp.models import TOTPDevice

from hikikomori.models import AuditEvent
from tests.conftest import PASSWORD, current_token, logged_in, pending_token, totp_device


def _sample_path(route: str) -> str:
    """A concrete path for a URL pattern: 1 for numbers, x for text, the first alternative of a choice."""
    route = re.sub(r"<int:\w+>", "1", route)
    route = re.sub(r"<(?:\w+:)?\w+>", "x", route)

    def group(match):
        body = match.group(1)
        return "x" if "*" in body or "+" in body or "[" in body else body.split("|")[0]

    route = re.sub(r"\(\?P<\w+>((?:[^()]|\([^()]*\))*)\)", group, route)
    return route.lstrip("^").rstrip("$").replace("\\", "")


def every_path(resolver=None, prefix=""):
    """Every URL pattern of the project, Django's admin included, as a concrete path."""
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + _sample_path(
            str(
                pattern.pattern.regex.pattern
                if isinstance(pattern.pattern, RegexPattern)
                else pattern.pattern
            )
        )
        if isinstance(pattern, URLResolver):
            yield from every_path(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield "/" + route


ONLY = {"/account/two-factor/verify/", "/logout/"}


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_password_only_session_reaches_only_the_prompt_and_logout(supervisor, method):
    device = totp_device(supervisor)
    key = device.key
    client = logged_in(supervisor, verified=False)
    paths = sorted(set(every_path()))
    assert len(paths) > 60 and "/account/two-factor/setup/" in paths and "/account/password/" in paths
    answered = set()
    for path in paths:
        if path == "/logout/":
            continue
        resolve(path)  # a real pattern, not a 404
        response = getattr(client, method)(
            path,
            {
                "token": "123456",
                "current_token": "123456",
                "old_password": PASSWORD,
                "new_password1": "x-new-secret-phrase-9",
                "new_password2": "x-new-secret-phrase-9",
            },
        )
        if response.status_code == 302 and response.url.startswith(reverse("two_factor_verify")):
            continue
        answered.add(path)
    assert answered == {"/account/two-factor/verify/"}
    assert list(TOTPDevice.objects.filter(user=supervisor).values_list("key", flat=True)) == [key]
    supervisor.refresh_from_db()
    assert supervisor.check_password(PASSWORD)
    assert client.post(reverse("logout")).url == reverse("login")


def test_a_supervisor_without_a_device_reaches_only_the_enrolment(supervisor):
    client = logged_in(supervisor, verified=False)
    for path in ["/", "/cases/clients/", "/account/password/", "/account/two-factor/verify/", "/admin/"]:
        assert client.get(path).url.startswith(reverse("two_factor_setup")), path
    assert client.get(reverse("two_factor_setup")).status_code == 200


def test_the_login_event_is_written_when_the_second_factor_is_verified(supervisor):
    device = totp_device(supervisor)
    client = Client()
    client.post(reverse("login"), {"username": "super", "password": PASSWORD})
    assert list(AuditEvent.objects.filter(user=supervisor).values_list("action", flat=True)) == [
        "password_ok"
    ]
    client.post(reverse("two_factor_verify"), {"token": current_token(device)})
    assert AuditEvent.objects.filter(user=supervisor, action="login").count() == 1


def test_replacing_the_authenticator_needs_a_code_of_the_current_one(supervisor):
    device = totp_device(supervisor)
    client = logged_in(supervisor)
    page = client.get(reverse("two_factor_setup")).content.decode()
    assert "認証アプリの再登録" in page and "今お使いの認証アプリの確認コード" in page
    new_code = pending_token(client)
    wrong = "000000" if current_token(device) != "000000" else "111111"
    response = client.post(reverse("two_factor_setup"), {"current_token": wrong, "token": new_code})
    assert "確認コードが正しくありません" in response.content.decode()
    assert list(TOTPDevice.objects.filter(user=supervisor)) == [device]
    client.post(reverse("two_factor_setup"), {"current_token": current_token(device), "token": new_code})
    replaced = TOTPDevice.objects.get(user=supervisor)
    assert replaced.key != device.key and replaced.confirmed
    assert AuditEvent.objects.filter(user=supervisor, action="two_factor_reenrol").count() == 1
    assert not AuditEvent.objects.filter(action="two_factor_enrol").exists()


def test_an_admin_resets_an_authenticator_and_its_owner_enrols_at_next_login(
    admin_client_, admin_user, coordinator
):
    totp_device(coordinator)
    before = logged_in(coordinator)
    response = admin_client_.post(
        "/admin/hikikomori/user/", {"action": "reset_two_factor", "_selected_action": [coordinator.pk]}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    event = AuditEvent.objects.get(action="two_factor_reset")
    assert event.user == admin_user and event.target_id == str(coordinator.pk)
    assert event.get_action_display() == "認証アプリのリセット"
    assert before.get(reverse("home")).status_code == 302  # the owner's sessions ended
    client = Client()
    client.post(reverse("login"), {"username": "coord", "password": PASSWORD})
    assert client.get(reverse("home")).url.startswith(reverse("two_factor_setup"))


def test_the_code_that_confirmed_the_enrolment_cannot_log_in_again(supervisor):
    enrolling = Client()
    enrolling.post(reverse("login"), {"username": "super", "password": PASSWORD})
    enrolling.get(reverse("two_factor_setup"))
    code = pending_token(enrolling)
    enrolling.post(reverse("two_factor_setup"), {"token": code})
    assert TOTPDevice.objects.get(user=supervisor).confirmed
    elsewhere = Client()  # someone who saw the code over the shoulder, within its 30 seconds
    elsewhere.post(reverse("login"), {"username": "super", "password": PASSWORD})
    response = elsewhere.post(reverse("two_factor_verify"), {"token": code})
    assert elsewhere.get("/cases/clients/").url.startswith(reverse("two_factor_verify"))
    assert "確認コードが正しくありません" in response.content.decode()


@pytest.mark.parametrize(
    ("roles", "said"),
    [
        (["supervisor"], "センター担当者・管理職の方は2段階認証が必要です。"),
        (["admin"], "システム管理者の方は2段階認証が必要です。"),
    ],
)
def test_the_enrolment_page_names_the_users_real_role(master_data, roles, said):
    from tests.conftest import make_user

    user = make_user("someone", roles=roles)
    page = logged_in(user, verified=False).get(reverse("two_factor_setup")).content.decode()
    assert said in page
    other = "システム管理者" if roles == ["supervisor"] else "センター担当者"
    assert f"{other}の方は" not in page
