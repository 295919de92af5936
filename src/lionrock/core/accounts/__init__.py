"""Organisations, users, memberships with roles, API tokens and MFA."""
