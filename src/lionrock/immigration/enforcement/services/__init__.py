"""Every write to enforcement records: keyword-only, one transaction, one audit row each.

Split by sub-area; import from here: `from lionrock.immigration.enforcement import services`.
"""

from lionrock.immigration.enforcement.services.arrests import *  # noqa: F403
from lionrock.immigration.enforcement.services.employer_records import *  # noqa: F403
from lionrock.immigration.enforcement.services.keys import *  # noqa: F403
from lionrock.immigration.enforcement.services.operations import *  # noqa: F403
from lionrock.immigration.enforcement.services.reports import *  # noqa: F403
from lionrock.immigration.enforcement.services.retention import *  # noqa: F403
