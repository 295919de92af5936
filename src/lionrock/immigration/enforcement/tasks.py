"""Background work for enforcement. None yet: reports are triaged by people, not by the queue."""
