from django.urls import reverse

from tests.conftest import PASSWORD


def test_nobody_sees_anything_without_logging_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next=/"


def test_the_login_page_is_in_japanese(client, db):
    html = client.get(reverse("login")).content.decode()
    assert "ユーザー名" in html
    assert "パスワード" in html
    assert "ログイン</button>" in html
    assert '<html lang="ja">' in html


def test_a_coordinator_logs_in_and_sees_home(client, coordinator):
    response = client.post(reverse("login"), {"username": "coord", "password": PASSWORD}, follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="h3 mb-0">ホーム</h1>' in html
    assert "福岡県ひきこもり地域支援センター" in html


def test_a_wrong_password_is_refused_with_a_japanese_message(client, coordinator):
    response = client.post(reverse("login"), {"username": "coord", "password": "wrong"})
    assert response.status_code == 200
    assert "正しいユーザー名とパスワードを入力してください" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_ends_the_session(coordinator_client):
    coordinator_client.post(reverse("logout"))
    assert coordinator_client.get(reverse("home")).status_code == 302


def test_navigation_shows_only_what_the_role_may_use(coordinator_client, supervisor_client, admin_client_):
    coordinator_nav = coordinator_client.get(reverse("home")).context["nav_items"]
    supervisor_nav = supervisor_client.get(reverse("home")).context["nav_items"]
    admin_nav = admin_client_.get(reverse("home")).context["nav_items"]
    labels = lambda nav: [str(item["label"]) for item in nav]  # noqa: E731
    assert "年次報告" not in labels(coordinator_nav)
    assert "管理" not in labels(coordinator_nav)
    assert "一括登録" not in labels(coordinator_nav)
    assert "管理" in labels(admin_nav)
    assert "管理" not in labels(supervisor_nav)
    assert labels(coordinator_nav)[0] == "ホーム"


def test_pages_with_personal_data_are_not_cached_and_carry_a_csp(coordinator_client):
    response = coordinator_client.get(reverse("home"))
    assert response["Cache-Control"] == "no-store"
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_admin_is_for_system_admins_only(admin_client_, supervisor_client):
    assert admin_client_.get(reverse("admin:index")).status_code == 200
    assert admin_client_.get(reverse("admin:hikikomori_office_changelist")).status_code == 200
    assert supervisor_client.get(reverse("admin:hikikomori_office_changelist")).status_code == 302


def test_the_core_names_no_apps_url_the_apps_register_their_navigation():
    from pathlib import Path

    core = Path(__file__).resolve().parents[2] / "hikikomori"
    for path in core.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for app in ("cases:", "outreach:", "reports:", "exchange:"):
            assert f'"{app}' not in text, f"{path.name} names a URL of {app}"


def test_each_role_sees_its_navigation(coordinator_client, supervisor_client, admin_client_):
    def labels(http):
        return [item["label"] for item in http.get("/").context["nav_items"]]

    assert labels(coordinator_client) == [
        "ホーム",
        "利用者",
        "相談記録",
        "プログラム",
        "市町村相談会",
        "ケース会議",
    ]
    assert labels(supervisor_client) == [
        "ホーム",
        "利用者",
        "相談記録",
        "プログラム",
        "市町村相談会",
        "ケース会議",
        "年次報告",
        "一括登録",
    ]
    assert labels(admin_client_) == ["ホーム", "管理"]
