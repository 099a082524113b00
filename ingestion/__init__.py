"""caregov ingestion."""
