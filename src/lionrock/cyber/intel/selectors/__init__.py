"""Every read of the STIX store, for an actor: visibility under collection grants and TLP is decided here.

The rules (docs/users/intel-sharing.md says the same in plain words):
* TLP:CLEAR: every signed-in member of an organisation with an intelligence role.
* TLP:GREEN: the same community.
* TLP:AMBER: the collection's audience (owner, organisations granted read directly or through a group).
* TLP:AMBER+STRICT: the creating organisation, organisations granted read on the collection directly
  (not through a group), and organisations named as recipients on the object.
* TLP:RED: the person who created it, people named as recipients on the object, and the collection's
  named RED recipients. Nobody else, platform administrators included.

And one rule over all of them: an object that names another stored object (a sighting's sighting_of_ref,
a relationship's source_ref and target_ref) is visible only to readers who may also see some version of
every object it names. A TLP:GREEN sighting of a TLP:RED indicator is thus seen by the indicator's
readers only: its own TLP can narrow its audience, never widen it. A reference to an object that is not
stored here reveals nothing held here, and does not hide the object naming it.

One module per part: visibility (the door), browsing (search, pages, panels), audience (collections
managed, recipients, sharing groups)."""

from lionrock.cyber.intel.selectors.audience import *  # noqa: F403
from lionrock.cyber.intel.selectors.browsing import *  # noqa: F403
from lionrock.cyber.intel.selectors.visibility import *  # noqa: F403
