from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from productorg.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/", views.api_token_create, name="api-token-create"),
    path("profile/tokens/<int:token_id>/revoke/", views.api_token_revoke, name="api-token-revoke"),
    path("password/done/", views.PasswordChangeDoneView.as_view(), name="password-change-done"),
]
