"""Every write to victim screening: keyword-only, one transaction, one audit row each.

Audit rows name records by id and reference only: no names, answers or notes reach the audit trail,
notifications or logs. One module per section: checklists, cases, interviews (with the four-eyes review),
drafts, referrals.
"""

from lionrock.immigration.screening.services.cases import *  # noqa: F403
from lionrock.immigration.screening.services.checklists import *  # noqa: F403
from lionrock.immigration.screening.services.drafts import *  # noqa: F403
from lionrock.immigration.screening.services.interviews import *  # noqa: F403
from lionrock.immigration.screening.services.referrals import *  # noqa: F403
from lionrock.immigration.screening.services.shared import *  # noqa: F403
