from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from archive.views import account

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Changing the password ends every other session of the user (Django's
    # session auth hash); the session that changed it stays logged in.
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # "Stay signed in", from the warning every page gives before the session ends; and a
    # session begun in another tab, taken up by a page of the ended one.
    path("accounts/session/", account.account_session, name="account_session"),
    path("api/", include("archive.api.urls")),
    path("w3c/", include("archive.w3c.urls")),
    path("exports/", include("archive.exchange.urls")),
    path("", include("archive.urls")),
]

handler400 = "archive.views.form_input.bad_request"
handler403 = "archive.views.refusals.permission_denied"
handler404 = "archive.views.refusals.page_not_found"
