"""The subject-access export of one person, from their page.

Kept apart from views.py, which had passed 800 lines; the person page itself stays there.
"""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lionrock.core.accounts.access import actor_for_request
from lionrock.immigration.enforcement import selectors


@never_cache
@login_required
@require_POST
def person_export(request: HttpRequest, person_id: int) -> HttpResponse:
    """Everything held on the person, as the API's export gives it, downloaded as a JSON file.

    POST, from a button: every export is an audited read of the whole record, and a link could be fetched
    without the officer meaning to (a prefetching browser, a tab restored from history). Another
    department's person, or one that does not exist, is "not found".
    """
    actor = actor_for_request(request)
    export = selectors.person_export(actor=actor, person_id=person_id)
    response = HttpResponse(
        json.dumps(export, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="person-{person_id}-export.json"'
    return response
