"""One download address for every attachment; the owning module's registered check decides."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from lionrock.core.accounts.access import NotFound, actor_for_request
from lionrock.core.files import selectors
from lionrock.core.files.responses import attachment_response


@login_required
@require_GET
def download(request: HttpRequest, attachment_id: int) -> FileResponse:
    try:
        attachment = selectors.attachment_get(actor=actor_for_request(request), attachment_id=attachment_id)
    except NotFound as exc:
        raise Http404 from exc
    return attachment_response(attachment)
