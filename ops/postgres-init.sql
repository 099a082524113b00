-- Metadata databases for Airflow and Superset (the warehouse itself is DuckDB on the data volume).
CREATE DATABASE airflow;
CREATE DATABASE superset;
