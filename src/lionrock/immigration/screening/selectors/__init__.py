"""Every read of screening and victim records, scoped to need-to-know roles; reads of people are audited.

Screening officers and supervisors see their department's cases. A support-service provider sees only the
referrals made to its organisation, and of each only the fields its service needs (models.SERVICE_FIELDS).

One module per section: checklists, cases, debriefings, referrals, statistics."""

from lionrock.immigration.screening.selectors.cases import *  # noqa: F403
from lionrock.immigration.screening.selectors.checklists import *  # noqa: F403
from lionrock.immigration.screening.selectors.debriefings import *  # noqa: F403
from lionrock.immigration.screening.selectors.referrals import *  # noqa: F403
from lionrock.immigration.screening.selectors.shared import *  # noqa: F403
from lionrock.immigration.screening.selectors.statistics import *  # noqa: F403
