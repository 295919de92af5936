"""Sign-in events go to the audit trail: failures are security-relevant, successes are accountability."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from lionrock.core.accounts.access import actor_for_user
from lionrock.core.audit import services as audit


def client_address(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR")


@receiver(user_logged_in)
def _logged_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    actor = actor_for_user(user, ip_address=client_address(request))
    audit.record(actor=actor, action="accounts.sign_in", target=user)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record(
            actor=actor_for_user(user, ip_address=client_address(request)), action="accounts.sign_out"
        )


@receiver(user_login_failed)
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    audit.record(
        actor=None,
        action="accounts.sign_in",
        outcome="failure",
        actor_label=str(credentials.get("username", ""))[:254],
        ip_address=client_address(request),
    )
