from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _

from . import accounts, views

admin.site.site_header = _("ひきこもり支援 管理")
admin.site.site_title = _("管理")
admin.site.index_title = _("管理")

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="registration/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/two-factor/setup/", accounts.two_factor_setup, name="two_factor_setup"),
    path("account/two-factor/verify/", accounts.two_factor_verify, name="two_factor_verify"),
    path("account/password/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path("cases/", include("cases.urls")),
    path("outreach/", include("outreach.urls")),
    path("reports/", include("reports.urls")),
    path("data/", include("exchange.urls")),
    path("casework/", include("casework.urls")),
    path("retention/", include("retention.urls")),
    path("", include("webconsult.urls")),
    path("admin/", admin.site.urls),
    path("health/ready", views.ready, name="ready"),
    path("account/access/<int:pk>/decide/", views.access_decide, name="access_decide"),
    path(
        "account/setup/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="registration/password_setup.html", success_url=reverse_lazy("login")
        ),
        name="password_setup",
    ),
]

handler400 = "hikikomori.views.bad_request"
handler403 = "hikikomori.views.permission_denied"
handler500 = "hikikomori.views.server_error"
