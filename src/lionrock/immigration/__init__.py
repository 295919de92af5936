"""Immigration enforcement and victim screening."""
