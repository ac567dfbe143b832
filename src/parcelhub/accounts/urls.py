from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from parcelhub.accounts import views
from parcelhub.accounts.forms import EmailLoginForm

app_name = "accounts"
urlpatterns = [
    path("signup", views.signup, name="signup"),
    path("login", auth_views.LoginView.as_view(template_name="accounts/login.html",
                                                authentication_form=EmailLoginForm,
                                                redirect_authenticated_user=True), name="login"),
    path("logout", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset", auth_views.PasswordResetView.as_view(
        template_name="accounts/password_reset.html",
        email_template_name="accounts/password_reset_email.txt",
        subject_template_name="accounts/password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password_reset_done")), name="password_reset"),
    path("password-reset/sent", auth_views.PasswordResetDoneView.as_view(
        template_name="accounts/password_reset_done.html"), name="password_reset_done"),
    path("password-reset/<uidb64>/<token>", auth_views.PasswordResetConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html",
        success_url=reverse_lazy("accounts:password_reset_complete")), name="password_reset_confirm"),
    path("password-reset/done", auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html"), name="password_reset_complete"),
    path("settings/shipping", views.shipping_settings, name="shipping_settings"),
    path("settings/api-keys", views.api_keys, name="api_keys"),
    path("settings/api-keys/<str:public_id>/revoke", views.api_key_revoke, name="api_key_revoke"),
]
