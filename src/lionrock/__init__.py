"""Lionrock: one platform for cyber defence and immigration enforcement."""
