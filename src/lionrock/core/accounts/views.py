"""Pages for signing in, MFA, one's own security settings, tokens, members and organisations."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from lionrock.core.accounts import lockout, selectors, services
from lionrock.core.accounts.access import Actor, NotFound, actor_for_request, actor_for_user
from lionrock.core.accounts.forms import (
    CodeForm,
    EnrolForm,
    MemberAddForm,
    MemberRolesForm,
    OrganisationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SignInForm,
    TokenCreateForm,
)
from lionrock.core.accounts.mfa import user_has_mfa
from lionrock.core.accounts.models import Organisation
from lionrock.core.accounts.roles import ROLE_CATALOGUE
from lionrock.core.errors import ValidationFailed
from lionrock.core.shell.language import language_activate_for


def _next_url(request: HttpRequest, default: str = "shell:home") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(default)


def _half_signed_in_actor(request: HttpRequest) -> Actor:
    """The user who passed the password step but may not yet have passed MFA."""
    if not request.user.is_authenticated:
        raise NotFound
    return actor_for_user(request.user, ip_address=request.META.get("REMOTE_ADDR"))


@sensitive_post_parameters("password")
@require_http_methods(["GET", "HEAD", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.method in ("GET", "HEAD"):
        return redirect(_next_url(request))
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request, username=form.cleaned_data["email"].lower(), password=form.cleaned_data["password"]
        )
        if user is not None:
            login(request, user)
            response = redirect(_next_url(request))
            language_activate_for(request, response, user.preferred_language)
            return response
        form.add_error(None, _("The email address or password is not correct."))
    return render(request, "accounts/sign_in.html", {"form": form, "next": request.GET.get("next", "")})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You have signed out."))
    return redirect("accounts:login")


def locked_out(request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any) -> HttpResponse:
    """Shown in place of the sign-in page while an account is locked after repeated failures."""
    from django.conf import settings

    throttled = getattr(request, "lionrock_account_throttled", False)
    minutes = (
        settings.LIONROCK_ACCOUNT_FAILURE_WINDOW_MINUTES
        if throttled
        else int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    )
    return render(
        request, "accounts/locked_out.html", {"minutes": minutes, "throttled": throttled}, status=403
    )


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def mfa_verify(request: HttpRequest) -> HttpResponse:
    actor = _half_signed_in_actor(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.mfa_verify(actor=actor, code=form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("code", _("That code is not correct or has already been used."))
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": request.GET.get("next", "")})


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def mfa_enrol(request: HttpRequest) -> HttpResponse:
    """Sets up an authenticator app: scan, confirm with a first code, keep the recovery codes."""
    actor = _half_signed_in_actor(request)
    if user_has_mfa(request.user) and not request.user.is_verified():  # type: ignore[arg-type, union-attr]
        return redirect("accounts:mfa_verify")
    device = selectors.mfa_device_pending(request.user)  # type: ignore[arg-type]
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and device is not None and form.is_valid():
        try:
            codes = services.mfa_totp_confirm(actor=actor, device=device, code=form.cleaned_data["code"])
        except ValidationFailed as exc:
            form.add_error("code", str(exc))
        else:
            otp_login(request, device)
            return render(
                request, "accounts/recovery_codes.html", {"codes": codes, "next": _next_url(request)}
            )
    if device is None or request.method == "GET":
        device = services.mfa_totp_begin(actor=actor)
    import segno  # only the enrolment page draws a QR code

    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "accounts/mfa_enrol.html",
        {
            "form": form,
            "qr_svg": qr.svg_inline(scale=5, dark="#0b1f33", light="#ffffff", omitsize=False),
            "secret": _base32_secret(device),
            "next": request.GET.get("next", ""),
        },
    )


def _base32_secret(device: TOTPDevice) -> str:
    from base64 import b32encode

    raw = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@login_required
def security(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    if actor.user is None:
        raise NotFound
    return render(
        request,
        "accounts/security.html",
        {
            "has_mfa": user_has_mfa(actor.user),
            "organisations": selectors.organisations_of(actor=actor),
        },
    )


@login_required
@require_POST
def recovery_codes_regenerate(request: HttpRequest) -> HttpResponse:
    codes = services.mfa_recovery_codes_regenerate(actor=actor_for_request(request))
    return render(
        request, "accounts/recovery_codes.html", {"codes": codes, "next": reverse("accounts:security")}
    )


@sensitive_post_parameters("current_password", "new_password", "confirm_password")
@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    from django.contrib.auth import update_session_auth_hash

    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actor = _half_signed_in_actor(request)
        try:
            user = services.user_password_change(
                actor=actor,
                current_password=form.cleaned_data["current_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ValidationFailed as exc:
            form.add_error("current_password", str(exc))
        except ValidationError as exc:
            form.add_error("new_password", exc)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password has been changed."))
            return redirect(_next_url(request))
    return render(
        request, "accounts/password_change.html", {"form": form, "next": request.GET.get("next", "")}
    )


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    own_orgs = [
        (org.pk, org.display_name(request.LANGUAGE_CODE)) for org in selectors.organisations_of(actor=actor)
    ]
    form = TokenCreateForm(request.POST or None, organisations=own_orgs)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.token_create(
                actor=actor,
                organisation=form.cleaned_data["organisation"],
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_in_days=form.cleaned_data["expires_in_days"],
            )
        except ValidationFailed as exc:
            form.add_error(None, str(exc))
        else:
            return render(request, "accounts/token_created.html", {"token": token, "secret": secret})
    return render(request, "accounts/tokens.html", {"form": form, "tokens": selectors.tokens_of(actor=actor)})


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    actor = actor_for_request(request)
    token = selectors.token_get(actor=actor, token_id=token_id)
    services.token_revoke(actor=actor, token=token)
    messages.success(request, _("The token “%(name)s” has been revoked.") % {"name": token.name})
    return redirect("accounts:tokens")


# --- Organisation administration ---------------------------------------------------------------------


@login_required
def my_organisations(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    managed = selectors.organisations_managed(actor=actor)
    if not actor.is_platform_admin and len(managed) == 1:
        return redirect("accounts:members", slug=managed[0].slug)
    if not managed:
        raise NotFound
    return render(request, "accounts/organisations.html", {"organisations": managed})


@login_required
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest, slug: str) -> HttpResponse:
    actor = actor_for_request(request)
    organisation = selectors.organisation_managed_get(actor=actor, slug=slug)
    form = MemberAddForm(request.POST or None, include_platform=actor.is_platform_admin)
    if request.method == "POST" and form.is_valid():
        try:
            membership, password = services.member_add(
                actor=actor,
                organisation=organisation,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                roles=form.cleaned_data["roles"],
            )
        except ValidationFailed as exc:
            form.add_error(None, str(exc))
        else:
            if password:
                return render(
                    request,
                    "accounts/one_time_password.html",
                    {"organisation": organisation, "member": membership.user, "password": password},
                )
            messages.success(request, _("%(email)s has been added.") % {"email": membership.user.email})
            return redirect("accounts:members", slug=slug)
    return render(
        request,
        "accounts/members.html",
        {
            "organisation": organisation,
            "memberships": selectors.members_of(actor=actor, organisation=organisation),
            "form": form,
            "catalogue": ROLE_CATALOGUE,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_detail(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    actor = actor_for_request(request)
    organisation = selectors.organisation_managed_get(actor=actor, slug=slug)
    membership = selectors.membership_get(actor=actor, organisation=organisation, membership_id=membership_id)
    current = [grant.role for grant in membership.role_grants.all()]
    form = MemberRolesForm(
        request.POST or None, initial={"roles": current}, include_platform=actor.is_platform_admin
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_set_roles(
                actor=actor, membership=membership, roles=form.cleaned_data["roles"]
            )
        except ValidationFailed as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Roles saved."))
            return redirect("accounts:members", slug=slug)
    return render(
        request,
        "accounts/member_detail.html",
        {
            "organisation": organisation,
            "membership": membership,
            "form": form,
            "reset_form": PasswordResetForm(),
            "sign_in_locked": lockout.sign_in_locked(membership.user.email),
        },
    )


@login_required
@require_POST
def member_unlock(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    actor = actor_for_request(request)
    organisation = selectors.organisation_managed_get(actor=actor, slug=slug)
    membership = selectors.membership_get(actor=actor, organisation=organisation, membership_id=membership_id)
    services.member_sign_in_unlock(actor=actor, membership=membership)
    messages.success(request, _("Sign-in unlocked for %(email)s.") % {"email": membership.user.email})
    return redirect("accounts:member", slug=slug, membership_id=membership_id)


@login_required
@require_POST
def member_password_reset(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    actor = actor_for_request(request)
    organisation = selectors.organisation_managed_get(actor=actor, slug=slug)
    membership = selectors.membership_get(actor=actor, organisation=organisation, membership_id=membership_id)
    form = PasswordResetForm(request.POST)
    form.is_valid()
    try:
        password = services.member_password_reset(
            actor=actor, membership=membership, reset_mfa=form.cleaned_data.get("reset_mfa", False)
        )
    except ValidationFailed as exc:
        messages.error(request, str(exc))
        return redirect("accounts:member", slug=slug, membership_id=membership_id)
    return render(
        request,
        "accounts/one_time_password.html",
        {"organisation": organisation, "member": membership.user, "password": password},
    )


@login_required
@require_POST
def member_deactivate(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    actor = actor_for_request(request)
    organisation = selectors.organisation_managed_get(actor=actor, slug=slug)
    membership = selectors.membership_get(actor=actor, organisation=organisation, membership_id=membership_id)
    try:
        services.membership_deactivate(actor=actor, membership=membership)
    except ValidationFailed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("%(email)s no longer has access here.") % {"email": membership.user.email}
        )
    return redirect("accounts:members", slug=slug)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """Platform admins create and edit organisations; organisation admins edit their own details."""
    actor = actor_for_request(request)
    organisation = selectors.organisation_managed_get(actor=actor, slug=slug) if slug else None
    if organisation is None and not actor.is_platform_admin:
        raise NotFound
    form = OrganisationForm(request.POST or None, instance=organisation or Organisation())
    if organisation is not None:
        form.fields["slug"].disabled = True
        if not actor.is_platform_admin:
            form.fields["kind"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "slug"}
        try:
            if organisation is None:
                organisation = services.organisation_create(
                    actor=actor, slug=form.cleaned_data["slug"], **data
                )
            else:
                services.organisation_update(actor=actor, organisation=organisation, **data)
        except ValidationFailed as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Organisation saved."))
            return redirect("accounts:members", slug=organisation.slug)
    return render(request, "accounts/organisation_form.html", {"form": form, "organisation": organisation})


@login_required
@require_POST
def organisation_toggle(request: HttpRequest, slug: str) -> HttpResponse:
    actor = actor_for_request(request)
    organisation = selectors.organisation_managed_get(actor=actor, slug=slug)
    services.organisation_set_active(
        actor=actor, organisation=organisation, active=not organisation.is_active
    )
    return redirect("accounts:organisations")
