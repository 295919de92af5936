"""TLP:RED goes to named people: the reporter names people of the reporting and handling organisations,
the handling CERT may add others. Nobody else sees a RED incident, even in the reporting organisation."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.accounts.models import User
from lionrock.cyber.incidents import selectors
from lionrock.cyber.incidents.models import Incident, IncidentRecipient
from lionrock.cyber.incidents.services.common import IncidentInvalid, _history
from lionrock.cyber.incidents.sharing import HANDLER_ROLES, INCIDENT_ROLES
from lionrock.cyber.intel.tlp import Tlp

__all__ = ["incident_recipients_add"]


def _people(organisation_ids: Iterable[int] | None, roles: Iterable[str]) -> QuerySet[User]:
    """Active people holding one of the roles in an active membership (of these organisations)."""
    rows = User.objects.filter(
        is_active=True,
        memberships__is_active=True,
        memberships__organisation__is_active=True,
        memberships__role_grants__role__in=list(roles),
    )
    if organisation_ids is not None:
        rows = rows.filter(memberships__organisation_id__in=list(organisation_ids))
    return rows


def _resolve(emails: Sequence[str], allowed: QuerySet[User], *, reporter: bool) -> list[User]:
    """The people named by e-mail address; one outside `allowed` refuses the lot, naming it."""
    wanted = [email.strip().lower() for email in emails if email.strip()]
    found = {user.email.lower(): user for user in allowed.filter(email__in=wanted).distinct()}
    for index, email in enumerate(wanted):
        if email not in found:
            message = (
                _(
                    "“%(email)s” is not a person of your organisation or of the handling CERT who works "
                    "with incidents."
                )
                if reporter
                else _("“%(email)s” is not a person who works with incidents here.")
            )
            raise IncidentInvalid(f"recipients[{index}]", message % {"email": email[:254]})
    return [found[email] for email in dict.fromkeys(wanted)]


def reporter_may_name(incident: Incident) -> QuerySet[User]:
    """Whom the reporter may name: people of the reporting organisation and the handlers of the handler."""
    return _people([incident.reporting_organisation_id], INCIDENT_ROLES) | _people(
        [incident.handling_organisation_id], HANDLER_ROLES
    )


def recipients_name(*, actor: Actor, incident: Incident, emails: Sequence[str]) -> list[User]:
    """Stores the reporter's named people (and the reporter) on a TLP:RED incident; nothing otherwise."""
    if incident.tlp != Tlp.RED:
        return []
    people = _resolve(emails, reporter_may_name(incident), reporter=True)
    if actor.user is not None:
        people = [actor.user, *people]
    _store(actor, incident, people)
    return people


def recipients_require_handler(incident: Incident) -> None:
    """A submitted TLP:RED report names at least one handler of the handling CERT, or nobody handles it."""
    if incident.tlp != Tlp.RED or incident.status == Incident.Status.DRAFT or incident.is_exercise:
        return  # a drill report never goes to the real CERT
    handlers = _people([incident.handling_organisation_id], HANDLER_ROLES).values("pk")
    if not IncidentRecipient.objects.filter(incident=incident, user_id__in=handlers).exists():
        raise IncidentInvalid(
            "recipients",
            _(
                "Name at least one handler of %(cert)s: a TLP:RED report goes to the people you name, "
                "and nobody else there would see it."
            )
            % {"cert": incident.handling_organisation},
        )


def _store(actor: Actor, incident: Incident, people: Iterable[User]) -> list[User]:
    kept = set(IncidentRecipient.objects.filter(incident=incident).values_list("user_id", flat=True))
    added = [person for person in dict.fromkeys(people) if person.pk not in kept]
    IncidentRecipient.objects.bulk_create(
        [IncidentRecipient(incident=incident, user=person, added_by=actor.user) for person in added]
    )
    return added


@transaction.atomic
def incident_recipients_add(*, actor: Actor, incident: Incident, emails: Sequence[str]) -> list[User]:
    """Names more people to see a TLP:RED incident: the reporter, people of the reporting and handling
    organisations; the handling CERT's handlers, anyone who works with incidents on the platform."""
    handles = selectors.incident_may_handle(actor=actor, incident=incident)
    if not (handles or selectors.incident_may_edit(actor=actor, incident=incident)):
        raise NotFound
    if incident.tlp != Tlp.RED:
        raise IncidentInvalid("recipients", _("Only a TLP:RED incident goes to named people."))
    if not [email for email in emails if email.strip()]:
        raise IncidentInvalid("recipients", _("Give at least one e-mail address."))
    allowed = _people(None, INCIDENT_ROLES) if handles else reporter_may_name(incident)
    added = _store(actor, incident, _resolve(emails, allowed, reporter=not handles))
    _history(
        actor=actor,
        incident=incident,
        action="incident.recipients",
        text=_("Named %(n)s more people to see this TLP:RED incident.") % {"n": len(added)},
        changes={"added": [person.pk for person in added]},
    )
    return added
