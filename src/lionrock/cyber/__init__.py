"""Cyber defence: threat-intelligence sharing, monitoring, incidents and drills."""
