"""Every write to the STIX store. objects_add (ingest) is the one path for TAXII, REST, UI and every importer.

One module per part: ingest (storing versions), bulk (the row writer under it), collection_admin
(collections, grants, sharing groups), authoring (indicators and reports written by hand).
"""

from lionrock.cyber.intel.services.authoring import *  # noqa: F403
from lionrock.cyber.intel.services.collection_admin import *  # noqa: F403
from lionrock.cyber.intel.services.ingest import *  # noqa: F403
