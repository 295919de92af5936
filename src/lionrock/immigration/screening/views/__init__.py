"""Screening pages, one module per section: cases, interviews, referrals, checklists, statistics."""
