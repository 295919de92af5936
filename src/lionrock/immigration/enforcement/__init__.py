"""Public reports, triage, operations, persons, arrests and the offence catalogue (issue 4)."""
