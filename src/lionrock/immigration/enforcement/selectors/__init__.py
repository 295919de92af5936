"""Every read of enforcement records, scoped to the enforcement officers of the owning department.

One module per part: catalogue (the offence catalogue and employers' saved records, readable without an
account), reports (the public's reports and their queue), records (operations, persons, arrests, and the
screenings the arrests of vulnerable persons owe)."""

from lionrock.immigration.enforcement.selectors.catalogue import *  # noqa: F403
from lionrock.immigration.enforcement.selectors.records import *  # noqa: F403
from lionrock.immigration.enforcement.selectors.reports import *  # noqa: F403
