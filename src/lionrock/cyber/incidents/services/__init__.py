"""Every write to the incident desk: keyword-only, one transaction each, an audit row and a history line.

Reporting (create, update, submit, reply) is for the reporting organisation; triage (acknowledge, assign,
status, request information, link, share, close) for the handlers of the handling organisation.

One module per part: reporting (drafts, checks, create, update, submit, attachments), handling (the
handlers' steps, the thread, written report, link, share), sharing (observables become indicators), clocks
(regimes, notification clocks, reminders), exercises (purging drill reports), recipients (TLP:RED to
named people); common holds what they share.
"""

from lionrock.cyber.incidents.services.clocks import *  # noqa: F403
from lionrock.cyber.incidents.services.common import *  # noqa: F403
from lionrock.cyber.incidents.services.exercises import *  # noqa: F403
from lionrock.cyber.incidents.services.handling import *  # noqa: F403
from lionrock.cyber.incidents.services.recipients import *  # noqa: F403
from lionrock.cyber.incidents.services.reporting import *  # noqa: F403
from lionrock.cyber.incidents.services.reporting import _next_reference as _next_reference
from lionrock.cyber.incidents.services.sharing import *  # noqa: F403
