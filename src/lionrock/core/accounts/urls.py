from django.urls import path

from lionrock.core.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="login"),
    path("sign-out/", views.sign_out, name="logout"),
    path("mfa/", views.mfa_verify, name="mfa_verify"),
    path("mfa/enrol/", views.mfa_enrol, name="mfa_enrol"),
    path("account/", views.security, name="security"),
    path("account/password/", views.password_change, name="password_change"),
    path("account/recovery-codes/", views.recovery_codes_regenerate, name="recovery_codes"),
    path("account/tokens/", views.tokens, name="tokens"),
    path("account/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("organisations/", views.my_organisations, name="organisations"),
    path("organisations/new/", views.organisation_edit, name="organisation_new"),
    path("organisations/<slug:slug>/", views.members, name="members"),
    path("organisations/<slug:slug>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<slug:slug>/toggle/", views.organisation_toggle, name="organisation_toggle"),
    path("organisations/<slug:slug>/members/<int:membership_id>/", views.member_detail, name="member"),
    path(
        "organisations/<slug:slug>/members/<int:membership_id>/password/",
        views.member_password_reset,
        name="member_password",
    ),
    path(
        "organisations/<slug:slug>/members/<int:membership_id>/unlock/",
        views.member_unlock,
        name="member_unlock",
    ),
    path(
        "organisations/<slug:slug>/members/<int:membership_id>/deactivate/",
        views.member_deactivate,
        name="member_deactivate",
    ),
]
