"""caregov Superset client and dashboards as code (deliberately not importable as `superset`)."""
