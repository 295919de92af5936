"""Enforcement pages, one module per feature: reports, operations, arrests, persons, employer, statistics."""
