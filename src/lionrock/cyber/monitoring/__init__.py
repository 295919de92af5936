"""Server-side monitoring: match runs over stakeholders' logs, sightings, the policy-office dashboard."""
