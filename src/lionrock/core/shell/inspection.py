"""The Django admin as a read-only inspection tool: writes go through services, which audit them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode


class InspectionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def admin_site_secure() -> None:
    """Sends the admin's own sign-in page to the platform's, so MFA and lock-out apply there too."""

    def sign_in(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        target = request.GET.get("next") or reverse("admin:index")
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': target})}")

    admin.site.login = sign_in  # type: ignore[method-assign]
    admin.site.site_header = "Lionrock"
    admin.site.site_title = "Lionrock"
