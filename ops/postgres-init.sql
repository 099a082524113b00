-- Metadata databases for Airflow and Superset (the warehouse has its own server: warehouse-db).
CREATE DATABASE airflow;
CREATE DATABASE superset;
